package io.wallsync.adapters.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

/**
 * Learns that CLOCK_REALTIME was set, without polling the clock: a timerfd on CLOCK_REALTIME armed
 * with TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET at the end of time (tv_sec = LONG_MAX, as
 * systemd's time-change fd does). The kernel cancels such a timer from clock_was_set() (fs/timerfd.c
 * timerfd_clock_was_set): the fd turns readable and read() fails with ECANCELED. Every
 * settimeofday, clock_settime, adjtimex ADJ_SETOFFSET, leap second and resume does that; a
 * zero-length step does not. After a cancel the timer is re-armed at once.
 *
 * <p>One thread waits ({@link #await}); poll() with a timeout keeps the wait interruptible by the
 * caller's own stop flag. {@link #close} may be called from another thread once waiting stopped.
 */
public final class ClockStepWatcher implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment captureState = Libc.captureState(arena);
    private final MemorySegment itimerspec = arena.allocate(Libc.ITIMERSPEC);
    private final MemorySegment pollfd = arena.allocate(Libc.POLLFD);
    private final MemorySegment readBuffer = arena.allocate(ValueLayout.JAVA_LONG);
    private final int fd;
    private boolean closed;

    private ClockStepWatcher(int fd) {
        this.fd = fd;
    }

    /** Creates the timerfd and arms it. */
    public static ClockStepWatcher open() {
        int fd;
        Arena arena = Arena.ofConfined();
        try (arena) {
            MemorySegment state = Libc.captureState(arena);
            try {
                fd = (int) Libc.TIMERFD_CREATE.invokeExact(
                        state, Libc.CLOCK_REALTIME, Libc.TFD_CLOEXEC | Libc.TFD_NONBLOCK);
            } catch (Throwable t) {
                throw Libc.rethrow(t);
            }
            if (fd == -1) {
                throw new LinuxCallFailed("timerfd_create(CLOCK_REALTIME)", Libc.errno(state));
            }
        }
        ClockStepWatcher watcher = new ClockStepWatcher(fd);
        watcher.arm();
        return watcher;
    }

    private void arm() {
        itimerspec.fill((byte) 0);
        // it_interval = 0 (one shot); it_value = { LONG_MAX, 0 }: an absolute time that never comes.
        itimerspec.set(ValueLayout.JAVA_LONG, 16, Long.MAX_VALUE);
        int rc;
        try {
            rc = (int) Libc.TIMERFD_SETTIME.invokeExact(
                    captureState,
                    fd,
                    Libc.TFD_TIMER_ABSTIME | Libc.TFD_TIMER_CANCEL_ON_SET,
                    itimerspec,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc == -1) {
            throw new LinuxCallFailed("timerfd_settime(ABSTIME|CANCEL_ON_SET)", Libc.errno(captureState));
        }
    }

    /**
     * Waits up to {@code timeout} for a step. On {@link StepWait.ClockWasSet} the timer is already
     * re-armed, so a step that happens while the caller publishes is not lost: the caller reads the
     * clock after this returns and a later step cancels the new timer.
     */
    public StepWait await(Duration timeout) {
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
        pollfd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
        pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
        int ready;
        try {
            ready = (int) Libc.POLL.invokeExact(captureState, pollfd, 1L, timeoutMs);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (ready == -1) {
            int errno = Libc.errno(captureState);
            if (errno == Libc.EINTR) {
                return new StepWait.NoStep();
            }
            throw new LinuxCallFailed("poll(timerfd)", errno);
        }
        if (ready == 0) {
            return new StepWait.NoStep();
        }
        long n;
        try {
            n = (long) Libc.READ.invokeExact(captureState, fd, readBuffer, 8L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (n == -1) {
            int errno = Libc.errno(captureState);
            if (errno == Libc.ECANCELED) {
                arm();
                return new StepWait.ClockWasSet();
            }
            if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
                return new StepWait.NoStep();
            }
            throw new LinuxCallFailed("read(timerfd)", errno);
        }
        // 8 bytes: the timer expired. It is armed at LONG_MAX seconds, so only a clock set beyond
        // the end of time gets here; that is a step too.
        arm();
        return new StepWait.ClockWasSet();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int ignored = (int) Libc.CLOSE.invokeExact(captureState, fd);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        arena.close();
    }
}
