package io.wallsync.daemon;

/**
 * What the push loop tells a service manager (systemd's {@code sd_notify} READY=1, WATCHDOG=1,
 * STOPPING=1): {@link #ready()} once every page is published, {@link #alive()} after every
 * heartbeat that reached every page, {@link #stopping()} when the daemon closes. Called on the
 * push thread (ready, alive) or the closing thread (stopping); an implementation must not block.
 */
public interface Liveness {
    /** Every page of the start configuration is published and has had its first heartbeat. */
    void ready();

    /** A heartbeat reached every page: the loop is alive. */
    void alive();

    /** The daemon is stopping (clean close). */
    void stopping();

    /** Tells no one. */
    Liveness NONE = new Liveness() {
        @Override
        public void ready() {}

        @Override
        public void alive() {}

        @Override
        public void stopping() {}
    };
}
