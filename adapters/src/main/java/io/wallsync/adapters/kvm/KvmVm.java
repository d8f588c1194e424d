package io.wallsync.adapters.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** A VM file descriptor: memory slots, the in-kernel irqchip and PIT, MSR filter, clock, IRQ lines. */
public final class KvmVm implements AutoCloseable {
    /** KVM_MSR_EXIT_REASON_FILTER: exit to userspace for accesses an MSR filter denies. */
    public static final long KVM_MSR_EXIT_REASON_FILTER = 1L << 2;

    private static final int KVM_MSR_FILTER_WRITE = 1 << 1;
    private static final long MSR_FILTER_SIZE = 0x188;
    private static final long ENABLE_CAP_SIZE = 0x68;

    private final Kvm kvm;
    private final int fd;
    private final List<MemorySegment> mappings = new ArrayList<>();
    private final List<KvmVcpu> vcpus = new ArrayList<>();
    private final Arena filterArena = Arena.ofShared();
    private boolean closed;

    KvmVm(Kvm kvm, int fd) {
        this.kvm = kvm;
        this.fd = fd;
    }

    /** KVM_SET_TSS_ADDR: three pages of guest-physical space KVM needs on Intel hosts. */
    public void setTssAddr(long guestPhysAddr) throws KvmException {
        Native.ioctl(fd, "KVM_SET_TSS_ADDR", KvmIoctl.KVM_SET_TSS_ADDR, guestPhysAddr);
    }

    /** KVM_CREATE_IRQCHIP: in-kernel PIC, IOAPIC and local APICs. */
    public void createIrqchip() throws KvmException {
        Native.ioctl(fd, "KVM_CREATE_IRQCHIP", KvmIoctl.KVM_CREATE_IRQCHIP, 0);
    }

    /** KVM_CREATE_PIT2 with a zeroed kvm_pit_config (flags 0). */
    public void createPit2() throws KvmException {
        try (Arena arena = Arena.ofConfined()) {
            Native.ioctl(fd, "KVM_CREATE_PIT2", KvmIoctl.KVM_CREATE_PIT2, arena.allocate(0x40, 8));
        }
    }

