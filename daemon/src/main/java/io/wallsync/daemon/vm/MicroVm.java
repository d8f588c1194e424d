package io.wallsync.daemon.vm;

import io.wallsync.adapters.kvm.CpuidEntry;
import io.wallsync.adapters.kvm.Kvm;
import io.wallsync.adapters.kvm.KvmClockData;
import io.wallsync.adapters.kvm.KvmException;
import io.wallsync.adapters.kvm.KvmExit;
import io.wallsync.adapters.kvm.KvmVcpu;
import io.wallsync.adapters.kvm.KvmVm;
import io.wallsync.core.kvm.PvclockWallClock;
import io.wallsync.core.rtc.Mc146818;
import io.wallsync.core.rtc.Mc146818Rtc;
import io.wallsync.core.rtc.RtcIrqListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One KVM virtual machine with one vCPU, booted like a Linux vmlinux, whose wall clock is its
 * domain's: the wiring of the KVM adapter, the loader and the devices.
 *
 * <pre>
 *  ports        device
 *  0x3f8-0x3ff  8250 UART (console; output copied to the sink)
 *  0x70, 0x71   MC146818 RTC of the core, time = the domain's wallclock, IRQ 8 via KVM_IRQ_LINE
 *  0x60, 0x64   i8042: status reads 0; 0x64 &lt;- 0xFE resets (ends the VM)
 *  other        read 0xFF, writes dropped; each access counted
 *  MSR write 0x4b564d00 (MSR_KVM_WALL_CLOCK_NEW) and 0x11 (MSR_KVM_WALL_CLOCK): the VMM writes
 *               struct pvclock_wall_clock at the guest address as kvm_write_wall_clock does, from
 *               the domain's wallclock instead of host realtime
 * </pre>
 *
 * CPUID is KVM_GET_SUPPORTED_CPUID with CX16 and XSAVE/OSXSAVE hidden (this machine's KVM cannot
 * emulate cmpxchg16b or xrstor) and KVM_FEATURE_CLOCKSOURCE2 advertised.
 */
public final class MicroVm {
    /** MSR_KVM_WALL_CLOCK_NEW (arch/x86/include/uapi/asm/kvm_para.h). */
    public static final int MSR_KVM_WALL_CLOCK_NEW = 0x4b564d00;
    /** MSR_KVM_WALL_CLOCK, the pre-CLOCKSOURCE2 number. */
    public static final int MSR_KVM_WALL_CLOCK = 0x11;
    /** Where guests are loaded from at the lowest (below: boot structures and the ISA hole). */
    public static final long LOWEST_LOAD = 0x100000;

    static final int I8042_DATA = 0x60;
    static final int I8042_COMMAND = 0x64;
    static final int I8042_PULSE_RESET = 0xfe;
    static final long TSS_ADDR = 0xfffbd000L;
    static final int CPUID_CX16 = 1 << 13;
    static final int CPUID_XSAVE = 1 << 26;
    static final int CPUID_OSXSAVE = 1 << 27;
    static final int KVM_CPUID_SIGNATURE = 0x40000000;
    static final int KVM_CPUID_FEATURES = 0x40000001;
    static final int KVM_FEATURE_CLOCKSOURCE2 = 1 << 3;
    static final int APIC_LVT_EXTINT = 0x700;
    static final int APIC_LVT_NMI = 0x400;
    static final int KVM_SYSTEM_EVENT_RESET = 2;
    private static final int RIP_BYTES = 16;
    /** At most this many KVM_GET_CLOCK brackets around the wall read... */
    private static final int CLOCK_PAIR_TRIES = 8;
    /** ...stopping at the first no wider than this. */
    private static final long CLOCK_PAIR_GOOD_NS = 50_000;

    private static final long NS_PER_S = 1_000_000_000L;

    private final VmConfig config;
    private final DomainClock domain;
    private final OutputStream sink;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final StringBuilder line = new StringBuilder();
    private long lineStartWallNs;
    private final List<VmReport.ConsoleLine> lines = new ArrayList<>();
    private final List<Long> wallClockWrites = new ArrayList<>();
    private final Map<Integer, Integer> unknownPorts = new TreeMap<>();
    private boolean resetRequested;
    private long irq8Raises;

