package io.wallsync.cli;

import io.wallsync.adapters.linux.SdNotify;
import io.wallsync.daemon.Liveness;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The push loop's liveness told to systemd ({@code Type=notify}, {@code WatchdogSec=}): READY=1
 * once every page is published, WATCHDOG=1 after heartbeats that reached every page (at most one per
 * quarter of the watchdog timeout, {@link SdNotify#watchdog()}), STOPPING=1 on close. Outside
 * systemd every call does nothing. A refused datagram is logged once until one gets through again,
 * so a vanished systemd cannot flood the log; none of the calls blocks.
 */
final class SystemdLiveness implements Liveness {
    private final SdNotify sd;
    private final String readyStatus;
    private final Consumer<String> log;
    private final AtomicBoolean failing = new AtomicBoolean();

    SystemdLiveness(SdNotify sd, String readyStatus, Consumer<String> log) {
        this.sd = sd;
        this.readyStatus = readyStatus;
        this.log = log;
    }

    @Override
    public void ready() {
        report("READY", sd.ready(readyStatus));
    }

    @Override
    public void alive() {
        report("WATCHDOG", sd.watchdog());
    }

    @Override
    public void stopping() {
        report("STOPPING", sd.stopping());
    }

    private void report(String what, SdNotify.Outcome outcome) {
        if (outcome instanceof SdNotify.Outcome.Failed(String why)) {
            if (failing.compareAndSet(false, true)) {
                log.accept("sd_notify " + what + " refused: " + why + " (said once until a notification gets through)");
            }
        } else if (outcome instanceof SdNotify.Outcome.Sent) {
            failing.set(false);
        }
    }
}
