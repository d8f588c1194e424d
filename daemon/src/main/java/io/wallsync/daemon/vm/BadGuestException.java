package io.wallsync.daemon.vm;

/** A guest image that cannot be loaded: what is wrong with it and what was expected. */
public final class BadGuestException extends Exception {
    public BadGuestException(String message) {
        super(message);
    }
}
