package io.wallsync.daemon;

import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.MonotonicClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The push thread of {@code wallsync serve}. It owns the {@link PagePublisher} and does, in order
 * of arrival: a push on every clock step ({@link #clockWasSet()}, called by the step watcher), the
 * control socket's requests ({@link #call}), and every {@code heartbeat} a clock tick for the
 * Dom0SyncAgent (which pushes once {@code period} has passed: drift cover, Linux's 11 minutes)
 * followed by the heartbeat.
 */
public final class ServeDaemon implements AutoCloseable {
    /**
     * @param dir page directory
     * @param domains domains at start
     * @param period periodic push interval
     * @param heartbeat heartbeat interval
     */
    public record Config(Path dir, List<DomainSpec> domains, Duration period, Duration heartbeat) {
        public Config {
            Objects.requireNonNull(dir, "dir");
            domains = List.copyOf(domains);
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("period " + period + " must be positive");
            }
            if (heartbeat.isNegative() || heartbeat.isZero() || heartbeat.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("heartbeat " + heartbeat + " must be positive");
            }
        }
    }

    /** Work for the push thread. */
    @FunctionalInterface
    public interface Task<T> {
        T run(PagePublisher publisher) throws IOException;
    }

    private final Config config;
    private final MonotonicClock monotonic;
    private final PagePublisher publisher;
    private final Consumer<String> log;
    private final PushObserver observer;
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running;

    public ServeDaemon(
            Config config, HostClock host, MonotonicClock monotonic, PushObserver observer, Consumer<String> log) {
        this.config = config;
        this.monotonic = monotonic;
        this.log = log;
        this.observer = observer;
        this.publisher = new PagePublisher(
                config.dir(),
                host,
                monotonic,
                config.period().toNanos(),
                ProcessHandle.current().pid(),
                (int) config.heartbeat().toMillis(),
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
        queue.add(publisher::clockWasSet);
    }

    /** Runs {@code task} on the push thread and waits for its result. */
    public <T> T call(Task<T> task) throws IOException, InterruptedException {
        if (!running) {
            throw new IllegalStateException("daemon is not running");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        queue.add(() -> {
            try {
                result.complete(task.run(publisher));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            // Bounded: a request that slips in after the push thread stopped must not hang a client.
            return result.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
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

    private void loop() {
        long heartbeatNs = config.heartbeat().toNanos();
        long nextHeartbeat = monotonic.nanos();
        while (running) {
            try {
                long now = monotonic.nanos();
                if (now - nextHeartbeat >= 0) {
                    // A clock tick for the agent (was_set = false): it pushes when its period has
                    // passed; then the heartbeat, which also refreshes a changed sync state.
                    publisher.tick();
                    publisher.heartbeat();
                    nextHeartbeat = now + heartbeatNs;
                }
                long waitNs = Math.max(0, nextHeartbeat - monotonic.nanos());
                Runnable task = queue.poll(waitNs, TimeUnit.NANOSECONDS);
                if (task != null) {
                    task.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                // A bug or a broken environment; keep serving the pages that still work.
                log.accept("error in push thread: " + e);
            }
        }
        Runnable task;
        while ((task = queue.poll()) != null) {
            task.run();
        }
    }

    public Config config() {
        return config;
    }

    /** Stops the push thread and unmaps the pages (the files stay; their heartbeat stops). */
    @Override
    public void close() throws InterruptedException {
        if (running) {
            running = false;
            queue.add(() -> {});
            thread.join();
        }
        publisher.close();
    }
}
