package io.wallsync.adapters.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sd_notify datagrams against a real AF_UNIX datagram socket bound by the test, as systemd binds
 * $NOTIFY_SOCKET. Expected bytes are the assignments of sd_notify(3), e.g. "READY=1".
 */
class SdNotifyTest {
    private static final long PID = 4242;
    private static final int WAIT_MS = 10_000;

    @TempDir
    Path dir;

    private final AtomicLong clockNs = new AtomicLong(1_000_000_000L);

    private SdNotify notifier(Map<String, String> env) {
        return SdNotify.fromEnvironment(env, PID, clockNs::get);
    }

    private static String text(byte[] datagram) {
        return new String(datagram, StandardCharsets.UTF_8);
    }

    /** A name no other test run uses: abstract names live as long as their socket, in this netns. */
    private static String uniqueAbstractName() {
        return "wallsync-sdnotify-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    @Test
    void readyToAPathSocketIsOneDatagramWithReadyAndStatus() throws Throwable {
        Path socket = dir.resolve("notify.sock");
        try (UnixDatagramReceiver systemd = UnixDatagramReceiver.path(socket);
                SdNotify n = notifier(Map.of("NOTIFY_SOCKET", socket.toString()))) {
            assertThat(n.underSystemd()).isTrue();
            assertThat(n.ready("serving 2 domains")).isEqualTo(new SdNotify.Outcome.Sent());
            byte[] got = systemd.receive(WAIT_MS).orElseThrow();
            // "READY=1" (7 bytes) + '\n' + "STATUS=serving 2 domains" (24 bytes) = 32 bytes, no terminator.
            assertThat(got).hasSize(32);
            assertThat(got).isEqualTo("READY=1\nSTATUS=serving 2 domains".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void anAbstractNotifySocketGetsWatchdogStatusAndStoppingByteForByte() throws Throwable {
        String name = uniqueAbstractName();
        try (UnixDatagramReceiver systemd = UnixDatagramReceiver.abstractName(name);
                SdNotify n = notifier(Map.of("NOTIFY_SOCKET", "@" + name, "WATCHDOG_USEC", "30000000"))) {
            assertThat(n.watchdog()).isEqualTo(new SdNotify.Outcome.Sent());
            assertThat(n.status("push domain=web reason=step")).isEqualTo(new SdNotify.Outcome.Sent());
            assertThat(n.stopping()).isEqualTo(new SdNotify.Outcome.Sent());
            assertThat(text(systemd.receive(WAIT_MS).orElseThrow())).isEqualTo("WATCHDOG=1");
            assertThat(text(systemd.receive(WAIT_MS).orElseThrow())).isEqualTo("STATUS=push domain=web reason=step");
            assertThat(text(systemd.receive(WAIT_MS).orElseThrow())).isEqualTo("STOPPING=1");
        }
    }

    @Test
    void anAbstractNameIsExactlyItsBytesNotAPrefixOfALongerOne() throws Throwable {
        // The kernel compares addrlen bytes of an abstract name: sending with the full 110-byte
        // sockaddr would address "name\0\0\0..." and miss a socket bound to "name".
        String name = uniqueAbstractName();
        try (UnixDatagramReceiver longer = UnixDatagramReceiver.abstractName(name + "x");
                UnixDatagramReceiver exact = UnixDatagramReceiver.abstractName(name);
                SdNotify n = notifier(Map.of("NOTIFY_SOCKET", "@" + name))) {
            assertThat(n.stopping()).isEqualTo(new SdNotify.Outcome.Sent());
            assertThat(text(exact.receive(WAIT_MS).orElseThrow())).isEqualTo("STOPPING=1");
            assertThat(longer.receive(50)).isEmpty();
        }
    }

    @Test
    void withoutNotifySocketNothingIsSentAndTheCallerIsTold() {
        try (SdNotify n = notifier(Map.of())) {
            assertThat(n.underSystemd()).isFalse();
            assertThat(n.ready("x")).isEqualTo(new SdNotify.Outcome.NotUnderSystemd());
            assertThat(n.watchdog()).isEqualTo(new SdNotify.Outcome.NotUnderSystemd());
            assertThat(n.watchdogTimeout()).isEmpty();
        }
    }

    @Test
    void watchdogUsecGivesTheTimeoutAndHalfOfItAsThePingInterval() {
        // WATCHDOG_USEC=30000000 us = 30 s; ping at least every 30 s / 2 = 15 s.
        try (SdNotify n = notifier(Map.of("WATCHDOG_USEC", "30000000"))) {
            assertThat(n.watchdogTimeout()).contains(Duration.ofSeconds(30));
            assertThat(n.watchdogPingInterval()).contains(Duration.ofSeconds(15));
        }
        try (SdNotify n = notifier(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", Long.toString(PID)))) {
            assertThat(n.watchdogTimeout()).contains(Duration.ofSeconds(30));
        }
    }

    @Test
    void aWatchdogMeantForAnotherPidIsNotOurs() {
        try (SdNotify n = notifier(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1"))) {
            assertThat(n.watchdogTimeout()).isEmpty();
            assertThat(n.watchdogPingInterval()).isEmpty();
        }
    }

    @Test
    void malformedEnvironmentIsRefusedNamingTheVariable() {
        for (String bad : new String[] {"abc", "0", "-5", "9223372036854775807"}) {
            assertThatThrownBy(() -> notifier(Map.of("WATCHDOG_USEC", bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("WATCHDOG_USEC=" + bad);
        }
        assertThatThrownBy(() -> notifier(Map.of("WATCHDOG_USEC", "1000", "WATCHDOG_PID", "x")))
                .hasMessageContaining("WATCHDOG_PID=x");
        for (String bad : new String[] {"vsock:2:1234", "run/notify"}) {
            assertThatThrownBy(() -> notifier(Map.of("NOTIFY_SOCKET", bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("NOTIFY_SOCKET=" + bad)
                    .hasMessageContaining("absolute path or @");
        }
        assertThatThrownBy(() -> notifier(Map.of("NOTIFY_SOCKET", "@"))).hasMessageContaining("abstract socket name");
    }

    @Test
    void pingsAreRateLimitedToOnePerQuarterOfTheTimeout() throws Throwable {
        String name = uniqueAbstractName();
        // WATCHDOG_USEC=8000000: timeout 8 s, at most one ping per 8 s / 4 = 2 s.
        try (UnixDatagramReceiver systemd = UnixDatagramReceiver.abstractName(name);
                SdNotify n = notifier(Map.of("NOTIFY_SOCKET", "@" + name, "WATCHDOG_USEC", "8000000"))) {
            assertThat(n.watchdog()).isEqualTo(new SdNotify.Outcome.Sent());
            clockNs.addAndGet(1_999_999_999L); // 2 s - 1 ns later: not due
            assertThat(n.watchdog()).isEqualTo(new SdNotify.Outcome.NotDue());
            clockNs.addAndGet(1L); // exactly 2 s after the first ping: due
            assertThat(n.watchdog()).isEqualTo(new SdNotify.Outcome.Sent());
            assertThat(text(systemd.receive(WAIT_MS).orElseThrow())).isEqualTo("WATCHDOG=1");
            assertThat(text(systemd.receive(WAIT_MS).orElseThrow())).isEqualTo("WATCHDOG=1");
            assertThat(systemd.receive(50)).as("the not-due ping sent nothing").isEmpty();
        }
    }

    @Test
    void aHeartbeatLongerThanHalfTheWatchdogTimeoutIsRefused() {
        try (SdNotify n = notifier(Map.of("WATCHDOG_USEC", "30000000"))) {
            n.requireHeartbeatWithin(Duration.ofSeconds(15)); // exactly half: allowed
            assertThatThrownBy(() -> n.requireHeartbeatWithin(Duration.ofSeconds(16)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("heartbeat 16000ms")
                    .hasMessageContaining("WatchdogSec=30000ms");
        }
        try (SdNotify n = notifier(Map.of())) {
            n.requireHeartbeatWithin(Duration.ofDays(1)); // no watchdog, no limit
        }
    }

    @Test
    void aStatusCannotInjectAnotherAssignmentAndIsCutToOneDatagram() throws Throwable {
        Path socket = dir.resolve("notify.sock");
        try (UnixDatagramReceiver systemd = UnixDatagramReceiver.path(socket);
                SdNotify n = notifier(Map.of("NOTIFY_SOCKET", socket.toString()))) {
            n.status("domain web\nREADY=1");
            assertThat(text(systemd.receive(WAIT_MS).orElseThrow())).isEqualTo("STATUS=domain web READY=1");
            // 600 two-byte characters: "STATUS=" (7 bytes) leaves 512 - 7 = 505 bytes, so 252 whole
            // characters (504 bytes) fit and the datagram is 511 bytes.
            n.status("é".repeat(600));
            byte[] cut = systemd.receive(WAIT_MS).orElseThrow();
            assertThat(cut).hasSize(511);
            assertThat(text(cut)).isEqualTo("STATUS=" + "é".repeat(252));
        }
    }

    @Test
    void aSystemdThatStopsReadingIsAFailureNotAStall() throws Throwable {
        // The push loop calls watchdog() and must not stall on a full notify socket: the receiver
        // below never reads, so its queue (net.unix.max_dgram_qlen, 10 by default, or its buffer)
        // fills and the next send fails with EAGAIN. The sender passes MSG_DONTWAIT for that; the
        // Linux 6.18 kernel this was written on already refuses an unconnected sendto to a full
        // queue with EAGAIN even without it, so here this test shows the outcome, not the flag.
        String name = uniqueAbstractName();
        try (UnixDatagramReceiver systemd = UnixDatagramReceiver.abstractName(name);
                SdNotify n = notifier(Map.of("NOTIFY_SOCKET", "@" + name))) {
            SdNotify.Outcome last = null;
            int sent = 0;
            for (int i = 0; i < 100_000 && !(last instanceof SdNotify.Outcome.Failed); i++) {
                last = n.status("beat " + i);
                sent += last instanceof SdNotify.Outcome.Sent ? 1 : 0;
            }
            assertThat(last).isInstanceOf(SdNotify.Outcome.Failed.class);
            assertThat(((SdNotify.Outcome.Failed) last).why()).contains("EAGAIN");
            assertThat(sent).isPositive();
            assertThat(text(systemd.receive(WAIT_MS).orElseThrow())).isEqualTo("STATUS=beat 0");
        }
    }

    @Test
    void systemdGoneIsAFailureNamingTheSocket() {
        Path socket = dir.resolve("nobody.sock");
        try (SdNotify n = notifier(Map.of("NOTIFY_SOCKET", socket.toString()))) {
            SdNotify.Outcome o = n.ready("x");
            assertThat(o).isInstanceOf(SdNotify.Outcome.Failed.class);
            assertThat(((SdNotify.Outcome.Failed) o).why())
                    .contains("READY=1")
                    .contains(socket.toString())
                    .contains("ENOENT");
        }
    }
}
