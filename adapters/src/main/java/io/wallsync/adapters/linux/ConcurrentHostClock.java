package io.wallsync.adapters.linux;

import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.HostSample;
import io.wallsync.core.port.SyncState;
import io.wallsync.core.time.Discipline;
import java.util.ArrayList;
import java.util.List;

/**
 * The host kernel as a {@link HostClock} that many threads may read at once (the NTP server's
 * receive threads): each thread reads CLOCK_REALTIME through its own {@link LinuxClocks} buffer;
 * adjtimex(modes = 0) reads are serialised on one {@link Adjtimex}. {@link LinuxHostClock} is the
 * single-thread variant.
 */
public final class ConcurrentHostClock implements HostClock, AutoCloseable {
    private final List<LinuxClocks> all = new ArrayList<>();
    private final ThreadLocal<LinuxClocks> clocks = ThreadLocal.withInitial(this::newClocks);
    private final Adjtimex adjtimex = new Adjtimex();

    private LinuxClocks newClocks() {
        LinuxClocks c = new LinuxClocks();
        synchronized (all) {
            all.add(c);
        }
        return c;
    }

    @Override
    public HostSample sample() {
        return clocks.get().sample();
    }

    @Override
    public long realtimeNs() {
        return clocks.get().realtimeNs();
    }

    @Override
    public SyncState syncState() {
        synchronized (adjtimex) {
            return adjtimex.read().syncState();
        }
    }

    @Override
    public Discipline discipline() {
        synchronized (adjtimex) {
            return adjtimex.discipline();
        }
    }

    /** Closes every thread's buffer; no thread may read after this. */
    @Override
    public void close() {
        synchronized (all) {
            all.forEach(LinuxClocks::close);
            all.clear();
        }
        synchronized (adjtimex) {
            adjtimex.close();
        }
    }
}
