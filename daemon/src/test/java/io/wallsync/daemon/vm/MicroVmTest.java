package io.wallsync.daemon.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wallsync.adapters.kvm.Kvm;
import io.wallsync.core.rtc.RtcFlavor;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real guests on real vCPUs (/dev/kvm; skipped where it is missing). Guest code runs about 1000x
 * slower than native on this machine's software KVM, so each guest is a few thousand instructions.
 */
class MicroVmTest {
    private static final long NS = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    /** A domain 3600 s ahead of the host's realtime; RTC writes move its offset. */
    static final class FakeDomain implements DomainClock {
        final AtomicLong offsetSeconds;

        FakeDomain(long offsetSeconds) {
            this.offsetSeconds = new AtomicLong(offsetSeconds);
        }

        @Override
        public long wallNs() {
            Instant now = Instant.now();
            return (now.getEpochSecond() + offsetSeconds.get()) * NS + now.getNano();
        }

        @Override
        public void moveOffset(long deltaSeconds) {
            offsetSeconds.addAndGet(deltaSeconds);
        }
    }

    @BeforeAll
    static void needsKvm() {
        String why = Kvm.unavailableReason();
        assumeTrue(why == null, () -> "skipped: KVM tests need /dev/kvm: " + why);
    }

    private static VmReport boot(String guest, byte[] image, String cmdline, Duration timeout, DomainClock domain)
            throws Exception {
        VmConfig config = new VmConfig(guest, image, cmdline, 64L << 20, timeout, RtcFlavor.XEN);
        return MicroVm.run(config, domain, new ByteArrayOutputStream());
    }

    private static VmReport probe(DomainClock domain) throws Exception {
        return boot(Guests.WALLCLOCK_PROBE, Guests.builtIn(Guests.WALLCLOCK_PROBE), "", Duration.ofSeconds(60), domain);
    }

    private static long cmosEpochSeconds(VmReport r) {
        return LocalDateTime.parse(r.value("cmos")).toEpochSecond(ZoneOffset.UTC);
    }

    @Test
    void theProbeInADomainAnHourAheadReadsTheDomainTimeFromCmosAndFromTheKvmWallClock() throws Exception {
        FakeDomain domain = new FakeDomain(3600);
        VmReport r = probe(domain);

        assertThat(r.outcome()).as(r.console()).isInstanceOf(VmOutcome.Reset.class);
        assertThat(r.unknownPortAccesses()).isZero();
        // kvm wall clock: the guest computed it between the wall-clock MSR exit (domain time W0,
        // recorded by the VMM) and the first byte of its line (domain time W1): W0 <= X <= W1, and
        // with 1 ms slack for the kvmclock/domain-clock pairing.
        long kvmWallNs = Long.parseLong(r.value("kvm_wall_ns"));
        assertThat(r.wallClockWrites()).hasSize(1);
        long w0 = r.wallClockWrites().getFirst();
        long w1 = r.line("kvm_wall_ns").domainWallNs();
        assertThat(kvmWallNs).isBetween(w0 - MS, w1 + MS);
        // ...and it is the domain's time, an hour ahead of the host.
        assertThat(kvmWallNs - Instant.now().getEpochSecond() * NS).isBetween(3590 * NS, 3601 * NS);
        // CMOS: whole seconds, read before the line's first byte: within 1 s of the domain's time there.
        long cmosNs = cmosEpochSeconds(r) * NS;
        assertThat(cmosNs)
                .isBetween(
                        r.line("cmos").domainWallNs() - NS - 100 * MS,
                        r.line("cmos").domainWallNs());
    }

