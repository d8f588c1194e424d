package io.wallsync.client;

import java.io.IOException;

/** The file is not a wallsync page this reader understands (size, magic or layout version). */
public final class PageFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public PageFormatException(String message) {
        super(message);
    }
}
