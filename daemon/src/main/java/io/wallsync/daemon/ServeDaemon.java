package io.wallsync.daemon;

import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.MonotonicClock;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The push thread of {@code wallsync serve}. It owns the {@link PagePublisher} and does, in order
 * of arrival: a push on every clock step ({@link #clockWasSet()}, called by the step watcher), the
 * control socket's requests ({@link #call}), and every {@code heartbeat} one
 * {@link PagePublisher#beat() beat} (page check and repair, a clock tick for the Dom0SyncAgent,
 * which pushes once {@code period} has passed, then the heartbeat), after which it tells
 * {@link Liveness#alive()}.
 *
 * <p>If anything escapes the loop (a bug, a broken environment: any Throwable) the thread stops,
 * records the failure, answers every waiting and later {@link #call} with an error at once, and
 * {@link #awaitStop()} returns it, so the process can exit non-zero instead of living on with
 * stale pages.
 */
public final class ServeDaemon implements AutoCloseable {
    /** Work for the push thread. */
    @FunctionalInterface
    public interface Task<T> {
        T run(PagePublisher publisher) throws IOException;
    }

    /** How the push thread ended. */
    public sealed interface Stop {
        /** {@link #close()} stopped it. */
        record Closed() implements Stop {}

        /** It failed with {@code cause}; the pages are no longer written. */
        record Failed(Throwable cause) implements Stop {}
    }

    private final DaemonConfig config;
    private final MonotonicClock monotonic;
    private final PageSink sink;
    private final PagePublisher publisher;
    private final Consumer<String> log;
    private final PushObserver observer;
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running;
    private volatile Throwable failure;
    private boolean closed;

    /**
     * @param sink where the pages go; owned from now on (closed with this daemon)
     */
    public ServeDaemon(
            DaemonConfig config,
            HostClock host,
            MonotonicClock monotonic,
            PageSink sink,
            PushObserver observer,
            Consumer<String> log) {
        this.config = config;
        this.monotonic = monotonic;
        this.sink = sink;
        this.log = log;
        this.observer = observer;
        this.publisher = new PagePublisher(
                sink,
                host,
                monotonic,
                config.period().toNanos(),
                ProcessHandle.current().pid(),
                (int) config.heartbeat().toMillis(),
                config.vmclock(),
                observer);
        this.thread = Thread.ofPlatform().name("wallsync-push").daemon(false).unstarted(this::loop);
    }

    /** Creates the domains' pages (push reason START or REPAIR) and starts the push thread. */
    public void start() throws IOException {
        for (DomainSpec d : config.domains()) {
            if (!publisher.addDomain(d)) {
                throw new IllegalArgumentException("domain " + d.name() + " given twice");
            }
        }
        running = true;
        thread.start();
    }

    /** clock_was_set: push every page now, with a new step generation. Any thread. */
    public void clockWasSet() {
        observer.stepSeen();
        queue.add(() -> {
            if (failure == null) {
                publisher.clockWasSet();
            }
        });
    }

    /** Runs {@code task} on the push thread and waits for its result. */
    public <T> T call(Task<T> task) throws IOException, InterruptedException {
        CompletableFuture<T> result = new CompletableFuture<>();
        queue.add(() -> {
            if (failure != null) {
                result.completeExceptionally(notRunning());
                return;
            }
            try {
                result.complete(task.run(publisher));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        // After the add: a loop that stops now drains the queue; one that stopped before never will.
        if (!running) {
            result.completeExceptionally(notRunning());
        }
        try {
            // Bounded: a request that slips in after the push thread stopped must not hang a client.
            return result.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException("push thread did not answer within 10 s (daemon stopping?)", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        }
    }

    private IOException notRunning() {
        Throwable f = failure;
        return f == null
                ? new IOException("daemon is not running")
                : new IOException("daemon's push thread failed (" + f + "); it is exiting", f);
    }

    private void loop() {
        long heartbeatNs = config.heartbeat().toNanos();
        long pollNs = config.vmclock().ratePoll().toNanos();
        long nextHeartbeat = monotonic.nanos();
        long nextPoll = nextHeartbeat + pollNs;
        boolean ready = false;
        try {
            while (running) {
                long now = monotonic.nanos();
                if (now - nextHeartbeat >= 0) {
                    publisher.beat();
                    if (!ready) {
                        // Every page of the start configuration is published and has beaten once.
                        config.liveness().ready();
                        ready = true;
                    }
                    // Alive only while every page is written: a page that cannot be restored
                    // starves the watchdog, and the service manager restarts the daemon.
                    if (publisher.allPagesWritten()) {
                        config.liveness().alive();
                    }
                    nextHeartbeat = now + heartbeatNs;
                }
                if (now - nextPoll >= 0) {
                    // A new adjtimex frequency or tick, an adjtime slew, a leap state: the pages'
                    // counter relation is republished within one poll (the latency the bounds cover).
                    publisher.pollDiscipline();
                    nextPoll = now + pollNs;
                }
                long next = nextHeartbeat - nextPoll < 0 ? nextHeartbeat : nextPoll;
                long waitNs = Math.max(0, next - monotonic.nanos());
                Runnable task = queue.poll(waitNs, TimeUnit.NANOSECONDS);
                if (task != null) {
                    task.run();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            running = false;
            log.accept("push thread failed, the pages are no longer written; exiting: " + t);
        } finally {
            running = false;
            // Requests that arrived meanwhile: answered (after close) or refused at once (after a failure).
            Runnable task;
            while ((task = queue.poll()) != null) {
                task.run();
            }
            stopped.countDown();
        }
    }

    /**
     * Waits until the push thread ends.
     *
     * @return {@link Stop.Closed} after {@link #close()}, {@link Stop.Failed} when it failed
     */
    public Stop awaitStop() throws InterruptedException {
        stopped.await();
        Throwable f = failure;
        return f == null ? new Stop.Closed() : new Stop.Failed(f);
    }

    /** The failure that stopped the push thread, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public DaemonConfig config() {
        return config;
    }

    /** Stops the push thread, unmaps the pages (the files stay; their heartbeat stops), releases the sink. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (thread.isAlive()) {
            running = false;
            queue.add(() -> {});
            thread.join();
        }
        if (!closed) {
            closed = true; // a second close (a shutdown hook after a failed loop, say) does nothing
            publisher.close();
            sink.close();
        }
    }
}
