package io.wallsync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wallsync.core.ntp.RateLimiter.Decision;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long S = 1_000_000_000L;
    private static final long V4 = 0xFFFF_0000_0000L; // ::ffff:0.0.0.0, IPv4-mapped prefix in the low word

    /** Draws that never hit: leak and KoD never happen, every limited request is dropped. */
    private static final RandomGenerator NEVER = () -> -1L;

    @Test
    void burstOfEightPassesThenOnePerInterval() {
        // interval 2^1 = 2 s, burst 8: 8 requests at t = 0 pass, the 9th is limited.
        RateLimiter limiter = new RateLimiter(new RateLimiter.Config(1, 8, 2, 0, 64), NEVER);
        for (int i = 0; i < 8; i++) {
            assertThat(limiter.decide(0, V4 | 1, 0)).isEqualTo(Decision.PASS);
        }
        assertThat(limiter.decide(0, V4 | 1, 0)).isEqualTo(Decision.DROP);
        // tat is now 16 s; at 1.999 s, tat - now = 14.001 s > 7 * 2 s: still limited.
        assertThat(limiter.decide(0, V4 | 1, 1_999_999_999L)).isEqualTo(Decision.DROP);
        // at 2 s, tat - now = 14 s = (burst - 1) * interval: one more passes, tat 18 s.
        assertThat(limiter.decide(0, V4 | 1, 2 * S)).isEqualTo(Decision.PASS);
        assertThat(limiter.decide(0, V4 | 1, 2 * S)).isEqualTo(Decision.DROP);
        // Another address has its own bucket.
        assertThat(limiter.decide(0, V4 | 2, 2 * S)).isEqualTo(Decision.PASS);
        // After 16 s of silence the bucket of client 1 is full again: 8 at once.
        for (int i = 0; i < 8; i++) {
            assertThat(limiter.decide(0, V4 | 1, 40 * S)).isEqualTo(Decision.PASS);
        }
    }

    @Test
    void aClientPollingEverySixtyFourSecondsIsNeverLimited() {
        RateLimiter limiter = new RateLimiter(RateLimiter.Config.DEFAULT, NEVER);
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.decide(0, V4 | 7, i * 64 * S)).isEqualTo(Decision.PASS);
        }
    }

    @Test
    void limitedRequestsLeakOneInFourAndOneInFourOfTheRestGetKissRate() {
        // leak 2, kod 2: P(LEAK) = 1/4, P(KOD) = 3/4 * 1/4 = 3/16, P(DROP) = 9/16.
        RateLimiter limiter = new RateLimiter(new RateLimiter.Config(1, 1, 2, 2, 64), new SplittableRandom(42));
        limiter.decide(0, V4 | 1, 0);
        Map<Decision, Integer> count = new EnumMap<>(Decision.class);
        int n = 160_000;
        for (int i = 0; i < n; i++) {
            // 1000 requests per second: far above one per 2 s.
            count.merge(limiter.decide(0, V4 | 1, i * 1_000_000L), 1, Integer::sum);
        }
        // 160 s at one pass per 2 s: 80 passes (+-1).
        assertThat(count.get(Decision.PASS)).isBetween(79, 81);
        int limited = n - count.get(Decision.PASS);
        assertThat(count.get(Decision.LEAK) / (double) limited).isBetween(0.24, 0.26);
        assertThat(count.get(Decision.KISS_RATE) / (double) limited).isBetween(0.177, 0.198);
        assertThat(count.get(Decision.DROP) / (double) limited).isBetween(0.55, 0.575);
    }

    @Test
    void aSpoofedFloodInTheVictimsNameCannotCutTheVictimOff() {
        // The attacker sends 1000 requests/s with the victim's address; the victim polls every 16 s.
        // Without the leak the victim would lose almost every answer to the attacker's tokens.
        RateLimiter limiter = new RateLimiter(RateLimiter.Config.DEFAULT, new SplittableRandom(7));
        int victimAnswered = 0;
        int victimRequests = 0;
        for (long ms = 0; ms < 16_000 * 400; ms++) {
            long now = ms * 1_000_000L;
            limiter.decide(0, V4 | 9, now); // attacker
            if (ms % 16_000 == 8) {
                victimRequests++;
                Decision d = limiter.decide(0, V4 | 9, now + 1);
                if (d == Decision.PASS || d == Decision.LEAK) {
                    victimAnswered++;
                }
            }
        }
        // Leak 2: about 1/4 of the victim's requests are still answered (binomial, n = 400).
        assertThat(victimRequests).isEqualTo(400);
        assertThat(victimAnswered).isBetween(70, 130);
    }

    @Test
    void theClientTableNeverGrowsBeyondItsCapacity() {
        // Capacity 16 = 2 buckets of 8: a scan from 10_000 addresses keeps at most 16 records.
        RateLimiter limiter = new RateLimiter(new RateLimiter.Config(1, 8, 2, 0, 16), NEVER);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.decide(0, V4 | i, i)).isEqualTo(Decision.PASS);
        }
        assertThat(limiter.clients()).isEqualTo(16);
        assertThat(limiter.evictions()).isEqualTo(10_000 - 16);
    }

    @Test
    void evictionTakesTheLeastRecentlySeenClientOfTheBucket() {
        // Capacity 8 = one bucket. Client 0 stays busy; clients 1..7 fill the rest; client 100
        // then evicts client 1 (the oldest), not client 0, so client 0 keeps its empty bucket.
        RateLimiter limiter = new RateLimiter(new RateLimiter.Config(1, 1, 2, 0, 8), NEVER);
        for (int i = 1; i <= 7; i++) {
            limiter.decide(0, V4 | i, i);
        }
        assertThat(limiter.decide(0, V4, 10)).isEqualTo(Decision.PASS);
        assertThat(limiter.decide(0, V4, 11)).isEqualTo(Decision.DROP);
        limiter.decide(0, V4 | 100, 12);
        assertThat(limiter.evictions()).isEqualTo(1);
        assertThat(limiter.decide(0, V4, 13)).isEqualTo(Decision.DROP);
    }

    @Test
    void configRangesAreCheckedWithTheirNames() {
        assertThatThrownBy(() -> new RateLimiter.Config(1, 0, 2, 2, 64)).hasMessageContaining("burst must be 1..255");
        assertThatThrownBy(() -> new RateLimiter.Config(1, 8, 0, 2, 64)).hasMessageContaining("leak");
        assertThatThrownBy(() -> new RateLimiter.Config(1, 8, 2, 2, 100)).hasMessageContaining("power of two");
        // 2^-3 s = 125 ms
        assertThat(new RateLimiter.Config(-3, 8, 2, 2, 64).intervalNs()).isEqualTo(125_000_000L);
    }
}
