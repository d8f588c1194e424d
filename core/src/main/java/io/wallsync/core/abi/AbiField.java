package io.wallsync.core.abi;

import java.util.Objects;

/**
 * One field of an ABI structure as its datasheet names it: the upstream name, its C type in the
 * kernel's vocabulary ({@code u8 u16 u32 u64 s8 s16 s32 s64}, or {@code u64x2} for an array),
 * its offset and its size in bytes. Descriptors list their fields with these so that a test can
 * compare the code with {@code docs/page-abi.md} and {@code include/wallsync.h}.
 *
 * @param name the upstream field name (wc_sec, seq_count, ...)
 * @param type the C type, kernel spelling
 * @param offset byte offset from the start of the page
 * @param size size in bytes
 */
public record AbiField(String name, String type, int offset, int size) {
    public AbiField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (offset < 0 || size <= 0) {
            throw new IllegalArgumentException("field " + name + ": offset " + offset + ", size " + size);
        }
    }

    /** The first byte after this field. */
    public int end() {
        return offset + size;
    }
}
