package io.wallsync.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * One line for a runtime error (exit 1), without a stack trace. File-system exceptions carry only
 * the path in {@code getMessage()} ("wallsync: /x/y.csv" says nothing), so they are spelled out:
 * what could not be done to which file, and why.
 */
final class RuntimeErrors {
    private RuntimeErrors() {}

    /** The text after {@code "wallsync: "} for {@code error}. */
    static String describe(Throwable error) {
        String context = "";
        Throwable t = error;
        // A wrapper made with new X(cause) only repeats "java.lang.Y: message": say the cause's words.
        while (t.getCause() != null && t.getMessage() != null && t.getMessage().equals(String.valueOf(t.getCause()))) {
            t = t.getCause();
        }
        if (t instanceof UncheckedIOException u && u.getCause() != null) {
            String own = u.getMessage();
            String causeText = String.valueOf(u.getCause());
            // Callers that wrap with their own words ("cannot write X: ...") keep them.
            context = own != null && !own.equals(causeText) ? stripCause(own, u.getCause()) : "";
            t = u.getCause();
        }
        if (t instanceof FileSystemException f) {
            if (context.isEmpty()) {
                return f.getFile() + ": " + reason(f);
            }
            return context.contains(String.valueOf(f.getFile()))
                    ? context + ": " + reason(f)
                    : context + ": " + f.getFile() + ": " + reason(f);
        }
        if (t instanceof IOException io && io.getMessage() != null) {
            return context.isEmpty() ? io.getMessage() : context + ": " + io.getMessage();
        }
        String message = t.getMessage();
        if (t instanceof OutOfMemoryError) {
            return "out of memory (" + message + "): give the JVM more heap, or ask for less work";
        }
        if (message == null || message.isBlank()) {
            StackTraceElement[] at = t.getStackTrace();
            return "internal error without a message" + (at.length > 0 ? " at " + at[0] : "")
                    + " (please report it with the command line)";
        }
        return message;
    }

    private static String stripCause(String own, Throwable cause) {
        String tail = ": " + cause.getMessage();
        return own.endsWith(tail) ? own.substring(0, own.length() - tail.length()) : own;
    }

    private static String reason(FileSystemException f) {
        String what = switch (f) {
            case NoSuchFileException n -> "no such file or directory";
            case AccessDeniedException a -> "permission denied";
            case FileAlreadyExistsException a -> "already exists (and is not what was expected there)";
            case NotDirectoryException n -> "not a directory";
            case DirectoryNotEmptyException n -> "directory not empty";
            default -> f.getReason() != null ? f.getReason() : "file system error";
        };
        return f.getOtherFile() != null ? what + " (" + f.getOtherFile() + ")" : what;
    }
}
