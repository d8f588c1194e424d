package io.wallsync.core.vmclock;

/** The outcome of one seqlock read of a vmclock page ({@link Vmclock#read}). */
public sealed interface VmclockReading {
    /**
     * A consistent read.
     *
     * @param fields the fields under seq_count, all from one write
     * @param counter the counter value read inside the same seqlock section, after the fields' version
     * @param seqCount the even seq_count the read was consistent with
     */
    record Value(VmclockFields fields, long counter, int seqCount) implements VmclockReading {
        /** The time at {@link #counter}. */
        public VmclockTime time() {
            return fields.timeAt(counter);
        }

        /** Maximum error of {@link #time()} in ns, -1 when not published. */
        public long maxErrorNs() {
            return fields.maxErrorNsAt(counter);
        }

        /** Estimated error of {@link #time()} in ns, -1 when not published. */
        public long estErrorNs() {
            return fields.estErrorNsAt(counter);
        }
    }

    /**
     * No consistent read: seq_count stayed odd or kept changing until the retry policy gave up.
     *
     * @param attempts how many attempts were made
     * @param lastSeqCount the seq_count seen last
     */
    record Failed(int attempts, int lastSeqCount) implements VmclockReading {}
}
