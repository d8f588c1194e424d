package io.wallsync.adapters.kvm;

/**
 * One struct kvm_cpuid_entry2 (0x28 bytes): function +0, index +4, flags +8, eax +0xc, ebx +0x10,
 * ecx +0x14, edx +0x18, padding to 0x28.
 */
public record CpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {
    static final int SIZE = 0x28;

    public CpuidEntry withEax(int v) {
        return new CpuidEntry(function, index, flags, v, ebx, ecx, edx);
    }

    public CpuidEntry withEcx(int v) {
        return new CpuidEntry(function, index, flags, eax, ebx, v, edx);
    }
}
