package io.wallsync.core.abi;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** The one check every flyweight makes on the memory it wraps. */
public final class Segments {
    private Segments() {}

    /**
     * Returns {@code segment} if it holds at least {@code minBytes} and is 8-byte aligned (the JDK
     * allows atomic accesses only on aligned addresses; a heap {@code byte[]} is 1-byte aligned).
     *
     * @param what the structure, for the message (e.g. "shared_info")
     * @throws IllegalArgumentException naming the size or alignment found and the one expected
     */
    public static MemorySegment requireAtomicAccess(MemorySegment segment, long minBytes, String what) {
        Objects.requireNonNull(segment, what);
        if (segment.byteSize() < minBytes) {
            throw new IllegalArgumentException(
                    what + " segment of " + segment.byteSize() + " bytes: expected at least " + minBytes);
        }
        if (segment.maxByteAlignment() < Long.BYTES) {
            throw new IllegalArgumentException(what + " segment aligned to " + segment.maxByteAlignment()
                    + " byte(s): expected 8 for atomic access; map a file, allocate it with an Arena or use"
                    + " MemorySegment.ofArray(long[]), not byte[]");
        }
        return segment;
    }
}
