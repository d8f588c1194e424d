package io.wallsync.core.ntp;

import java.util.OptionalInt;

/**
 * The server's own choices for the header fields the host's kernel cannot supply.
 *
 * <ul>
 *   <li><b>stratum</b> while the host is synchronised: Linux's adjtimex tells whether the clock is
 *       synchronised but not to what stratum. Default {@value #DEFAULT_STRATUM}: a host that an NTP
 *       daemon keeps in sync with public (stratum 2) servers is itself stratum 3, and the wallclock
 *       it serves is the host's clock, so it claims the same.
 *   <li><b>reference id</b> while synchronised: RFC 5905 wants the upstream server's IPv4 address
 *       for stratum 2 and above, which Linux does not expose. Default 127.127.1.1 (0x7F7F0101),
 *       the value chrony and ntpd use for a local reference: no client has that address, so the
 *       RFC 5905 loop check (refid equals my address) cannot fire by accident. Set the upstream's
 *       address when it is known. While unsynchronised the reference id is 0, as chrony sends.
 *   <li><b>local stratum</b> (off by default): like chrony's {@code local stratum N}, answer with
 *       leap indicator 0 at stratum N, root delay 0, root dispersion 0 and reference time now − 1 s
 *       even while the kernel says unsynchronised (isolated networks, benchmarks), as chrony's
 *       {@code REF_GetReferenceParams}. Without it an unsynchronised host answers leap indicator 3
 *       at stratum 0 (RFC 5905 section 7.3 sends MAXSTRAT 16 as 0; chrony does the same).
 *   <li><b>precision</b>: log2 seconds of the measured cost of one wallclock read (see {@link
 *       #precisionLog2FromReadCost}).
 * </ul>
 *
 * @param stratum 1..15, used while the host is synchronised
 * @param referenceId used while synchronised (and in local mode)
 * @param localStratum stratum to claim while unsynchronised, empty for none (leap indicator 3)
 * @param precisionLog2 -32..0
 */
public record ServerPolicy(int stratum, int referenceId, OptionalInt localStratum, int precisionLog2) {
    public static final int DEFAULT_STRATUM = 3;
    /** 127.127.1.1, chrony's NTP_REFID_LOCAL. */
    public static final int DEFAULT_REFERENCE_ID = 0x7F7F0101;

    public ServerPolicy {
        if (stratum < 1 || stratum > 15) {
            throw new IllegalArgumentException("stratum must be 1..15 (16 means unsynchronised), got " + stratum);
        }
        if (localStratum.isPresent() && (localStratum.getAsInt() < 1 || localStratum.getAsInt() > 15)) {
            throw new IllegalArgumentException("local stratum must be 1..15, got " + localStratum.getAsInt());
        }
        if (precisionLog2 < -32 || precisionLog2 > 0) {
            throw new IllegalArgumentException("precision must be -32..0 (log2 seconds), got " + precisionLog2);
        }
    }

    /**
     * The NTP precision of a clock whose read costs {@code readCostNs}: the smallest p with 2^p s >=
     * the cost, that is -k for the largest k in 0..32 with readCostNs * 2^k <= 1e9. Examples: 30 ns
     * gives -24 (2^-25 s = 29.8 ns is too fine, 2^-24 s = 59.6 ns holds it); 1 ns gives -29
     * (2^-30 s = 0.93 ns).
     */
    public static int precisionLog2FromReadCost(long readCostNs) {
        long ns = Math.max(1, readCostNs);
        int k = 0;
        while (k < 32 && ns << (k + 1) <= 1_000_000_000L) {
            k++;
        }
        return -k;
    }
}
