package io.wallsync.adapters.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The KVM system file descriptor ({@code /dev/kvm}). */
public final class Kvm implements AutoCloseable {
    /** The only KVM API version there has ever been (KVM_API_VERSION). */
    public static final int KVM_API_VERSION = 12;

    public static final Path DEVICE = Path.of("/dev/kvm");

    public static final int KVM_CAP_IRQCHIP = 0;
    public static final int KVM_CAP_IMMEDIATE_EXIT = 136;
    public static final int KVM_CAP_X86_USER_SPACE_MSR = 188;
    public static final int KVM_CAP_X86_MSR_FILTER = 189;

    /** Entries asked for in KVM_GET_SUPPORTED_CPUID; E2BIG would say it is too few. */
    private static final int MAX_CPUID_ENTRIES = 256;

    private final int fd;
    private boolean closed;

    private Kvm(int fd) {
        this.fd = fd;
    }

    /**
     * Opens {@code /dev/kvm} and checks the API version.
     *
     * @throws KvmException naming the errno (ENOENT: no KVM here; EACCES: not in group kvm)
     */
    public static Kvm open() throws KvmException {
        int fd = Native.open(DEVICE.toString(), Native.O_RDWR | Native.O_CLOEXEC);
        Kvm kvm = new Kvm(fd);
        int version = Native.ioctl(fd, "KVM_GET_API_VERSION", KvmIoctl.KVM_GET_API_VERSION, 0);
        if (version != KVM_API_VERSION) {
            kvm.close();
            throw new KvmException("KVM_GET_API_VERSION is " + version + ", expected " + KVM_API_VERSION);
        }
        return kvm;
    }

    /** Why KVM cannot be used here, or null when {@code /dev/kvm} opens. For skipping tests. */
    public static String unavailableReason() {
        if (!Files.exists(DEVICE)) {
            return DEVICE + " does not exist (no KVM on this machine)";
        }
        try (Kvm kvm = open()) {
            return null;
        } catch (KvmException e) {
            return "cannot use " + DEVICE + ": " + e.getMessage();
        }
    }

    /** KVM_CHECK_EXTENSION: 0 when the capability is missing, else its value. */
    public int checkExtension(int capability) throws KvmException {
        return Native.ioctl(fd, "KVM_CHECK_EXTENSION(" + capability + ")", KvmIoctl.KVM_CHECK_EXTENSION, capability);
    }

    /** KVM_GET_VCPU_MMAP_SIZE: bytes to map of a vCPU fd (kvm_run and the pages after it). */
    public int vcpuMmapSize() throws KvmException {
        return Native.ioctl(fd, "KVM_GET_VCPU_MMAP_SIZE", KvmIoctl.KVM_GET_VCPU_MMAP_SIZE, 0);
    }

    /** KVM_GET_SUPPORTED_CPUID: what this KVM can show a guest. */
    public List<CpuidEntry> supportedCpuid() throws KvmException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8L + (long) MAX_CPUID_ENTRIES * CpuidEntry.SIZE, 8);
            buf.set(ValueLayout.JAVA_INT, 0, MAX_CPUID_ENTRIES);
            Native.ioctl(fd, "KVM_GET_SUPPORTED_CPUID", KvmIoctl.KVM_GET_SUPPORTED_CPUID, buf);
            int n = buf.get(ValueLayout.JAVA_INT, 0);
            List<CpuidEntry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long o = 8L + (long) i * CpuidEntry.SIZE;
                entries.add(new CpuidEntry(
                        buf.get(ValueLayout.JAVA_INT, o),
                        buf.get(ValueLayout.JAVA_INT, o + 4),
                        buf.get(ValueLayout.JAVA_INT, o + 8),
                        buf.get(ValueLayout.JAVA_INT, o + 0xc),
                        buf.get(ValueLayout.JAVA_INT, o + 0x10),
                        buf.get(ValueLayout.JAVA_INT, o + 0x14),
                        buf.get(ValueLayout.JAVA_INT, o + 0x18)));
            }
            return entries;
        }
    }

    /** KVM_CREATE_VM (type 0). */
    public KvmVm createVm() throws KvmException {
        int vmFd = Native.ioctl(fd, "KVM_CREATE_VM", KvmIoctl.KVM_CREATE_VM, 0);
        return new KvmVm(this, vmFd);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.close(fd);
        }
    }
}
