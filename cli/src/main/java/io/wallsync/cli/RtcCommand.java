package io.wallsync.cli;

import io.wallsync.core.rtc.RtcFlavor;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wallsync rtc --qtest}: the emulated MC146818 RTC behind QEMU's qtest protocol on standard
 * input and output.
 */
@Command(
        name = "rtc",
        mixinStandardHelpOptions = true,
        description = {
            "The emulated MC146818 CMOS RTC (ports 0x70/0x71, IRQ 8).",
            "With --qtest, reads QEMU qtest requests on standard input and answers on standard output as"
                    + " qemu-system-x86_64 -qtest stdio -rtc base=...,clock=vm does. The clock starts at --base and"
                    + " moves only with clock_step / clock_set."
        })
public final class RtcCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--qtest", description = "Serve the qtest protocol on stdin/stdout (the only mode).")
    boolean qtest;

    @Option(
            names = "--base",
            paramLabel = "YYYY-MM-DDTHH:MM:SS",
            description = "UTC date and time the RTC shows at virtual time 0 (default: ${DEFAULT-VALUE}).",
            defaultValue = "2000-01-01T00:00:00")
    String base;

    @Option(
            names = "--flavor",
            paramLabel = "qemu|xen",
            description = "Device flavour: qemu (Sunday = 1, century register) or xen (Sunday = 0, guest date"
                    + " writes move the domain offset). Default: ${DEFAULT-VALUE}.",
            defaultValue = "qemu")
    String flavor;

    @Override
    public Integer call() throws Exception {
        if (!qtest) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing --qtest (the only mode of rtc)");
        }
        long baseSeconds = parseBase();
        RtcFlavor rtcFlavor = parseFlavor();
        // Buffered in front of System.out, which would flush at every newline. Replies are
        // flushed whenever the input has nothing more waiting (see RtcQtestSession.serve).
        PrintStream stdout =
                new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false, StandardCharsets.US_ASCII);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        RtcQtestSession.serve(rtcFlavor, baseSeconds, in, stdout);
        stdout.flush();
        return 0;
    }

    private long parseBase() {
        try {
            return LocalDateTime.parse(base).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "Invalid --base '" + base + "': expected YYYY-MM-DDTHH:MM:SS (UTC), e.g. 2024-03-10T09:59:58");
        }
    }

    private RtcFlavor parseFlavor() {
        return switch (flavor) {
            case "qemu" -> RtcFlavor.QEMU;
            case "xen" -> RtcFlavor.XEN;
            default ->
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "Invalid --flavor '" + flavor + "': expected qemu or xen");
        };
    }
}