    private MicroVm(VmConfig config, DomainClock domain, OutputStream sink) {
        this.config = config;
        this.domain = domain;
        this.sink = sink;
    }

    /**
     * Boots {@code config}'s guest and runs it until it resets, fails or times out. Guest serial
     * output is copied to {@code sink} as it comes.
     *
     * @throws BadGuestException if the image is not a loadable ELF (nothing was run)
     * @throws KvmException if KVM refused to set up or run the VM (with the errno's name)
     */
    public static VmReport run(VmConfig config, DomainClock domain, OutputStream sink)
            throws BadGuestException, KvmException {
        ElfImage image = ElfImage.parse(config.guestName(), config.image(), LOWEST_LOAD, config.memoryBytes());
        return new MicroVm(config, domain, sink).boot(image);
    }

    private VmReport boot(ElfImage image) throws KvmException {
        long t0 = System.nanoTime();
        try (Kvm kvm = Kvm.open();
                KvmVm vm = kvm.createVm()) {
            vm.setTssAddr(TSS_ADDR);
            vm.createIrqchip();
            vm.createPit2();
            MemorySegment memory = vm.addMemory(0, 0, config.memoryBytes());
            vm.trapMsrWrites(MSR_KVM_WALL_CLOCK_NEW, MSR_KVM_WALL_CLOCK);
            KvmVcpu vcpu = vm.createVcpu(0);
            vcpu.setCpuid(guestCpuid(kvm.supportedCpuid()));
            image.loadInto(memory);
            BootParams.write(memory, config.memoryBytes(), config.cmdline(), 0, 0);
            LongMode.writeTables(memory);
            LongMode.enter(vcpu, image.entry());
            vcpu.setLapicLvt(APIC_LVT_EXTINT, APIC_LVT_NMI);
            VmRtcTimeBase rtcTime = new VmRtcTimeBase(domain);
            Mc146818Rtc rtc = new Mc146818Rtc(config.rtcFlavor(), rtcTime, irq8(vm));

            ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "vm-watchdog");
                t.setDaemon(true);
                return t;
            });
            long t1 = System.nanoTime();
            VmOutcome outcome;
            long exits = 0;
            try {
                watchdog.schedule(vcpu::kick, config.timeout().toNanos(), TimeUnit.NANOSECONDS);
                while (true) {
                    int reason = vcpu.run();
                    if (reason < 0) {
                        outcome = new VmOutcome.TimedOut(config.timeout());
                        break;
                    }
                    exits++;
                    VmOutcome end = serve(reason, vcpu, vm, memory, rtc);
                    if (end != null) {
                        outcome = end;
                        break;
                    }
                }
            } finally {
                // A kick still running must finish before the vCPU's kvm_run is unmapped below.
                watchdog.shutdownNow();
                awaitQuietly(watchdog);
            }
            long t2 = System.nanoTime();
            if (!line.isEmpty()) {
                lines.add(new VmReport.ConsoleLine(line.toString(), lineStartWallNs));
            }
            flushSink();
            return new VmReport(
                    outcome,
                    console.toString(StandardCharsets.ISO_8859_1),
                    List.copyOf(lines),
                    List.copyOf(wallClockWrites),
                    Map.copyOf(unknownPorts),
                    exits,
                    t1 - t0,
                    t2 - t1,
                    rtcTime.offsetMovedSeconds(),
                    irq8Raises);
        }
    }

    private static void awaitQuietly(ScheduledExecutorService watchdog) {
        boolean interrupted = false;
        while (true) {
            try {
                if (watchdog.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Serves one exit; returns the outcome when the VM ends. */
    private VmOutcome serve(int reason, KvmVcpu vcpu, KvmVm vm, MemorySegment memory, Mc146818Rtc rtc)
            throws KvmException {
        KvmExit exit = KvmExit.of(reason);
        switch (exit) {
            case IO -> {
                rtc.runDueTimers();
                io(vcpu, rtc);
                return resetRequested ? new VmOutcome.Reset("i8042 0x64 <- 0xfe") : null;
            }
            case MMIO -> {
                unknownPorts.merge(-1, 1, Integer::sum);
                if (!vcpu.mmioIsWrite()) {
                    vcpu.mmioFill(0xff);
                }
                return null;
            }
            case X86_WRMSR -> {
                int msr = vcpu.msrIndex();
                if (msr == MSR_KVM_WALL_CLOCK_NEW || msr == MSR_KVM_WALL_CLOCK) {
                    vcpu.msrError(!writeWallClock(vm, memory, vcpu.msrData()));
                } else {
                    vcpu.msrError(true);
                }
                return null;
            }
            case X86_RDMSR -> {
                vcpu.msrError(true);
                return null;
            }
            case INTERNAL_ERROR -> {
                long rip = vcpu.rip();
                byte[] bytes = new byte[0];
                if (rip >= 0 && rip < config.memoryBytes()) {
                    bytes = memory.asSlice(rip, Math.min(RIP_BYTES, config.memoryBytes() - rip))
                            .toArray(ValueLayout.JAVA_BYTE);
                }
                return new VmOutcome.EmulationFailure(vcpu.internalSuberror(), rip, bytes);
            }
            case SYSTEM_EVENT -> {
                int type = vcpu.systemEventType();
                return type == KVM_SYSTEM_EVENT_RESET
                        ? new VmOutcome.Reset("KVM_SYSTEM_EVENT_RESET")
                        : new VmOutcome.Failed(KvmExit.describe(reason) + " type " + type);
            }
            case SHUTDOWN -> {
                return new VmOutcome.Failed(String.format(
                        "%s: the guest triple-faulted at rip 0x%x", KvmExit.describe(reason), vcpu.rip()));
            }
            case FAIL_ENTRY -> {
                return new VmOutcome.Failed(String.format(
                        "%s: hardware entry failure reason 0x%x", KvmExit.describe(reason), vcpu.failEntryReason()));
            }
            default -> {
                return new VmOutcome.Failed(String.format(
                        "%s at rip 0x%x: an exit this VMM does not serve", KvmExit.describe(reason), vcpu.rip()));
            }
        }
    }

    private void io(KvmVcpu vcpu, Mc146818Rtc rtc) {
        boolean out = vcpu.ioIsOut();
        int size = vcpu.ioSize();
        int port = vcpu.ioPort();
        // A multi-byte access splits into bytes at consecutive ports, as QEMU's memory core does.
        for (int k = 0; k < vcpu.ioCount(); k++) {
            for (int i = 0; i < size; i++) {
                int p = port + i;
                int at = k * size + i;
                if (out) {
                    outb(p, vcpu.ioByte(at), rtc);
                } else {
                    vcpu.ioByte(at, inb(p, rtc));
                }
            }
        }
    }

    private int inb(int port, Mc146818Rtc rtc) {
        if (Uart8250.owns(port)) {
            return uart.inb(port);
        }
        if (port == Mc146818.INDEX_PORT || port == Mc146818.DATA_PORT) {
            return rtc.inb(port);
        }
        if (port == I8042_DATA || port == I8042_COMMAND) {
            return 0; // output and input buffers empty
        }
        unknownPorts.merge(port, 1, Integer::sum);
        return 0xff;
    }

    private void outb(int port, int value, Mc146818Rtc rtc) {
        if (Uart8250.owns(port)) {
            uart.outb(port, value);
        } else if (port == Mc146818.INDEX_PORT || port == Mc146818.DATA_PORT) {
            rtc.outb(port, value);
        } else if (port == I8042_COMMAND) {
            if (value == I8042_PULSE_RESET) {
                resetRequested = true;
            }
        } else if (port != I8042_DATA) {
            unknownPorts.merge(port, 1, Integer::sum);
        }
    }

    private final Uart8250 uart = new Uart8250(this::consoleByte);

    private void consoleByte(int b) {
        if (line.isEmpty()) {
            lineStartWallNs = domain.wallNs();
        }
        console.write(b);
        try {
            sink.write(b);
            if (b == '\n') {
                sink.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the guest console", e);
        }
        if (b == '\n') {
            lines.add(new VmReport.ConsoleLine(line.toString(), lineStartWallNs));
            line.setLength(0);
        } else {
            line.append((char) b);
        }
    }

    private void flushSink() {
        try {
            sink.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the guest console", e);
        }
    }

    /**
     * kvm_write_wall_clock (arch/x86/kvm/x86.c) with the domain's wallclock in place of host
     * realtime: version made odd, {sec, nsec} = wall time at kvmclock 0, version made even. The
     * kvmclock is read on both sides of the wallclock read and the midpoint of the tightest bracket
     * used.
     *
     * @return false if the structure is not inside guest memory
     */
    private boolean writeWallClock(KvmVm vm, MemorySegment memory, long gpa) throws KvmException {
        if (gpa < 0 || gpa > config.memoryBytes() - PvclockWallClock.SIZE) {
            return false;
        }
        // Pair the domain's wall time with the kvmclock: bracket the wall read by two KVM_GET_CLOCKs
        // and keep the tightest of a few tries (a preempted try has a wide bracket), using its midpoint.
        long wallNs = 0;
        long kvmclockNs = 0;
        long bestSpreadNs = Long.MAX_VALUE;
        for (int i = 0; i < CLOCK_PAIR_TRIES && bestSpreadNs > CLOCK_PAIR_GOOD_NS; i++) {
            KvmClockData before = vm.clock();
            long w = domain.wallNs();
            KvmClockData after = vm.clock();
            long spreadNs = after.clockNs() - before.clockNs();
            if (spreadNs < bestSpreadNs) {
                bestSpreadNs = spreadNs;
                wallNs = w;
                kvmclockNs = before.clockNs() + spreadNs / 2;
            }
        }
        long bootWallNs = wallNs - kvmclockNs;
        new PvclockWallClock(memory.asSlice(gpa, PvclockWallClock.SIZE))
                .write(Math.floorDiv(bootWallNs, NS_PER_S), (int) Math.floorMod(bootWallNs, NS_PER_S));
        wallClockWrites.add(wallNs);
        return true;
    }

    private RtcIrqListener irq8(KvmVm vm) {
        return new RtcIrqListener() {
            @Override
            public void raise() {
                line(true);
            }

            @Override
            public void lower() {
                line(false);
            }

            private void line(boolean high) {
                if (high) {
                    irq8Raises++;
                }
                try {
                    vm.irqLine(Mc146818.RTC_ISA_IRQ, high);
                } catch (KvmException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** The supported CPUID with CX16 and XSAVE hidden and KVM's CLOCKSOURCE2 advertised. */
    static List<CpuidEntry> guestCpuid(List<CpuidEntry> supported) {
        List<CpuidEntry> out = new ArrayList<>();
        boolean signature = false;
        boolean features = false;
        for (CpuidEntry e : supported) {
            if (e.function() == 1) {
                e = e.withEcx(e.ecx() & ~(CPUID_CX16 | CPUID_XSAVE | CPUID_OSXSAVE));
            } else if (e.function() == KVM_CPUID_SIGNATURE) {
                signature = true;
            } else if (e.function() == KVM_CPUID_FEATURES) {
                e = e.withEax(e.eax() | KVM_FEATURE_CLOCKSOURCE2);
                features = true;
            }
            out.add(e);
        }
        if (!signature) {
            // "KVMKVMKVM\0\0\0" in ebx, ecx, edx; eax = the highest KVM leaf.
            out.add(new CpuidEntry(KVM_CPUID_SIGNATURE, 0, 0, KVM_CPUID_FEATURES, 0x4b4d564b, 0x564b4d56, 0x4d));
        }
        if (!features) {
            out.add(new CpuidEntry(KVM_CPUID_FEATURES, 0, 0, KVM_FEATURE_CLOCKSOURCE2, 0, 0, 0));
        }
        return out;
    }
}