    /**
     * Maps {@code size} bytes of shared anonymous memory and makes it guest-physical memory at
     * {@code guestPhysAddr} (KVM_SET_USER_MEMORY_REGION {u32 slot, u32 flags, u64 guest_phys_addr,
     * u64 memory_size, u64 userspace_addr}). The segment lives until {@link #close()}.
     */
    public MemorySegment addMemory(int slot, long guestPhysAddr, long size) throws KvmException {
        MemorySegment mem = Native.mmap(
                size,
                Native.PROT_READ | Native.PROT_WRITE,
                Native.MAP_SHARED | Native.MAP_ANONYMOUS | Native.MAP_NORESERVE,
                -1,
                "guest memory");
        mappings.add(mem);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(0x20, 8);
            region.set(ValueLayout.JAVA_INT, 0, slot);
            region.set(ValueLayout.JAVA_INT, 4, 0);
            region.set(ValueLayout.JAVA_LONG, 8, guestPhysAddr);
            region.set(ValueLayout.JAVA_LONG, 0x10, size);
            region.set(ValueLayout.JAVA_LONG, 0x18, mem.address());
            Native.ioctl(fd, "KVM_SET_USER_MEMORY_REGION", KvmIoctl.KVM_SET_USER_MEMORY_REGION, region);
        }
        return mem;
    }

    /** KVM_ENABLE_CAP on the VM: {u32 cap, u32 flags, u64 args[4], u8 pad[64]}. */
    public void enableCap(int capability, long arg0) throws KvmException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = arena.allocate(ENABLE_CAP_SIZE, 8);
            cap.set(ValueLayout.JAVA_INT, 0, capability);
            cap.set(ValueLayout.JAVA_LONG, 8, arg0);
            Native.ioctl(fd, "KVM_ENABLE_CAP(" + capability + ")", KvmIoctl.KVM_ENABLE_CAP, cap);
        }
    }

    /**
     * Sends guest writes of each MSR in {@code msrs} to userspace as KVM_EXIT_X86_WRMSR: enables
     * KVM_CAP_X86_USER_SPACE_MSR with KVM_MSR_EXIT_REASON_FILTER and installs a default-allow
     * filter (flags 0) with one write range per MSR whose one-bit bitmap is 0 (deny). struct
     * kvm_msr_filter: u32 flags +0, 16 ranges from +8 of {u32 flags, u32 nmsrs, u32 base, pad,
     * u64 bitmap pointer} (0x18 bytes each).
     */
    public void trapMsrWrites(int... msrs) throws KvmException {
        if (msrs.length > 16) {
            throw new IllegalArgumentException("at most 16 MSR ranges, got " + msrs.length);
        }
        enableCap(Kvm.KVM_CAP_X86_USER_SPACE_MSR, KVM_MSR_EXIT_REASON_FILTER);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment filter = arena.allocate(MSR_FILTER_SIZE, 8);
            for (int i = 0; i < msrs.length; i++) {
                long r = 8 + 0x18L * i;
                MemorySegment bitmap = filterArena.allocate(8, 8); // all zero: deny, i.e. exit
                filter.set(ValueLayout.JAVA_INT, r, KVM_MSR_FILTER_WRITE);
                filter.set(ValueLayout.JAVA_INT, r + 4, 1);
                filter.set(ValueLayout.JAVA_INT, r + 8, msrs[i]);
                filter.set(ValueLayout.JAVA_LONG, r + 0x10, bitmap.address());
            }
            Native.ioctl(fd, "KVM_X86_SET_MSR_FILTER", KvmIoctl.KVM_X86_SET_MSR_FILTER, filter);
        }
    }

    /** KVM_GET_CLOCK: the VM's kvmclock now (and host realtime when KVM reports it). */
    public KvmClockData clock() throws KvmException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(0x30, 8);
            Native.ioctl(fd, "KVM_GET_CLOCK", KvmIoctl.KVM_GET_CLOCK, data);
            return new KvmClockData(
                    data.get(ValueLayout.JAVA_LONG, 0),
                    data.get(ValueLayout.JAVA_INT, 8),
                    data.get(ValueLayout.JAVA_LONG, 0x10));
        }
    }

    /** KVM_IRQ_LINE {u32 irq, u32 level}: drives an interrupt line of the in-kernel PIC/IOAPIC. */
    public void irqLine(int irq, boolean high) throws KvmException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment level = arena.allocate(8, 4);
            level.set(ValueLayout.JAVA_INT, 0, irq);
            level.set(ValueLayout.JAVA_INT, 4, high ? 1 : 0);
            Native.ioctl(fd, "KVM_IRQ_LINE", KvmIoctl.KVM_IRQ_LINE, level);
        }
    }

    /** KVM_CREATE_VCPU and the mmap of its kvm_run area. */
    public KvmVcpu createVcpu(int id) throws KvmException {
        int vcpuFd = Native.ioctl(fd, "KVM_CREATE_VCPU", KvmIoctl.KVM_CREATE_VCPU, id);
        try {
            MemorySegment run = Native.mmap(
                    kvm.vcpuMmapSize(), Native.PROT_READ | Native.PROT_WRITE, Native.MAP_SHARED, vcpuFd, "kvm_run");
            KvmVcpu vcpu = new KvmVcpu(vcpuFd, run);
            vcpus.add(vcpu);
            return vcpu;
        } catch (KvmException e) {
            Native.close(vcpuFd);
            throw e;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (KvmVcpu v : vcpus) {
            v.close();
        }
        Native.close(fd);
        for (MemorySegment m : mappings) {
            Native.munmap(m);
        }
        filterArena.close();
    }
}