    @Test
    void rtcSetMovesTheDomainOffsetAndTheNextProbeSeesTheNewDate() throws Exception {
        FakeDomain domain = new FakeDomain(3600);
        String target = "2031-05-06T07:08:09";
        long targetS = LocalDateTime.parse(target).toEpochSecond(ZoneOffset.UTC);
        long before = domain.wallNs() / NS;
        VmReport set = boot(
                Guests.RTC_SET,
                Guests.builtIn(Guests.RTC_SET),
                "console=ttyS0 " + target,
                Duration.ofSeconds(60),
                domain);
        long after = domain.wallNs() / NS - domain.offsetSeconds.get() + 3600; // the unmoved domain time now

        assertThat(set.outcome()).as(set.console()).isInstanceOf(VmOutcome.Reset.class);
        assertThat(set.value("rtc_set")).isEqualTo(target);
        // Xen's rtc_set_time: offset += (new date - the date the RTC showed), whole seconds.
        long moved = set.offsetMovedSeconds();
        assertThat(domain.offsetSeconds.get()).isEqualTo(3600 + moved);
        assertThat(moved).isBetween(targetS - after - 1, targetS - before + 1);

        VmReport r = probe(domain);
        long cmos = cmosEpochSeconds(r);
        // The domain now runs from the written date: the probe's CMOS reads it plus the time since,
        // less up to 1 s: the offset moves by whole seconds (floor of the change) and the sub-second
        // rest stayed in the first VM's device (Mc146818Rtc.setTime), not in the domain.
        assertThat(cmos).isBetween(targetS - 1, targetS + (domain.wallNs() / NS - targetS) + 1);
        assertThat(cmos * NS)
                .isBetween(
                        r.line("cmos").domainWallNs() - NS - 100 * MS,
                        r.line("cmos").domainWallNs());
        assertThat(Long.parseLong(r.value("kvm_wall_ns")) / NS).isBetween(targetS - 1, cmos + 1);
    }

    @Test
    void aGuestRunningAnUnsupportedInstructionEndsWithEmulationFailureRipAndBytes() throws Exception {
        VmReport r =
                boot("int3", Guests.resource(MicroVmTest.class, "int3"), "", Duration.ofSeconds(60), new FakeDomain(0));

        // Before int3 the guest read port 0x99, which has no device: 0xFF, counted once.
        assertThat(r.value("port_0x99")).isEqualTo("255");
        assertThat(r.unknownPorts()).containsEntry(0x99, 1);
        assertThat(r.outcome()).isInstanceOf(VmOutcome.EmulationFailure.class);
        VmOutcome.EmulationFailure f = (VmOutcome.EmulationFailure) r.outcome();
        assertThat(f.suberror()).isEqualTo(1); // KVM_INTERNAL_ERROR_EMULATION
        assertThat(f.bytes()[0]).isEqualTo((byte) 0xcc); // int3
        assertThat(f.exitCode()).isEqualTo(VmOutcome.EXIT_EMULATION_FAILURE);
        assertThat(f.describe())
                .contains("KVM_EXIT_INTERNAL_ERROR (17)")
                .contains(String.format("rip 0x%x", f.rip()))
                .contains("bytes cc ");
    }

    @Test
    void thePeriodicInterruptFlagRaisesIrq8ThroughKvmIrqLine() throws Exception {
        VmReport r = boot(
                "rtc-irq",
                Guests.resource(MicroVmTest.class, "rtc-irq"),
                "",
                Duration.ofSeconds(60),
                new FakeDomain(0));

        assertThat(r.outcome()).as(r.console()).isInstanceOf(VmOutcome.Reset.class);
        // Register C as the guest read it: IRQF 0x80 | PF 0x40 = 0xc0 = 192 (UF/AF off: UIE, AIE clear).
        assertThat(r.value("reg_c")).isEqualTo("192");
        assertThat(r.irq8Raises()).isPositive();
    }

    @Test
    void aGuestThatNeverResetsIsStoppedAtTheTimeout() throws Exception {
        Duration timeout = Duration.ofMillis(1500);
        VmReport r = boot("spin", Guests.resource(MicroVmTest.class, "spin"), "", timeout, new FakeDomain(0));

        assertThat(r.console()).isEqualTo("spin: looping forever\n");
        assertThat(r.outcome()).isEqualTo(new VmOutcome.TimedOut(timeout));
        assertThat(r.outcome().exitCode()).isEqualTo(VmOutcome.EXIT_TIMEOUT);
        assertThat(r.runNs()).isGreaterThanOrEqualTo(timeout.toNanos());
    }

    @Test
    void aCorruptElfIsRefusedBeforeAnyVmIsCreated() throws Exception {
        byte[] probe = Guests.builtIn(Guests.WALLCLOCK_PROBE);
        byte[] truncated = Arrays.copyOf(probe, 0x800); // program headers intact, code segment at 0x1000 cut
        assertThatThrownBy(() -> boot("cut.elf", truncated, "", Duration.ofSeconds(5), new FakeDomain(0)))
                .isInstanceOf(BadGuestException.class)
                .hasMessageContaining("guest cut.elf is not a loadable x86-64 ELF")
                .hasMessageContaining("beyond the file's 2048 bytes (truncated?)");
    }
}
