package io.wallsync.core.abi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;

/** Byte fixtures for the codec tests: hex strings in, 8-byte aligned segments out. */
public final class Bytes {
    private Bytes() {}

    /** A zeroed 8-byte aligned segment of {@code size} bytes. */
    public static MemorySegment zeroed(int size) {
        return MemorySegment.ofArray(new long[(size + 7) / 8]).asSlice(0, size);
    }

    /** Copies {@code hex} (spaces allowed) into {@code segment} at {@code offset}. */
    public static void put(MemorySegment segment, int offset, String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, offset, bytes.length);
    }

    /** {@code length} bytes of {@code segment} at {@code offset}, as spaced lower-case hex. */
    public static String hex(MemorySegment segment, int offset, int length) {
        byte[] bytes = segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }

    /** The number of non-zero bytes of {@code segment} outside [from, to). */
    public static long nonZeroOutside(MemorySegment segment, int from, int to) {
        byte[] all = segment.toArray(ValueLayout.JAVA_BYTE);
        long n = 0;
        for (int i = 0; i < all.length; i++) {
            if ((i < from || i >= to) && all[i] != 0) {
                n++;
            }
        }
        return n;
    }
}
