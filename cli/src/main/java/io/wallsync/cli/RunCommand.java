package io.wallsync.cli;

import io.wallsync.adapters.linux.Exec;
import io.wallsync.client.Reading;
import io.wallsync.client.WallclockPage;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wallsync run}: execs a command in a domain's wall time. The command gets
 * libwallsync-preload.so in LD_PRELOAD and the domain's page in WALLSYNC_PAGE (docs/run.md). The JVM
 * is replaced by the command (execve), so the pid, the standard streams, the signals and the exit
 * status are the command's own.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run CMD in a domain's wall time (docs/run.md).",
            "CLOCK_REALTIME, gettimeofday, time and the absolute waits of a dynamically linked program follow"
                    + " the domain's page; monotonic clocks and relative waits are untouched.",
            "CMD replaces wallsync (same pid); the exit status is CMD's. Exit 1 before CMD starts if the page"
                    + " cannot be read, 127 if CMD is not found, 126 if it cannot be executed."
        })
public final class RunCommand implements Callable<Integer> {
    /** Read by the preload library (native/preload/wallsync_preload.c). */
    static final String PAGE_ENV = "WALLSYNC_PAGE";

    static final String ON_STALE_ENV = "WALLSYNC_ON_STALE";

    /** What the preload library does when the page goes stale or bad while CMD runs. */
    enum OnStale {
        keep,
        fail
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Page directory (default as for serve).")
    Path dir;

    @Option(names = "--domain", paramLabel = "NAME", required = true, description = "The domain to live in.")
    String domain;

    @Option(
            names = "--on-stale",
            paramLabel = "keep|fail",
            defaultValue = "keep",
            description = "Page stale or corrupt while CMD runs: keep (default) follows the host clock plus the"
                    + " domain's last published offset; fail makes the time calls fail (errno ESTALE or EIO)."
                    + " Either is said once on stderr.")
    OnStale onStale;

    @Option(
            names = "--library",
            paramLabel = "PATH",
            description = "The preload library to use (default: next to the jar, else the one inside it).")
    Path library;

    @Parameters(
            arity = "1..*",
            paramLabel = "CMD",
            description = "The command and its arguments (options after CMD are CMD's).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path page = DomainPages.path(spec, dir, domain).toAbsolutePath();
        PrintWriter err = spec.commandLine().getErr();
        String problem = pageProblem(page);
        if (problem != null) {
            err.println("wallsync run: " + problem + "; not starting " + command.getFirst());
            return 1;
        }
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        Path lib = PreloadLibrary.locate(Optional.ofNullable(library), env);
        Optional<Path> program = resolve(command.getFirst(), env.get("PATH"));
        if (program.isEmpty()) {
            err.println("wallsync run: " + command.getFirst() + ": command not found");
            return 127;
        }
        String preload = env.get("LD_PRELOAD");
        env.put("LD_PRELOAD", preload == null || preload.isBlank() ? lib.toString() : lib + ":" + preload);
        env.put(PAGE_ENV, page.toString());
        env.put(ON_STALE_ENV, onStale.name());
        err.flush();
        spec.commandLine().getOut().flush();
        int errno = Exec.execve(program.get(), command, env);
        err.println("wallsync run: cannot execute " + program.get() + ": " + errnoText(errno));
        return errno == 2 ? 127 : 126;
    }

    /** Null when the page is there and valid now, else what is wrong with it. */
    static String pageProblem(Path page) {
        try (WallclockPage p = WallclockPage.open(page)) {
            return switch (p.read()) {
                case Reading.Valid v -> null;
                case Reading.Stale s ->
                    "page " + page + " is stale (heartbeat " + s.heartbeatAge().toMillis() + " ms old, limit "
                            + s.limit().toMillis() + " ms): is wallsync serve running?";
                case Reading.WriterStuck w ->
                    "page " + page + " is being written for too long (" + w.lock() + " stuck at version "
                            + w.lastVersion() + ")";
            };
        } catch (NoSuchFileException e) {
            return "no page for the domain at " + page + " (is wallsync serve running?)"
                    + ReadCommand.availableDomains(page.getParent());
        } catch (IOException | RuntimeException e) {
            return "cannot read page " + page + ": " + RuntimeErrors.describe(e);
        }
    }

    /** As execvp(3): a name with a slash is a path, else the first executable file on PATH. */
    static Optional<Path> resolve(String cmd, String path) {
        if (cmd.contains("/")) {
            return Optional.of(Path.of(cmd));
        }
        for (String d : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(File.pathSeparator, -1)) {
            Path candidate = Path.of(d.isEmpty() ? "." : d, cmd);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String errnoText(int errno) {
        return switch (errno) {
            case 2 -> "no such file or directory";
            case 8 -> "exec format error (not a program for this machine)";
            case 13 -> "permission denied";
            case 20 -> "a path component is not a directory";
            case 21 -> "is a directory";
            default -> "errno " + errno;
        };
    }
}
