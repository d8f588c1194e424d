package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.client.Reading;
import io.wallsync.client.WallclockPage;
import io.wallsync.core.page.PageExtensionLayout;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.port.SyncState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The composition root under attack: a second daemon, damaged pages, a failing push loop. */
class DaemonTest {
    private static final long W = 1_700_000_000_000_000_000L;

    @TempDir
    Path dir;

    private final List<String> log = new CopyOnWriteArrayList<>();

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 20 s");
            }
            Thread.sleep(5);
        }
    }

    private DaemonConfig config(String... domains) {
        return new DaemonConfig(
                        java.util.Arrays.stream(domains).map(DomainSpec::parse).toList(),
                        Duration.ofMinutes(11),
                        Duration.ofMillis(20))
                .withLog(log::add);
    }

    private static String ask(Path socket, String request) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            return in.readLine();
        }
    }

    @Test
    void aSecondDaemonOnTheSameDirectoryIsRefusedAndTheFirstKeepsControl() throws Exception {
        FakeHostClock host = FakeHostClock.live(W);
        try (Daemon first =
                        Daemon.start(config("web").withControl(Optional.empty()), host, host, FilePageSink.lock(dir));
                WallclockPage page = WallclockPage.open(dir.resolve("web.page"))) {
            long offsetBefore = page.status().timeOffsetSec();
            // The attack: another serve on the same --dir, with its own offset for web.
            assertThatThrownBy(() -> Daemon.start(
                            config("web:3600").withControl(Optional.empty()), host, host, FilePageSink.lock(dir)))
                    .isInstanceOf(DirectoryLock.LockedException.class)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining(dir.resolve(".lock").toString());
            // Nothing of the first was touched: same page, same offset, control answers.
            assertThat(page.status().timeOffsetSec()).isEqualTo(offsetBefore).isZero();
            Path socket = first.control().orElseThrow().socketPath();
            assertThat(ask(socket, "list")).isEqualTo("ok web:0:1");
            assertThat(ask(socket, "set-offset web 60")).isEqualTo("ok web 60");
            await("offset 60 in the page", () -> page.status().timeOffsetSec() == 60);
            assertThat(page.read()).isInstanceOf(Reading.Valid.class);
        }
        // The lock goes with the daemon: a new one may start.
        try (Daemon again =
                Daemon.start(config("web"), FakeHostClock.live(W), System::nanoTime, FilePageSink.lock(dir))) {
            assertThat(again.loop().failure()).isEmpty();
        }
    }

    @Test
    void aDeletedLockFileIsLockedAgainSoASecondDaemonIsStillRefused() throws Exception {
        // Attack: rm DIR/.lock while serve runs. The fcntl lock stays on the unlinked inode and
        // guards nothing: before, a second serve created a new .lock, locked it and took the pages
        // and the socket (the two then "repaired" each other's pages at every heartbeat).
        FakeHostClock host = FakeHostClock.live(W);
        Path lockFile = dir.resolve(DirectoryLock.FILE_NAME);
        try (Daemon first =
                Daemon.start(config("web").withControl(Optional.empty()), host, host, FilePageSink.lock(dir))) {
            Files.delete(lockFile);
            await("the lock file is back", () -> Files.exists(lockFile));
            await("the relock is logged", () -> log.stream().anyMatch(l -> l.startsWith("lock file " + lockFile)));
            assertThat(Files.readString(lockFile).strip())
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThatThrownBy(() -> FilePageSink.lock(dir)).isInstanceOf(DirectoryLock.LockedException.class);
            assertThat(first.loop().failure()).isEmpty();
        }
    }

    @Test
    void aDaemonWhoseLockFileWasTakenOverByAnotherDaemonStops() throws Exception {
        // The lock file replaced (atomically) by one another daemon holds: two writers must not
        // share the pages, so the first one's push loop fails and serve exits 1.
        FakeHostClock host = FakeHostClock.live(W);
        Path elsewhere = Files.createDirectory(dir.resolve("other"));
        try (Daemon first =
                        Daemon.start(config("web").withControl(Optional.empty()), host, host, FilePageSink.lock(dir));
                FilePageSink second = FilePageSink.lock(elsewhere)) {
            Files.move(
                    elsewhere.resolve(DirectoryLock.FILE_NAME),
                    dir.resolve(DirectoryLock.FILE_NAME),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            ServeDaemon.Stop stop = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    Duration.ofSeconds(20), first::awaitStop, "the first daemon did not stop");
            assertThat(stop).isInstanceOf(ServeDaemon.Stop.Failed.class);
            assertThat(((ServeDaemon.Stop.Failed) stop).cause())
                    .hasMessageContaining("is in use by another wallsync serve");
        }
    }

    /** Runs {@code attack} on web's page file while db is watched; checks the promises of item 2. */
    private void attackWebPage(String damageLogged, Attack attack) throws Exception {
        FakeHostClock host = FakeHostClock.live(W);
        Path web = dir.resolve("web.page");
        try (Daemon daemon = Daemon.start(config("web:3600", "db"), host, host, FilePageSink.lock(dir));
                WallclockPage db = WallclockPage.open(dir.resolve("db.page"))) {
            long generationBefore;
            try (WallclockPage before = WallclockPage.open(web)) {
                generationBefore = before.status().stepGeneration();
            }
            AtomicBoolean dbAlwaysValid = new AtomicBoolean(true);
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = Thread.ofPlatform().start(() -> {
                while (watching.get()) {
                    if (!(db.read() instanceof Reading.Valid)) {
                        dbAlwaysValid.set(false);
                    }
                    Thread.onSpinWait();
                }
            });
            attack.run(web);
            await("repair logged", () -> log.stream().anyMatch(l -> l.contains("page of domain web " + damageLogged)));
            Path dbPath = dir.resolve("db.page");
            long dbBeatAfterRepair = heartbeatOf(dbPath);
            await("db heartbeat after the repair", () -> heartbeatOf(dbPath) > dbBeatAfterRepair);
            watching.set(false);
            watcher.join();
            // The other domain never went stale, the loop lives on.
            assertThat(dbAlwaysValid).isTrue();
            assertThat(daemon.loop().failure()).isEmpty();
            // The recreated page: a regular 8192-byte file with W + offset, reason REPAIR, new generation.
            assertThat(Files.size(web)).isEqualTo(PageExtensionLayout.PAGE_SIZE);
            try (WallclockPage repaired = WallclockPage.open(web)) {
                assertThat(repaired.status().lastPushReason()).isEqualTo(PushReason.REPAIR);
                assertThat(repaired.status().stepGeneration()).isGreaterThan(generationBefore);
                assertThat(repaired.status().timeOffsetSec()).isEqualTo(3600);
                // The page runs on System.nanoTime with W = 1_700_000_000 s, plus the 3600 s offset.
                long expected = W + 3_600_000_000_000L + System.nanoTime();
                assertThat(repaired.wallTimeNs()).isBetween(expected - 1_000_000_000L, expected + 1_000_000_000L);
                assertThat(repaired.read()).isInstanceOf(Reading.Valid.class);
            }
            // No temporary left behind.
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")))
                        .isEmpty();
            }
            int domains = daemon.loop().call(p -> p.domains().size());
            assertThat(domains).isEqualTo(2);
        }
    }

    /** heartbeat_monotonic_ns as stored, read from the file (not through a mapping). */
    private static long heartbeatOf(Path page) {
        try (FileChannel ch = FileChannel.open(page, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(Long.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.read(b, PageExtensionLayout.HEARTBEAT_MONOTONIC_NS_OFFSET);
            return b.getLong(0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    interface Attack {
        void run(Path page) throws Exception;
    }

    @Test
    void aPageTruncatedByAnotherProcessIsRecreatedAndOtherDomainsKeepTheirHeartbeat() throws Exception {
        // truncate -s 0: before the size check the next heartbeat store faulted (InternalError).
        attackWebPage("truncated to 0 bytes", page -> {
            try (FileChannel ch = FileChannel.open(page, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
        });
    }

    @Test
    void aPageOverwrittenWithGarbageIsRecreated() throws Exception {
        attackWebPage("overwritten", page -> {
            byte[] garbage = new byte[PageExtensionLayout.PAGE_SIZE];
            new SplittableRandom(10).nextBytes(garbage);
            try (FileChannel ch = FileChannel.open(page, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(garbage), 0);
            }
        });
    }

    @Test
    void aPageWhoseWallclockAloneIsOverwrittenIsRecreated() throws Exception {
        // Magic and header intact; wc_sec (byte 3076) says 1970 + 1 s: caught by the content check.
        attackWebPage("overwritten: wc_sec/wc_nsec changed", page -> {
            try (FileChannel ch = FileChannel.open(page, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {1, 0, 0, 0}), 3076);
            }
        });
    }

    @Test
    void aPageWhoseVmclockHeaderAloneIsOverwrittenIsRecreated() throws Exception {
        // The first page untouched; the vmclock magic at byte 4096 zeroed: caught by the content check.
        attackWebPage("overwritten: vmclock header", page -> {
            try (FileChannel ch = FileChannel.open(page, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[4]), io.wallsync.core.vmclock.VmclockLayout.PAGE_OFFSET);
            }
        });
    }

    @Test
    void aDeletedPageIsRecreated() throws Exception {
        attackWebPage("deleted", Files::delete);
    }

    @Test
    void aFailingPushLoopStopsTheDaemonAndControlAnswersAtOnce() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        FakeHostClock host = new FakeHostClock(W, 0, true) {
            @Override
            public SyncState syncState() {
                if (broken.get()) {
                    throw new StackOverflowError("adjtimex binding broke (test)");
                }
                return super.syncState();
            }
        };
        try (Daemon daemon =
                Daemon.start(config("web").withControl(Optional.empty()), host, host, FilePageSink.lock(dir))) {
            broken.set(true);
            ServeDaemon.Stop stop = daemon.awaitStop();
            assertThat(stop).isInstanceOf(ServeDaemon.Stop.Failed.class);
            assertThat(((ServeDaemon.Stop.Failed) stop).cause()).isInstanceOf(StackOverflowError.class);
            assertThat(log).anyMatch(l -> l.startsWith("push thread failed"));
            // A control request is refused at once, naming the failure, instead of hanging.
            long before = System.nanoTime();
            String answer = ask(daemon.control().orElseThrow().socketPath(), "list");
            assertThat(answer).startsWith("error").contains("push thread failed");
            assertThat(System.nanoTime() - before).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void livenessIsToldReadyOnceThenAliveEveryHeartbeatThenStopping() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicInteger alive = new AtomicInteger();
        Liveness liveness = new Liveness() {
            @Override
            public void ready() {
                events.add("ready");
            }

            @Override
            public void alive() {
                if (alive.getAndIncrement() == 0) {
                    events.add("alive");
                }
            }

            @Override
            public void stopping() {
                events.add("stopping");
            }
        };
        FakeHostClock host = FakeHostClock.live(W);
        try (Daemon daemon =
                Daemon.start(config("web", "db").withLiveness(liveness), host, host, FilePageSink.lock(dir))) {
            await("five heartbeats", () -> alive.get() >= 5);
            // Ready comes after both pages exist.
            assertThat(dir.resolve("web.page")).exists();
            assertThat(dir.resolve("db.page")).exists();
        }
        int aliveAtClose = alive.get();
        Thread.sleep(100);
        assertThat(alive.get()).isEqualTo(aliveAtClose);
        assertThat(events).containsExactly("ready", "alive", "stopping");
    }

    @Test
    void removingADomainDeletesItsPageAndLaterPushesLeaveItAlone() throws Exception {
        FakeHostClock host = FakeHostClock.live(W);
        try (Daemon daemon = Daemon.start(config("web", "db"), host, host, FilePageSink.lock(dir))) {
            boolean removed = daemon.loop().call(p -> p.removeDomain(new DomainName("web")));
            assertThat(removed).isTrue();
            assertThat(dir.resolve("web.page")).doesNotExist();
            host.step(1_000_000_000L);
            daemon.loop().clockWasSet();
            // The step reached db; web's released mapping was not written (that would throw).
            try (WallclockPage db = WallclockPage.open(dir.resolve("db.page"))) {
                await("db generation 2", () -> db.status().stepGeneration() == 2);
            }
            boolean added = daemon.loop().call(p -> p.addDomain(DomainSpec.parse("web:5")));
            assertThat(added).isTrue();
            assertThat(daemon.loop().failure()).isEmpty();
            assertThat(dir.resolve("web.page")).exists();
        }
    }
}
