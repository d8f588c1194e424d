package io.wallsync.adapters.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * A vCPU file descriptor and its mmap'd {@code struct kvm_run}.
 *
 * <pre>
 *  kvm_run offset  field
 *  0x01            u8 immediate_exit   (KVM_RUN returns EINTR at once while it is 1)
 *  0x08            u32 exit_reason
 *  io     0x20 u8 direction (1 = out), 0x21 u8 size, 0x22 u16 port, 0x24 u32 count, 0x28 u64 data_offset
 *  mmio   0x20 u64 phys_addr, 0x28 u8 data[8], 0x30 u32 len, 0x34 u8 is_write
 *  msr    0x20 u8 error, 0x28 u32 reason, 0x2c u32 index, 0x30 u64 data
 *  internal 0x20 u32 suberror, 0x24 u32 ndata, 0x28 u64 data[16]
 *  fail_entry 0x20 u64 hardware_entry_failure_reason
 *  system_event 0x20 u32 type
 * </pre>
 *
 * {@link #run()} is called from one thread; {@link #kick()} from any other stops it.
 */
public final class KvmVcpu implements AutoCloseable {
    public static final int KVM_EXIT_IO_IN = 0;
    public static final int KVM_EXIT_IO_OUT = 1;
    /** KVM_INTERNAL_ERROR_EMULATION: the instruction emulator could not run an instruction. */
    public static final int KVM_INTERNAL_ERROR_EMULATION = 1;

    /** SIGRTMIN + 6 of glibc (SIGRTMIN is 34): a signal neither glibc nor HotSpot uses. */
    static final int KICK_SIGNAL = 40;

    private static final long IMMEDIATE_EXIT = 0x01;
    private static final long EXIT_REASON = 0x08;
    private static final long U = 0x20; // the exit union

    private final int fd;
    private final MemorySegment run;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errnoState = Native.captureState(arena);
    private volatile int runnerTid;
    private boolean closed;

    KvmVcpu(int fd, MemorySegment run) {
        this.fd = fd;
        this.run = run;
    }

    /** KVM_SET_CPUID2 with {@code entries}. */
    public void setCpuid(List<CpuidEntry> entries) throws KvmException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(8L + (long) entries.size() * CpuidEntry.SIZE, 8);
            buf.set(ValueLayout.JAVA_INT, 0, entries.size());
            for (int i = 0; i < entries.size(); i++) {
                CpuidEntry e = entries.get(i);
                long o = 8L + (long) i * CpuidEntry.SIZE;
                buf.set(ValueLayout.JAVA_INT, o, e.function());
                buf.set(ValueLayout.JAVA_INT, o + 4, e.index());
                buf.set(ValueLayout.JAVA_INT, o + 8, e.flags());
                buf.set(ValueLayout.JAVA_INT, o + 0xc, e.eax());
                buf.set(ValueLayout.JAVA_INT, o + 0x10, e.ebx());
                buf.set(ValueLayout.JAVA_INT, o + 0x14, e.ecx());
                buf.set(ValueLayout.JAVA_INT, o + 0x18, e.edx());
            }
            Native.ioctl(fd, "KVM_SET_CPUID2", KvmIoctl.KVM_SET_CPUID2, buf);
        }
    }

    /** KVM_GET_SREGS into a fresh {@link KvmSregs}, to be edited and given to {@link #setSregs}. */
    public KvmSregs sregs() throws KvmException {
        KvmSregs s = new KvmSregs(arena);
        Native.ioctl(fd, "KVM_GET_SREGS", KvmIoctl.KVM_GET_SREGS, s.segment);
        return s;
    }

    public void setSregs(KvmSregs s) throws KvmException {
        Native.ioctl(fd, "KVM_SET_SREGS", KvmIoctl.KVM_SET_SREGS, s.segment);
    }

    /** KVM_SET_REGS: rsi, rsp, rip and rflags as given, every other register zero. */
    public void setRegs(KvmRegs regs) throws KvmException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(KvmRegs.SIZE, 8);
            r.set(ValueLayout.JAVA_LONG, KvmRegs.RSI, regs.rsi());
            r.set(ValueLayout.JAVA_LONG, KvmRegs.RSP, regs.rsp());
            r.set(ValueLayout.JAVA_LONG, KvmRegs.RIP, regs.rip());
            r.set(ValueLayout.JAVA_LONG, KvmRegs.RFLAGS, regs.rflags());
            Native.ioctl(fd, "KVM_SET_REGS", KvmIoctl.KVM_SET_REGS, r);
        }
    }

    /** KVM_GET_REGS: the instruction pointer. */
    public long rip() throws KvmException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(KvmRegs.SIZE, 8);
            Native.ioctl(fd, "KVM_GET_REGS", KvmIoctl.KVM_GET_REGS, r);
            return r.get(ValueLayout.JAVA_LONG, KvmRegs.RIP);
        }
    }

    /**
     * KVM_GET_LAPIC, set LVT0 (+0x350) and LVT1 (+0x360), KVM_SET_LAPIC: with LVT0 = ExtINT (0x700)
     * the PIC's interrupts reach the CPU, with LVT1 = NMI (0x400) the NMI line does.
     */
    public void setLapicLvt(int lvt0, int lvt1) throws KvmException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment lapic = a.allocate(0x400, 8);
            Native.ioctl(fd, "KVM_GET_LAPIC", KvmIoctl.KVM_GET_LAPIC, lapic);
            lapic.set(ValueLayout.JAVA_INT, 0x350, lvt0);
            lapic.set(ValueLayout.JAVA_INT, 0x360, lvt1);
            Native.ioctl(fd, "KVM_SET_LAPIC", KvmIoctl.KVM_SET_LAPIC, lapic);
        }
    }

    /**
     * KVM_RUN: runs the guest until an exit KVM leaves to userspace. Returns the exit reason, or
     * -1 when the run was stopped by {@link #kick()} (EINTR).
     *
     * @throws KvmException for any other failure of KVM_RUN
     */
    public int run() throws KvmException {
        if (runnerTid == 0) {
            Native.installKickHandler(KICK_SIGNAL);
            runnerTid = Native.gettid();
        }
        int rc = Native.ioctlOrErrno(fd, KvmIoctl.KVM_RUN, 0, errnoState);
        if (rc == -Errno.EINTR || rc == -Errno.EAGAIN) {
            return -1;
        }
        if (rc < 0) {
            throw new KvmException("KVM_RUN", -rc);
        }
        return run.get(ValueLayout.JAVA_INT, EXIT_REASON);
    }

    /**
     * Stops the vCPU: sets immediate_exit, so a KVM_RUN not yet entered returns at once, and
     * signals the running thread, so one inside the guest returns EINTR. Safe from any thread.
     */
    public void kick() {
        run.set(ValueLayout.JAVA_BYTE, IMMEDIATE_EXIT, (byte) 1);
        int tid = runnerTid;
        if (tid != 0) {
            Native.tgkill(tid, KICK_SIGNAL);
        }
    }

    /** Whether {@link #kick()} was called. */
    public boolean kicked() {
        return run.get(ValueLayout.JAVA_BYTE, IMMEDIATE_EXIT) != 0;
    }

    public boolean ioIsOut() {
        return run.get(ValueLayout.JAVA_BYTE, U) == KVM_EXIT_IO_OUT;
    }

    public int ioSize() {
        return run.get(ValueLayout.JAVA_BYTE, U + 1);
    }

    public int ioPort() {
        return Short.toUnsignedInt(run.get(ValueLayout.JAVA_SHORT, U + 2));
    }

    public int ioCount() {
        return run.get(ValueLayout.JAVA_INT, U + 4);
    }

    /** Byte {@code i} of the io exit's data (kvm_run + data_offset). */
    public int ioByte(int i) {
        long dataOffset = run.get(ValueLayout.JAVA_LONG, U + 8);
        return Byte.toUnsignedInt(run.get(ValueLayout.JAVA_BYTE, dataOffset + i));
    }

    public void ioByte(int i, int value) {
        long dataOffset = run.get(ValueLayout.JAVA_LONG, U + 8);
        run.set(ValueLayout.JAVA_BYTE, dataOffset + i, (byte) value);
    }

    public long mmioPhysAddr() {
        return run.get(ValueLayout.JAVA_LONG, U);
    }

    public boolean mmioIsWrite() {
        return run.get(ValueLayout.JAVA_BYTE, U + 0x14) != 0;
    }

    public int mmioLength() {
        return run.get(ValueLayout.JAVA_INT, U + 0x10);
    }

    /** Sets every data byte of an MMIO read to {@code value}. */
    public void mmioFill(int value) {
        for (int i = 0; i < 8; i++) {
            run.set(ValueLayout.JAVA_BYTE, U + 8 + i, (byte) value);
        }
    }

    public int msrIndex() {
        return run.get(ValueLayout.JAVA_INT, U + 0xc);
    }

    public long msrData() {
        return run.get(ValueLayout.JAVA_LONG, U + 0x10);
    }

    /** kvm_run.msr.error: 0 completes the access, 1 injects #GP into the guest. */
    public void msrError(boolean gp) {
        run.set(ValueLayout.JAVA_BYTE, U, (byte) (gp ? 1 : 0));
    }

    public int internalSuberror() {
        return run.get(ValueLayout.JAVA_INT, U);
    }

    public long failEntryReason() {
        return run.get(ValueLayout.JAVA_LONG, U);
    }

    public int systemEventType() {
        return run.get(ValueLayout.JAVA_INT, U);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.munmap(run);
            Native.close(fd);
            arena.close();
        }
    }
}
