package io.wallsync.bench;

import io.wallsync.core.ntp.NtpPacket;
import io.wallsync.core.ntp.NtpRequest;
import io.wallsync.core.ntp.NtpTimestamp;
import io.wallsync.core.ntp.RateLimiter;
import io.wallsync.core.ntp.ResponseHeader;
import io.wallsync.core.ntp.ServerPolicy;
import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CPU cost of the NTP server's per-datagram work without the socket: classify a 48-byte request,
 * convert two timestamps, write the answer; and one rate-limiter decision over a table of 16384
 * clients with 4096 distinct addresses in play.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NtpAnswerBenchmark {
    private final byte[] request = new byte[48];
    private final byte[] answer = new byte[48];
    private ResponseHeader header;
    private RateLimiter limiter;
    private long nowNs = 1_700_000_000_000_000_000L;
    private long monotonicNs;
    private int client;

    @Setup
    public void setup() {
        request[0] = 0x23;
        NtpPacket.putLong(request, NtpPacket.TRANSMIT_TS_OFFSET, 0x0102_0304_0506_0708L);
        header = ResponseHeader.of(
                new SyncState(true, 1500, 250, 37, LeapIndicator.NONE),
                new ServerPolicy(3, ServerPolicy.DEFAULT_REFERENCE_ID, OptionalInt.empty(), -24),
                nowNs,
                nowNs);
        limiter = new RateLimiter(RateLimiter.Config.DEFAULT, new SplittableRandom(1));
    }

    @Benchmark
    public byte[] answerOneRequest() {
        NtpRequest r = NtpRequest.classify(request, 48);
        if (r instanceof NtpRequest.Client c) {
            nowNs += 1_000;
            header.writeResponse(answer, c, NtpTimestamp.fromUnixNanos(nowNs));
            ResponseHeader.stampTransmit(answer, NtpTimestamp.fromUnixNanos(nowNs + 500));
        }
        return answer;
    }

    @Benchmark
    public RateLimiter.Decision rateLimitDecision() {
        monotonicNs += 10_000;
        client = (client + 1) & 4095;
        return limiter.decide(0, 0xFFFF_0A00_0000L | client, monotonicNs);
    }
}
