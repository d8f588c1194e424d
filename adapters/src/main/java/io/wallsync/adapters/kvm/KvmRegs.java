package io.wallsync.adapters.kvm;

/**
 * The registers of struct kvm_regs (0x90 bytes: rax rbx rcx rdx rsi rdi rsp rbp r8..r15 rip rflags,
 * u64 each) a 64-bit entry sets; the others are zero.
 */
public record KvmRegs(long rsi, long rsp, long rip, long rflags) {
    static final long SIZE = 0x90;
    static final long RSI = 0x20;
    static final long RSP = 0x30;
    static final long RIP = 0x80;
    static final long RFLAGS = 0x88;
}
