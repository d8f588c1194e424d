package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.xen.PlatformOp;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class XenCommandTest {
    @TempDir
    Path tmp;

    /** One run of {@code wallsync ARGS} in-process, with {@code stdin} as standard input. */
    private record Run(int exitCode, String out, String err) {}

    private static Run run(byte[] stdin, String... args) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == XenCommand.PlatformOpCommand.class) {
                    return cls.cast(new XenCommand.PlatformOpCommand(new ByteArrayInputStream(stdin)));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cl = WallsyncCommand.commandLine(factory);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Run platformOp(byte[] op, String... extra) {
        String[] args = new String[3 + extra.length];
        args[0] = "xen";
        args[1] = "platform-op";
        args[2] = "--system-time-ns=5000000000";
        System.arraycopy(extra, 0, args, 3, extra.length);
        return run(op, args);
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void settime64FromDom0PrintsRcZeroAndWritesTheSharedInfoPage() throws Exception {
        Path page = tmp.resolve("shared_info.bin");
        Run run = platformOp(
                PlatformOp.settime64(1_700_000_000L, 123_456_789, 5_000_000_000L),
                "--domain=0",
                "--shared-info-out=" + page);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("rc=0" + System.lineSeparator());
        byte[] bytes = Files.readAllBytes(page);
        assertThat(bytes).hasSize(3136);
        // Version: 2 after creation, 4 after the settime. W = 1_699_999_995.123456789.
        assertThat(le(bytes).getInt(3072)).isEqualTo(4);
        assertThat(le(bytes).getInt(3076)).isEqualTo(1_699_999_995);
        assertThat(le(bytes).getInt(3080)).isEqualTo(123_456_789);
        assertThat(le(bytes).getInt(3084)).isZero();
    }

    @Test
    void settime32FromDom0WithATimeOffset() throws Exception {
        Path page = tmp.resolve("si");
        Run run = platformOp(
                PlatformOp.settime32(1_700_000_000L, 0, 5_000_000_000L),
                "--domain=0",
                "--time-offset-s=3600",
                "--shared-info-out=" + page);

        assertThat(run.out()).isEqualTo("rc=0" + System.lineSeparator());
        // W.sec = 1_699_999_995, + 3600 = 1_700_003_595.
        assertThat(le(Files.readAllBytes(page)).getInt(3076)).isEqualTo(1_700_003_595);
    }

    @Test
    void unprivilegedDomainGetsEpermAndItsPageKeepsTheBootWallclock() throws Exception {
        Path page = tmp.resolve("si");
        Run run = platformOp(
                PlatformOp.settime64(1_700_000_000L, 0, 0),
                "--domain=3",
                "--time-offset-s=-60",
                "--shared-info-out=" + page);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("rc=-1 EPERM" + System.lineSeparator());
        assertThat(run.err()).contains("domain 3");
        byte[] bytes = Files.readAllBytes(page);
        // Built with W = 0 and offset -60 (a PV domU: arch_set_info_guest publishes at vcpu 0
        // init): sec = -60 = 0xFFFFFFFF_FFFFFFC4, version 2.
        assertThat(le(bytes).getInt(3072)).isEqualTo(2);
        assertThat(le(bytes).getInt(3076)).isEqualTo(-60);
        assertThat(le(bytes).getInt(3084)).isEqualTo(-1);
    }

    @Test
    void unprivilegedHvmDomainsPageWasNeverPublished() throws Exception {
        Path page = tmp.resolve("si");
        Run run = platformOp(
                PlatformOp.settime64(1_700_000_000L, 0, 0),
                "--domain=3",
                "--kind=HVM",
                "--time-offset-s=-60",
                "--shared-info-out=" + page);

        assertThat(run.out()).isEqualTo("rc=-1 EPERM" + System.lineSeparator());
        byte[] bytes = Files.readAllBytes(page);
        // Xen arch_set_info_guest, HVM branch: "hvm_set_info_guest(v); goto out;" skips
        // update_domain_wallclock_time, and the settime failed: wc_version and wc_* stay 0.
        assertThat(le(bytes).getInt(3072)).isZero();
        assertThat(le(bytes).getInt(3076)).isZero();
        assertThat(le(bytes).getInt(3084)).isZero();
    }

    @Test
    void truncatedOpIsEfault() {
        Run run = platformOp(Arrays.copyOf(PlatformOp.settime64(1, 0, 0), 100), "--domain=0");
        assertThat(run.out()).isEqualTo("rc=-14 EFAULT" + System.lineSeparator());
        assertThat(run.err()).contains("100 bytes");
    }

    @Test
    void emptyInputIsEfault() {
        assertThat(platformOp(new byte[0], "--domain=0").out()).isEqualTo("rc=-14 EFAULT" + System.lineSeparator());
    }

    @Test
    void wrongInterfaceVersionIsEacces() {
        Run run = platformOp(PlatformOp.encode(62, 0x0300_0000, new byte[24]), "--domain=0");
        assertThat(run.out()).isEqualTo("rc=-13 EACCES" + System.lineSeparator());
    }

    @Test
    void unknownCmdIsEnosys() {
        Run run = platformOp(PlatformOp.encode(99, PlatformOp.XENPF_INTERFACE_VERSION, new byte[0]), "--domain=0");
        assertThat(run.out()).isEqualTo("rc=-38 ENOSYS" + System.lineSeparator());
    }

    @Test
    void settime64WithMbzIsEinval() {
        Run run = platformOp(PlatformOp.settime64(1, 0, 7, 0), "--domain=0");
        assertThat(run.out()).isEqualTo("rc=-22 EINVAL" + System.lineSeparator());
        assertThat(run.err()).contains("mbz");
    }

    @Test
    void settime64WithNsecsOfASecondOrMoreIsRcZeroAsInXen() throws Exception {
        // Xen do_platform_op checks only settime64.mbz; do_settime then does
        //     x = SECONDS(secs) + nsecs - system_time_base; y = do_div(x, 1000000000);
        // secs=10, nsecs=1_500_000_000, system_time=0 -> wc_sec = 11, wc_nsec = 500_000_000.
        Path out = tmp.resolve("si.bin");
        Run run = platformOp(PlatformOp.settime64(10, 1_500_000_000, 0), "--domain=0", "--shared-info-out=" + out);
        assertThat(run.out()).isEqualTo("rc=0" + System.lineSeparator());
        assertThat(run.err()).isEmpty();
        ByteBuffer si = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        // struct shared_info x86_64 (xen/include/public/xen.h): wc_sec u32 @3076, wc_nsec u32 @3080.
        assertThat(si.getInt(3076)).isEqualTo(11);
        assertThat(si.getInt(3080)).isEqualTo(500_000_000);
    }

    @Test
    void moreThan136BytesIsAUsageError() {
        Run run = platformOp(new byte[137], "--domain=0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("more than 136 bytes");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void badOptionsAreUsageErrorsNamingTheValue() {
        byte[] op = PlatformOp.settime64(1, 0, 0);
        Run negative = platformOp(op, "--domain=-1");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err()).contains("--domain -1").contains("0..32751");

        Run reserved = platformOp(op, "--domain=32752");
        assertThat(reserved.exitCode()).isEqualTo(2);

        Run notANumber = platformOp(op, "--domain=abc");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.err()).contains("abc");

        Run missing = run(op, "xen", "platform-op", "--domain=0");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--system-time-ns");

        Run negativeTime = run(op, "xen", "platform-op", "--domain=0", "--system-time-ns=-5");
        assertThat(negativeTime.exitCode()).isEqualTo(2);
        assertThat(negativeTime.err()).contains("-5");

        Run controlKind = platformOp(op, "--domain=4", "--kind=CONTROL");
        assertThat(controlKind.exitCode()).isEqualTo(2);
    }

    @Test
    void unwritableOutputIsARuntimeError() {
        Run run = platformOp(
                PlatformOp.settime64(1, 0, 0), "--domain=0", "--shared-info-out=" + tmp.resolve("no/such/dir/file"));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("cannot write shared_info");
        // The reason is spelled out once; the path is not repeated as the "reason".
        assertThat(run.err())
                .contains("cannot write shared_info to " + tmp.resolve("no/such/dir/file")
                        + ": no such file or directory")
                .doesNotContain("file: " + tmp);
    }

    @Test
    void helpIsRegisteredUnderTheRootCommand() {
        Run run = run(new byte[0], "xen", "platform-op", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--shared-info-out").contains("rc=-1 EPERM");
        // --kind offers what it accepts: CONTROL is refused for any domain but 0 (a usage error).
        assertThat(run.out().replaceAll("\\s+", " "))
                .contains("--kind=KIND Kind of domain ID when it is not 0: PV or HVM");
        assertThat(run(new byte[0], "xen").exitCode()).isEqualTo(2);
    }
}
