package io.wallsync.daemon.vm;

import io.wallsync.adapters.kvm.KvmException;
import io.wallsync.adapters.kvm.KvmRegs;
import io.wallsync.adapters.kvm.KvmSregs;
import io.wallsync.adapters.kvm.KvmVcpu;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The 64-bit state a boot loader leaves for a vmlinux's startup_64: a flat GDT, identity page
 * tables over the first GiB, paging and long mode on, RSI = boot_params.
 *
 * <pre>
 *  0x0500  GDT: 0x10 = 64-bit code 0x00af9b000000ffff, 0x18 = data 0x00cf93000000ffff
 *  0x9000  PML4[0] -> 0xa000 PDPT[0] -> 0xb000 PD: 512 entries i << 21 | 0x83 (2 MiB, P RW PS)
 *  cr0 = PE | ET | PG (0x80000011), cr3 = 0x9000, cr4 = PAE (0x20), efer = LME | LMA (0x500)
 * </pre>
 */
public final class LongMode {
    public static final long GDT_ADDR = 0x500;
    public static final long PML4_ADDR = 0x9000;
    public static final long PDPT_ADDR = 0xa000;
    public static final long PD_ADDR = 0xb000;
    /** Bytes identity-mapped by the page tables: 512 x 2 MiB. */
    public static final long MAPPED_BYTES = 1L << 30;
    /** Initial stack pointer (below the zero page); the guest sets its own. */
    public static final long INITIAL_RSP = 0x6ff0;

    static final int CODE_SELECTOR = 0x10;
    static final int DATA_SELECTOR = 0x18;
    private static final long GDT_CODE64 = 0x00af9b000000ffffL;
    private static final long GDT_DATA = 0x00cf93000000ffffL;
    private static final long PTE_PRESENT_RW = 0x3;
    private static final long PDE_2M = 0x83;
    private static final long CR0_PE_ET_PG = 0x80000011L;
    private static final long CR4_PAE = 0x20;
    private static final long EFER_LME_LMA = 0x500;
    private static final long RFLAGS_RESERVED_1 = 0x2;

    private LongMode() {}

    /** Writes the GDT and page tables into guest memory. */
    public static void writeTables(MemorySegment memory) {
        memory.asSlice(GDT_ADDR, 0x20).fill((byte) 0);
        memory.set(ValueLayout.JAVA_LONG, GDT_ADDR + CODE_SELECTOR, GDT_CODE64);
        memory.set(ValueLayout.JAVA_LONG, GDT_ADDR + DATA_SELECTOR, GDT_DATA);
        memory.asSlice(PML4_ADDR, 3 * 4096).fill((byte) 0);
        memory.set(ValueLayout.JAVA_LONG, PML4_ADDR, PDPT_ADDR | PTE_PRESENT_RW);
        memory.set(ValueLayout.JAVA_LONG, PDPT_ADDR, PD_ADDR | PTE_PRESENT_RW);
        for (long i = 0; i < 512; i++) {
            memory.set(ValueLayout.JAVA_LONG, PD_ADDR + i * 8, (i << 21) | PDE_2M);
        }
    }

    /** Sets the vCPU's segment, control and general registers for entry at {@code entry}. */
    public static void enter(KvmVcpu vcpu, long entry) throws KvmException {
        KvmSregs s = vcpu.sregs();
        // code: type 11 (execute/read, accessed), S, L; data: type 3 (read/write, accessed), S, DB.
        s.segment(KvmSregs.CS, 0, 0xfffff, CODE_SELECTOR, 11, true, true, false, true);
        for (int seg : new int[] {KvmSregs.DS, KvmSregs.ES, KvmSregs.FS, KvmSregs.GS, KvmSregs.SS}) {
            s.segment(seg, 0, 0xfffff, DATA_SELECTOR, 3, true, false, true, true);
        }
        s.table(KvmSregs.GDT, GDT_ADDR, 0x1f)
                .cr0(CR0_PE_ET_PG)
                .cr3(PML4_ADDR)
                .cr4(CR4_PAE)
                .efer(EFER_LME_LMA);
        vcpu.setSregs(s);
        vcpu.setRegs(new KvmRegs(BootParams.ADDR, INITIAL_RSP, entry, RFLAGS_RESERVED_1));
    }
}
