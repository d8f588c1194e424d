package io.wallsync.adapters.ntp;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.ntp.DropReason;
import io.wallsync.core.ntp.NtpPacket;
import io.wallsync.core.ntp.NtpTimestamp;
import io.wallsync.core.ntp.RateLimiter;
import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.apache.commons.net.ntp.NTPUDPClient;
import org.apache.commons.net.ntp.NtpV3Packet;
import org.apache.commons.net.ntp.TimeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NtpServerTest {
    private static final long NS = 1_000_000_000L;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private NtpServer start(NtpServer.Config config, TestClock clock) throws IOException {
        NtpServer s = NtpServer.start(config, clock, System::nanoTime, line -> {});
        open.add(s);
        return s;
    }

    /**
     * The counters once {@code settled} holds (within 2 s): the server counts an answer after its
     * send() returns, so a client can hold the answer a moment before the counter moves.
     */
    private static NtpCounters.Snapshot countersWhen(
            NtpServer server, java.util.function.Predicate<NtpCounters.Snapshot> settled) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        NtpCounters.Snapshot c = server.counters();
        while (!settled.test(c) && System.nanoTime() < deadline) {
            Thread.sleep(5);
            c = server.counters();
        }
        return c;
    }

    private static NtpServer.Config noLimit() {
        return NtpServer.Config.defaults(new InetSocketAddress(LOOPBACK, 0)).withRateLimit(Optional.empty());
    }

    private DatagramSocket client() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        s.setSoTimeout(300);
        // Room for a few hundred answers sent back to back (loopback drops what does not fit).
        s.setReceiveBufferSize(1 << 20);
        open.add(s);
        return s;
    }

    private static byte[] request(int firstByte, int length, long transmit) {
        byte[] b = new byte[length];
        b[0] = (byte) firstByte;
        if (length >= 48) {
            NtpPacket.putLong(b, NtpPacket.TRANSMIT_TS_OFFSET, transmit);
        }
        return b;
    }

    /** Sends and returns the answer, or null when none comes within the socket timeout. */
    private static byte[] exchange(DatagramSocket socket, byte[] request, InetSocketAddress server) throws IOException {
        socket.send(new DatagramPacket(request, request.length, server));
        byte[] buffer = new byte[1024];
        DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(answer);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return java.util.Arrays.copyOf(buffer, answer.getLength());
    }

    @Test
    void commonsNetClientMeasuresTheDomainOffsetAndSeesTheHeaderOfASynchronisedHost() throws Exception {
        // The served wallclock runs 1000 s ahead of this machine: the client's offset is +1000 s
        // (loopback round trip well under 50 ms).
        NtpServer server = start(noLimit(), TestClock.realPlus(1000 * NS));
        NTPUDPClient client = new NTPUDPClient();
        client.setDefaultTimeout(Duration.ofSeconds(2));
        client.open();
        try {
            TimeInfo info = client.getTime(LOOPBACK, server.localAddress().getPort());
            info.computeDetails();
            assertThat(info.getOffset()).isBetween(1000_000L - 50, 1000_000L + 50);
            NtpV3Packet m = info.getMessage();
            assertThat(m.getMode()).isEqualTo(NtpV3Packet.MODE_SERVER);
            // NTPUDPClient sends version 3; the answer echoes it.
            assertThat(m.getVersion()).isEqualTo(3);
            assertThat(m.getLeapIndicator()).isZero();
            assertThat(m.getStratum()).isEqualTo(3);
            assertThat(m.getReferenceId()).isEqualTo(0x7F7F0101);
            // maxerror 1500 us, esterror 250 us -> delay 500 us = 33 units, dispersion 1250 us = 82 units.
            assertThat(m.getRootDelay()).isEqualTo(33);
            assertThat(m.getRootDispersion()).isEqualTo(82);
            assertThat(m.getPrecision()).isBetween(-32, -10);
        } finally {
            client.close();
        }
        assertThat(countersWhen(server, c -> c.answered() == 1).answered()).isEqualTo(1);
    }

    @Test
    void answerEchoesTransmitAsOriginAndStampsReceiveAndTransmitFromTheDomainClock() throws Exception {
        long wall = 2_085_978_496L * NS + 5 * NS; // 5 s into NTP era 1 (2036-02-07T06:28:21Z)
        NtpServer server = start(noLimit(), TestClock.frozenAt(wall));
        byte[] answer = exchange(client(), request(0x23, 48, 0x0102_0304_0506_0708L), server.localAddress());
        assertThat(answer).hasSize(48);
        NtpPacket p = NtpPacket.decode(answer, 0);
        assertThat(p.originTimestamp()).isEqualTo(0x0102_0304_0506_0708L);
        // Era 1 offset 5 s, fraction 0.
        assertThat(p.receiveTimestamp()).isEqualTo(5L << 32);
        assertThat(p.transmitTimestamp()).isEqualTo(5L << 32);
        assertThat(p.version()).isEqualTo(4);
        assertThat(p.mode()).isEqualTo(NtpPacket.MODE_SERVER);
    }

    @Test
    void unsynchronisedHostAnswersLeapAlarmStratum16AndPendingLeapIsAnnounced() throws Exception {
        TestClock clock =
                TestClock.realPlus(0).state(new SyncState(false, 16_000_000, 16_000_000, 0, LeapIndicator.NONE));
        NtpServer.Config config = noLimit();
        config = new NtpServer.Config(
                config.bind(),
                3,
                config.referenceId(),
                OptionalInt.empty(),
                Optional.empty(),
                1,
                Duration.ofMillis(20));
        NtpServer server = start(config, clock);
        DatagramSocket socket = client();
        NtpPacket p = NtpPacket.decode(exchange(socket, request(0x23, 48, 1), server.localAddress()), 0);
        assertThat(p.leap()).isEqualTo(3);
        assertThat(p.stratum()).isZero(); // RFC 5905 7.3 / chrony transmit_packet: MAXSTRAT is sent as 0
        assertThat(p.referenceId()).isZero();
        // The host synchronises and announces a leap second: within the 20 ms refresh the answers change.
        clock.state(new SyncState(true, 2000, 100, 37, LeapIndicator.INSERT));
        Thread.sleep(100);
        p = NtpPacket.decode(exchange(socket, request(0x23, 48, 1), server.localAddress()), 0);
        assertThat(p.leap()).isEqualTo(1);
        assertThat(p.stratum()).isEqualTo(3);
    }

    @Test
    void malformedAndNonClientDatagramsAreDroppedAndCountedByReason() throws Exception {
        NtpServer server = start(noLimit(), TestClock.realPlus(0));
        DatagramSocket socket = client();
        InetSocketAddress to = server.localAddress();
        assertThat(exchange(socket, request(0x23, 47, 1), to)).isNull(); // short
        assertThat(exchange(socket, request(0x23, 68, 1), to)).isNull(); // MAC or extension
        assertThat(exchange(socket, request(0x23, 48, 0), to)).isNull(); // zero transmit
        assertThat(exchange(socket, request(0x2B, 48, 1), to)).isNull(); // version 5
        assertThat(exchange(socket, request(0x21, 48, 1), to)).isNull(); // symmetric active
        assertThat(exchange(socket, request(0x25, 48, 1), to)).isNull(); // broadcast
        assertThat(exchange(socket, request(0x26, 48, 1), to)).isNull(); // control (ntpq)
        assertThat(exchange(socket, request(0x17, 48, 1), to)).isNull(); // private (ntpdc)
        assertThat(exchange(socket, request(0x24, 48, 1), to)).isNull(); // a server answer
        assertThat(exchange(socket, request(0x1B, 48, 1), to)).hasSize(48); // NTPv3 client: answered
        NtpCounters.Snapshot c = countersWhen(server, k -> k.answered() == 1);
        assertThat(c.received()).isEqualTo(10);
        assertThat(c.answered()).isEqualTo(1);
        assertThat(c.dropped(DropReason.TOO_SHORT)).isEqualTo(1);
        assertThat(c.dropped(DropReason.EXTENSION_OR_MAC)).isEqualTo(1);
        assertThat(c.dropped(DropReason.ZERO_TRANSMIT)).isEqualTo(1);
        assertThat(c.dropped(DropReason.BAD_VERSION)).isEqualTo(1);
        assertThat(c.dropped(DropReason.MODE_SYMMETRIC)).isEqualTo(1);
        assertThat(c.dropped(DropReason.MODE_BROADCAST)).isEqualTo(1);
        assertThat(c.dropped(DropReason.MODE_CONTROL)).isEqualTo(1);
        assertThat(c.dropped(DropReason.MODE_PRIVATE)).isEqualTo(1);
        assertThat(c.dropped(DropReason.MODE_SERVER)).isEqualTo(1);
    }

    @Test
    void aFloodOfRandomDatagramsNeitherCrashesNorStallsTheServer() throws Exception {
        NtpServer server = start(noLimit(), TestClock.realPlus(0));
        DatagramSocket socket = client();
        SplittableRandom random = new SplittableRandom(5905);
        int sent = 3000;
        for (int i = 0; i < sent; i++) {
            byte[] junk = new byte[random.nextInt(0, 600)];
            random.nextBytes(junk);
            if (junk.length > 0 && (junk[0] & 7) == 3) {
                junk[0] ^= 1; // never a client request, so nothing is answered
            }
            socket.send(new DatagramPacket(junk, junk.length, server.localAddress()));
        }
        socket.setSoTimeout(2000);
        assertThat(exchange(socket, request(0x23, 48, 42), server.localAddress()))
                .hasSize(48);
        NtpCounters.Snapshot c = countersWhen(server, k -> k.answered() == 1);
        assertThat(c.answered()).isEqualTo(1);
        // Loopback may drop datagrams when the receive buffer is full, never answer them.
        assertThat(c.droppedTotal()).isLessThanOrEqualTo(sent);
        assertThat(c.received()).isEqualTo(c.droppedTotal() + 1);
    }

    @Test
    void onlyWellFormedClientRequestsAreAnsweredAndNoAnswerIsLargerThanItsRequest() throws Exception {
        NtpServer server = start(noLimit(), TestClock.realPlus(0));
        DatagramSocket socket = client();
        SplittableRandom random = new SplittableRandom(1305);
        java.util.Map<Long, Integer> validRequestLength = new java.util.HashMap<>();
        for (int i = 0; i < 600; i++) {
            byte[] d;
            if (i % 3 == 0) {
                long id = 1_000_000L + i;
                int version = 1 + random.nextInt(4);
                d = request((version << 3) | 3, 48, id);
                validRequestLength.put(id, d.length);
            } else {
                // Anything else: random length 0..200 and content, never a 48-byte client request.
                d = new byte[random.nextInt(0, 200)];
                random.nextBytes(d);
                if (d.length == 48 && (d[0] & 7) == 3) {
                    d[0] ^= 1;
                }
            }
            socket.send(new DatagramPacket(d, d.length, server.localAddress()));
            if (i % 50 == 49) {
                Thread.sleep(5); // stay below the loopback receive buffer
            }
        }
        int answers = 0;
        byte[] buffer = new byte[1024];
        while (true) {
            DatagramPacket a = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(a);
            } catch (SocketTimeoutException e) {
                break;
            }
            answers++;
            long origin = NtpPacket.getLong(buffer, NtpPacket.ORIGIN_TS_OFFSET);
            assertThat(validRequestLength).containsKey(origin);
            assertThat(a.getLength()).isLessThanOrEqualTo(validRequestLength.remove(origin));
        }
        assertThat(answers).isEqualTo(200);
        assertThat(validRequestLength).isEmpty();
        assertThat(server.counters().answered()).isEqualTo(200);
        assertThat(server.counters().droppedTotal()).isEqualTo(400);
    }

    @Test
    void rateLimitedClientGetsKissRateAnswersAndALeakShare() throws Exception {
        // burst 2, one answer per 16 s; leak 1/2, KoD 1/2 of the rest: of 200 fast requests about 2
        // pass, 99 leak, 50 get a KoD, 49 are dropped.
        NtpServer server = start(
                noLimit().withRateLimit(Optional.of(new RateLimiter.Config(4, 2, 1, 1, 64))), TestClock.realPlus(0));
        DatagramSocket socket = client();
        // Send all 200 first, then drain: a per-request timeout would miscount an answer that a
        // loaded machine delivers late.
        for (int i = 0; i < 200; i++) {
            byte[] r = request(0x23, 48, i + 1);
            socket.send(new DatagramPacket(r, r.length, server.localAddress()));
            if (i % 50 == 49) {
                Thread.sleep(5);
            }
        }
        int answers = 0;
        int kisses = 0;
        java.util.Set<Long> seen = new java.util.HashSet<>();
        byte[] buffer = new byte[1024];
        while (true) {
            DatagramPacket a = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(a);
            } catch (SocketTimeoutException e) {
                break;
            }
            assertThat(a.getLength()).isEqualTo(48);
            NtpPacket p = NtpPacket.decode(buffer, 0);
            assertThat(p.originTimestamp()).isBetween(1L, 200L);
            assertThat(seen.add(p.originTimestamp()))
                    .as("one answer per request")
                    .isTrue();
            if (p.stratum() == 0) {
                kisses++;
                assertThat(p.referenceId()).isEqualTo(NtpPacket.KISS_RATE);
                assertThat(p.leap()).isEqualTo(3);
                assertThat(p.poll()).isEqualTo(4);
            } else {
                answers++;
            }
        }
        NtpCounters.Snapshot c = server.counters();
        assertThat(c.answered()).isEqualTo(answers);
        assertThat(c.kissRate()).isEqualTo(kisses);
        assertThat(c.answered() + c.kissRate() + c.dropped(DropReason.RATE_LIMITED))
                .isEqualTo(200);
        // Binomial bounds far outside chance (sd of the leak count is 7).
        assertThat(c.leaked()).isBetween(60L, 140L);
        assertThat(c.kissRate()).isBetween(20L, 80L);
        assertThat(answers).isEqualTo((int) (c.leaked() + 2));
    }

    @Test
    void clientTableStaysBoundedWhenManyAddressesAsk() throws Exception {
        // 127.0.0.0/8 is all loopback on Linux: 40 client addresses, a table of 8.
        NtpServer server = start(
                noLimit().withRateLimit(Optional.of(new RateLimiter.Config(1, 8, 2, 2, 8))), TestClock.realPlus(0));
        for (int i = 2; i < 42; i++) {
            try (DatagramSocket s =
                    new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0." + i), 0))) {
                s.setSoTimeout(1000);
                assertThat(exchange(s, request(0x23, 48, 7), server.localAddress()))
                        .hasSize(48);
            }
        }
        assertThat(server.clientsTracked()).isEqualTo(8);
    }

    @Test
    void severalReceiveThreadsShareOnePort() throws Exception {
        NtpServer server = start(noLimit().withThreads(3), TestClock.realPlus(0));
        for (int i = 0; i < 30; i++) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                s.setSoTimeout(1000);
                assertThat(exchange(s, request(0x23, 48, 9), server.localAddress()))
                        .hasSize(48);
            }
        }
        assertThat(countersWhen(server, c -> c.answered() == 30).answered()).isEqualTo(30);
    }

    @Test
    void offsetClockAddsTheDomainTimeOffsetInSeconds() {
        TestClock host = TestClock.frozenAt(1_700_000_000L * NS);
        long[] offset = {3600};
        OffsetClock domain = new OffsetClock(host, () -> offset[0]);
        assertThat(domain.realtimeNs()).isEqualTo(1_700_003_600L * NS);
        offset[0] = -7200;
        assertThat(domain.realtimeNs()).isEqualTo(1_699_992_800L * NS);
        assertThat(domain.syncState()).isSameAs(host.syncState());
        assertThat(NtpTimestamp.fromUnixNanos(domain.realtimeNs()) >>> 32)
                .isEqualTo(1_699_992_800L + NtpTimestamp.NTP_TO_UNIX_SECONDS);
    }
}
