package io.wallsync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each reason the TSC is refused, on fake sysfs and cpuinfo files; and that a refusal loads nothing. */
class CounterSupportTest {
    /** Abridged flags of an x86_64 KVM guest (this machine's /proc/cpuinfo, other flags left out). */
    private static final String GOOD_FLAGS = "fpu tsc msr rdtscp constant_tsc nonstop_tsc tsc_known_freq hypervisor";

    @TempDir
    Path tmp;

    private CounterSupport.Host host(String osArch, String clocksource, String... cpuFlags) throws IOException {
        Path cs = tmp.resolve("current_clocksource");
        Files.writeString(cs, clocksource + "\n"); // sysfs ends the name with a newline
        StringBuilder cpuinfo = new StringBuilder();
        for (int cpu = 0; cpu < cpuFlags.length; cpu++) {
            cpuinfo.append("processor\t: ")
                    .append(cpu)
                    .append("\nvendor_id\t: AuthenticAMD\nflags\t\t: ")
                    .append(cpuFlags[cpu])
                    .append("\nbugs\t\t: sysret_ss_attrs\n\n");
        }
        Path ci = tmp.resolve("cpuinfo");
        Files.writeString(ci, cpuinfo);
        return new CounterSupport.Host(osArch, cs, ci);
    }

    @Test
    void aHostWithTscClocksourceAndConstantNonstopTscOnEveryCpuIsUsable() throws Exception {
        CounterSupport s = CounterSupport.ofHost(host("amd64", "tsc", GOOD_FLAGS, GOOD_FLAGS));
        assertThat(s.usable()).isTrue();
        assertThat(s.reason()).isEqualTo("os.arch amd64, clocksource tsc, constant_tsc and nonstop_tsc on all 2 CPUs");
        assertThat(CounterSupport.ofHost(host("x86_64", "tsc", GOOD_FLAGS)).usable())
                .isTrue();
    }

    @Test
    void anotherArchitectureIsRefusedWithoutLookingAtAnyFile() throws Exception {
        Path absent = tmp.resolve("absent");
        CounterSupport s = CounterSupport.ofHost(new CounterSupport.Host("aarch64", absent, absent));
        assertThat(s.usable()).isFalse();
        assertThat(s.reason()).isEqualTo("os.arch is aarch64, not amd64/x86_64: there is no TSC to read");
    }

    @Test
    void aClocksourceOtherThanTscIsRefusedNamingIt() throws Exception {
        CounterSupport s = CounterSupport.ofHost(host("amd64", "kvm-clock", GOOD_FLAGS));
        assertThat(s.usable()).isFalse();
        assertThat(s.reason()).startsWith("the kernel's clocksource is kvm-clock, not tsc (" + tmp);
        assertThat(CounterSupport.ofHost(host("amd64", "hpet", GOOD_FLAGS)).reason())
                .contains("clocksource is hpet");
        assertThat(CounterSupport.ofHost(host("amd64", "", GOOD_FLAGS)).reason())
                .contains("clocksource is empty");
    }

    @Test
    void noSysfsIsARefusalNotACrash() throws Exception {
        CounterSupport.Host h = host("amd64", "tsc", GOOD_FLAGS);
        Path absent = tmp.resolve("no-sysfs/current_clocksource");
        CounterSupport s = CounterSupport.ofHost(new CounterSupport.Host("amd64", absent, h.cpuinfo()));
        assertThat(s.usable()).isFalse();
        assertThat(s.reason())
                .isEqualTo("cannot tell the kernel's clocksource: " + absent + " does not exist (no sysfs here?)");
    }

    @Test
    void noCpuinfoOrNoFlagsLineIsRefused() throws Exception {
        CounterSupport.Host h = host("amd64", "tsc", GOOD_FLAGS);
        Path absent = tmp.resolve("no-proc/cpuinfo");
        assertThat(CounterSupport.ofHost(new CounterSupport.Host("amd64", h.currentClocksource(), absent))
                        .reason())
                .isEqualTo("cannot tell the TSC's properties: " + absent + " does not exist");
        // An arm64 cpuinfo has "Features", not "flags"; "flags_extra" is not "flags" either.
        Files.writeString(
                h.cpuinfo(), "processor\t: 0\nFeatures\t: fp asimd\nflags_extra\t: constant_tsc nonstop_tsc\n");
        CounterSupport s = CounterSupport.ofHost(h);
        assertThat(s.usable()).isFalse();
        assertThat(s.reason()).startsWith("no flags line in " + h.cpuinfo());
    }

    @Test
    void aCpuWithoutConstantTscIsRefusedNamingTheCpuAndTheFlag() throws Exception {
        CounterSupport s =
                CounterSupport.ofHost(host("amd64", "tsc", "fpu tsc nonstop_tsc", GOOD_FLAGS)); // CPU 0 lacks it
        assertThat(s.usable()).isFalse();
        assertThat(s.reason()).startsWith("CPU 0 has no constant_tsc in ").endsWith("may follow the CPU frequency");
    }

