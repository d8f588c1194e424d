package io.wallsync.adapters.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct kvm_sregs (0x138 bytes) of arch/x86/include/uapi/asm/kvm.h.
 *
 * <pre>
 *  offset  field        offset  field
 *  0x00    cs           0xc0    gdt {u64 base, u16 limit, pad}
 *  0x18    ds           0xd0    idt
 *  0x30    es           0xe0    cr0
 *  0x48    fs           0xe8    cr2
 *  0x60    gs           0xf0    cr3
 *  0x78    ss           0xf8    cr4
 *  0x90    tr           0x100   cr8
 *  0xa8    ldt          0x108   efer, 0x110 apic_base
 * </pre>
 *
 * A kvm_segment (0x18 bytes): base +0, limit +8, selector +0xc, type +0xe, present +0xf, dpl +0x10,
 * db +0x11, s +0x12, l +0x13, g +0x14, avl +0x15, unusable +0x16.
 */
public final class KvmSregs {
    public static final int CS = 0x00;
    public static final int DS = 0x18;
    public static final int ES = 0x30;
    public static final int FS = 0x48;
    public static final int GS = 0x60;
    public static final int SS = 0x78;
    public static final int TR = 0x90;
    public static final int GDT = 0xc0;
    public static final int IDT = 0xd0;
    private static final int CR0 = 0xe0;
    private static final int CR3 = 0xf0;
    private static final int CR4 = 0xf8;
    private static final int EFER = 0x108;
    static final long SIZE = 0x138;

    final MemorySegment segment;

    KvmSregs(Arena arena) {
        this.segment = arena.allocate(SIZE, 8);
    }

    /** Sets one kvm_segment at {@code offset} (one of {@link #CS} .. {@link #TR}). */
    public KvmSregs segment(
            int offset, long base, int limit, int selector, int type, boolean s, boolean l, boolean db, boolean g) {
        segment.set(ValueLayout.JAVA_LONG, offset, base);
        segment.set(ValueLayout.JAVA_INT, offset + 8, limit);
        segment.set(ValueLayout.JAVA_SHORT, offset + 0xc, (short) selector);
        segment.set(ValueLayout.JAVA_BYTE, offset + 0xe, (byte) type);
        segment.set(ValueLayout.JAVA_BYTE, offset + 0xf, (byte) 1); // present
        segment.set(ValueLayout.JAVA_BYTE, offset + 0x10, (byte) 0); // dpl
        segment.set(ValueLayout.JAVA_BYTE, offset + 0x11, (byte) (db ? 1 : 0));
        segment.set(ValueLayout.JAVA_BYTE, offset + 0x12, (byte) (s ? 1 : 0));
        segment.set(ValueLayout.JAVA_BYTE, offset + 0x13, (byte) (l ? 1 : 0));
        segment.set(ValueLayout.JAVA_BYTE, offset + 0x14, (byte) (g ? 1 : 0));
        segment.set(ValueLayout.JAVA_BYTE, offset + 0x16, (byte) 0); // usable
        return this;
    }

    /** Sets a descriptor table register ({@link #GDT} or {@link #IDT}). */
    public KvmSregs table(int offset, long base, int limit) {
        segment.set(ValueLayout.JAVA_LONG, offset, base);
        segment.set(ValueLayout.JAVA_SHORT, offset + 8, (short) limit);
        return this;
    }

    public KvmSregs cr0(long v) {
        segment.set(ValueLayout.JAVA_LONG, CR0, v);
        return this;
    }

    public KvmSregs cr3(long v) {
        segment.set(ValueLayout.JAVA_LONG, CR3, v);
        return this;
    }

    public KvmSregs cr4(long v) {
        segment.set(ValueLayout.JAVA_LONG, CR4, v);
        return this;
    }

    public KvmSregs efer(long v) {
        segment.set(ValueLayout.JAVA_LONG, EFER, v);
        return this;
    }

    public long cr0() {
        return segment.get(ValueLayout.JAVA_LONG, CR0);
    }

    public long efer() {
        return segment.get(ValueLayout.JAVA_LONG, EFER);
    }
}
