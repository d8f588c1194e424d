package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wallsync.adapters.kvm.Kvm;
import io.wallsync.client.WallclockPage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wallsync vm run} end to end: a real {@code serve} in another JVM publishes domain
 * {@code g} at +3600 s, and each {@code vm run} (its own JVM, so its console is the process's
 * standard output byte for byte) boots a guest on /dev/kvm. Skipped where /dev/kvm is missing.
 */
class VmCommandTest {
    private static final long NS = 1_000_000_000L;

    @TempDir
    static Path tmp;

    private static Process serve;
    private static Path dir;

    record Run(int exitCode, String out, String err) {}

    @BeforeAll
    static void startServe() throws Exception {
        String why = Kvm.unavailableReason();
        assumeTrue(why == null, () -> "skipped: wallsync vm needs /dev/kvm: " + why);
        dir = tmp.resolve("pages");
        Path log = tmp.resolve("serve.log");
        serve = new ProcessBuilder(javaCommand("serve", "--dir", dir.toString(), "--domain", "g:3600"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + 30 * NS;
        while (!(Files.exists(log) && Files.readString(log).contains("control socket"))) {
            assertThat(System.nanoTime())
                    .as("serve did not start: " + (Files.exists(log) ? Files.readString(log) : ""))
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stopServe() throws Exception {
        if (serve != null) {
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> javaCommand(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Run vm(String... args) throws Exception {
        List<String> full = new ArrayList<>(List.of("vm", "run", "--dir", dir.toString(), "--domain", "g"));
        full.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "vm", ".out");
        Path err = Files.createTempFile(tmp, "vm", ".err");
        Process p = new ProcessBuilder(javaCommand(full.toArray(String[]::new)))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("vm run finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1), Files.readString(err));
    }

    /** In this JVM: for guests that print nothing (the console would go to this JVM's System.out). */
    private static CommandRunner inProcess(String... args) {
        List<String> full = new ArrayList<>(List.of("vm", "run", "--dir", dir.toString(), "--domain", "g"));
        full.addAll(List.of(args));
        return CommandRunner.run(full.toArray(String[]::new));
    }

    private static long domainNowNs() throws IOException {
        try (WallclockPage page = WallclockPage.open(dir.resolve("g.page"))) {
            return page.wallTimeNs();
        }
    }

    private static String value(String out, String key) {
        Matcher m = Pattern.compile("(?m)^" + key + "=(\\S+)$").matcher(out);
        assertThat(m.find()).as(key + " in " + out).isTrue();
        return m.group(1);
    }

    /**
     * A minimal x86-64 ELF: one PT_LOAD of the whole file at physical 1 MiB, code right after the
     * 64-byte header and the 56-byte program header (entry = 0x100000 + 120).
     */
    static byte[] elf(byte... code) {
        ByteBuffer b = ByteBuffer.allocate(120 + code.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 2).putShort((short) 62).putInt(1); // ET_EXEC, EM_X86_64, EV_CURRENT
        b.putLong(0x100000 + 120).putLong(64).putLong(0); // e_entry, e_phoff, e_shoff
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1); // flags, ehsize, phentsize, phnum
        b.putShort((short) 0).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(5); // PT_LOAD, PF_R | PF_X
        b.putLong(0).putLong(0x100000).putLong(0x100000); // p_offset, p_vaddr, p_paddr
        b.putLong(120 + code.length).putLong(120 + code.length).putLong(0x1000);
        b.put(code);
        return b.array();
    }

    @Test
    void theProbeReadsTheDomainsTimeAndTheGuestResetEndsWithExitZero() throws Exception {
        long before = domainNowNs();
        Run r = vm();
        long after = domainNowNs();

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("wallsync vm: guest reset (i8042 0x64 <- 0xfe) after");
        // The guest read the domain's time (an hour ahead of the host) during the run.
        long kvmWall = Long.parseLong(value(r.out(), "kvm_wall_ns"));
        assertThat(kvmWall).isBetween(before - 1_000_000, after + 1_000_000);
        long cmos = LocalDateTime.parse(value(r.out(), "cmos")).toEpochSecond(ZoneOffset.UTC);
        assertThat(cmos).isBetween(before / NS - 1, after / NS);
    }

    @Test
    void rtcSetMovesTheDomainOffsetThroughTheControlSocket() throws Exception {
        String target = "2032-02-29T12:00:00";
        long targetS = LocalDateTime.parse(target).toEpochSecond(ZoneOffset.UTC);
        long before = domainNowNs() / NS;
        Run set = vm("--guest", "rtc-set", "--cmdline", target);
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("rtc_set=" + target + "\n");
        // The domain moved to the written date (whole seconds; less up to 1 s, see MicroVmTest).
        long moved = domainNowNs() / NS;
        assertThat(moved)
                .isBetween(targetS - 1, targetS + (moved - targetS) + 1)
                .isGreaterThan(before + 86_400);
        CommandRunner offset = CommandRunner.run("control", "--dir", dir.toString(), "get-offset", "g");
        long offsetS = Long.parseLong(offset.out().strip().split(" ")[1]);
        assertThat(set.err()).contains("moved domain g by " + (offsetS - 3600) + " s");

        Run probe = vm();
        long cmos = LocalDateTime.parse(value(probe.out(), "cmos")).toEpochSecond(ZoneOffset.UTC);
        assertThat(cmos).isBetween(targetS - 1, domainNowNs() / NS);
        // Put the domain back for the other tests.
        assertThat(CommandRunner.run("control", "--dir", dir.toString(), "set-offset", "g", "3600")
                        .exitCode())
                .isZero();
    }

    @Test
    void aCorruptElfExitsOneNamingWhatIsWrong() throws Exception {
        Path bad = tmp.resolve("bad.elf");
        byte[] image = elf((byte) 0xcc);
        image[0x12] = 40; // e_machine 40 = EM_ARM
        Files.write(bad, image);
        CommandRunner r = inProcess("--guest", bad.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains("guest " + bad + " is not a loadable x86-64 ELF: it has e_machine 40,"
                        + " expected 62 (EM_X86_64)");
    }

    @Test
    void anUnsupportedInstructionExitsOneWithRipAndBytes() throws Exception {
        Path int3 = tmp.resolve("int3.elf");
        Files.write(int3, elf((byte) 0xcc, (byte) 0xf4)); // int3; hlt
        CommandRunner r = inProcess("--guest", int3.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        // entry = 0x100000 + 120 = 0x100078
        assertThat(r.err())
                .contains("KVM_EXIT_INTERNAL_ERROR (17): suberror 1 emulation failure (unsupported"
                        + " instruction) at rip 0x100078, bytes cc f4");
    }

    @Test
    void aGuestThatNeverResetsExitsOneAtTheTimeout() throws Exception {
        Path spin = tmp.resolve("spin.elf");
        Files.write(spin, elf((byte) 0xeb, (byte) 0xfe)); // jmp .
        CommandRunner r = inProcess("--guest", spin.toString(), "--timeout", "1s");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("guest did not reset within 1000 ms; stopped the vCPU (timeout)");
    }

    @Test
    void usageErrorsExitTwo() {
        CommandRunner mem = CommandRunner.run("vm", "run", "--domain", "g", "--memory", "3M");
        assertThat(mem.exitCode()).isEqualTo(2);
        assertThat(mem.err()).contains("guest memory must be a multiple of 2 MiB from 2 MiB to 1 GiB");
        CommandRunner guest = CommandRunner.run("vm", "run", "--domain", "g", "--guest", "no-such-guest");
        assertThat(guest.exitCode()).isEqualTo(2);
        assertThat(guest.err())
                .contains("--guest 'no-such-guest' is neither a built-in guest [wallclock-probe, rtc-set]");
        CommandRunner cmdline = CommandRunner.run("vm", "run", "--domain", "g", "--cmdline", "a\tb");
        assertThat(cmdline.exitCode()).isEqualTo(2);
        assertThat(cmdline.err()).contains("the guest command line must be printable ASCII; character 1 is U+0009");
        CommandRunner none = CommandRunner.run("vm", "run");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("Missing required option: '--domain=NAME'");
    }
}