    @Test
    void aCpuWithoutNonstopTscIsRefusedEvenIfTheOthersHaveIt() throws Exception {
        CounterSupport s =
                CounterSupport.ofHost(host("amd64", "tsc", GOOD_FLAGS, "fpu tsc constant_tsc")); // CPU 1 lacks it
        assertThat(s.usable()).isFalse();
        assertThat(s.reason()).startsWith("CPU 1 has no nonstop_tsc in ").endsWith("may stop in deep C-states");
        // A flag that merely contains the name is not the flag.
        assertThat(CounterSupport.ofHost(host("amd64", "tsc", "constant_tsc nonstop_tsc_s3"))
                        .reason())
                .startsWith("CPU 0 has no nonstop_tsc");
    }

    @Test
    void theCpuidBitMustAgreeWithTheKernel() throws Exception {
        CounterSupport files = CounterSupport.ofHost(host("amd64", "tsc", GOOD_FLAGS));
        CounterSupport clear = files.withCpuidInvariant(false);
        assertThat(clear.usable()).isFalse();
        assertThat(clear.reason()).startsWith("CPUID 0x80000007 EDX bit 8 (invariant TSC) is clear");
        CounterSupport set = files.withCpuidInvariant(true);
        assertThat(set.usable()).isTrue();
        assertThat(set.reason()).endsWith(", CPUID invariant TSC");
        // A refusal stays the refusal it was: the first failed check is the reason.
        CounterSupport arch = CounterSupport.ofHost(new CounterSupport.Host("riscv64", tmp, tmp));
        assertThat(arch.withCpuidInvariant(true)).isEqualTo(arch);
    }

    @Test
    void aFileThatExistsButCannotBeReadIsABrokenEnvironment() throws Exception {
        CounterSupport.Host h = host("amd64", "tsc", GOOD_FLAGS);
        Path directory = Files.createDirectory(tmp.resolve("a-directory"));
        assertThatThrownBy(() -> CounterSupport.ofHost(new CounterSupport.Host("amd64", directory, h.cpuinfo())))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aRefusedHostGetsNoCounterAndNothingIsExtracted() throws Exception {
        Path cache = tmp.resolve("cache");
        TscCounter.Availability a =
                TscCounter.open(16, host("amd64", "kvm-clock", GOOD_FLAGS), Map.of("XDG_CACHE_HOME", cache.toString()));
        assertThat(a).isInstanceOf(TscCounter.Unavailable.class);
        assertThat(((TscCounter.Unavailable) a).reason()).startsWith("the kernel's clocksource is kvm-clock");
        assertThat(a.optionalCounter()).isEmpty();
        assertThat(cache).doesNotExist();
    }

    @Test
    void aHelperBuiltWithoutTscSupportIsABrokenEnvironmentNamedAsSuch() throws Exception {
        // The helper as other architectures get it (WALLSYNC_COUNTER_UNSUPPORTED forces that
        // branch here), with build.sh's flags; its functions answer -EOPNOTSUPP (95 on Linux).
        Path lib = tmp.resolve("libwallsync-counter.so");
        Process gcc = new ProcessBuilder(
                        "gcc",
                        "-std=c11",
                        "-O2",
                        "-Wall",
                        "-Wextra",
                        "-Werror",
                        "-fPIC",
                        "-shared",
                        "-fvisibility=hidden",
                        "-DWALLSYNC_COUNTER_UNSUPPORTED",
                        Path.of("../native/counter/wallsync_counter.c").toString(),
                        "-o",
                        lib.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(gcc.getInputStream().readAllBytes());
        assertThat(gcc.waitFor()).as(output).isZero();
        assertThatThrownBy(() -> TscCounter.open(16, host("amd64", "tsc", GOOD_FLAGS), () -> lib))
                .isInstanceOf(IOException.class)
                .hasMessage("the TSC helper " + lib + " was built without TSC support (it answers errno 95)"
                        + " although os.arch is amd64: a library built for another architecture; rebuild it with"
                        + " native/counter/build.sh");
    }

    @Test
    void aHelperTheLoaderRefusesIsABrokenEnvironment() throws Exception {
        Path notElf = Files.writeString(tmp.resolve("libwallsync-counter.so"), "not an ELF file");
        assertThatThrownBy(() -> TscCounter.open(16, host("amd64", "tsc", GOOD_FLAGS), () -> notElf))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot load the TSC helper " + notElf + ": ");
    }

    @Test
    void triesOutsideOneToAThousandAreRefusedBeforeTheHostIsExamined() throws Exception {
        Path absent = tmp.resolve("absent");
        for (int bad : new int[] {0, -1, 1001, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> TscCounter.open(bad, new CounterSupport.Host("amd64", absent, absent), Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tries must be 1..1000 bracketed readings per pairing, got " + bad);
        }
        assertThatThrownBy(() -> TscCounter.open(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
