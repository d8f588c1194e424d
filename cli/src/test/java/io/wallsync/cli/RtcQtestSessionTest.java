package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.rtc.RtcFlavor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The qtest face: replies in QEMU's exact format, clock_step semantics, IRQ lines, errors. */
class RtcQtestSessionTest {
    private static final long BASE = LocalDateTime.parse("2024-03-10T09:59:58").toEpochSecond(ZoneOffset.UTC);

    private static List<String> run(RtcFlavor flavor, String... requests) {
        List<String> out = new ArrayList<>();
        RtcQtestSession session = new RtcQtestSession(flavor, BASE, out::add);
        for (String r : requests) {
            session.handle(r);
        }
        return out;
    }

    @Test
    void portAccessesAnswerOkAndFourHexDigits() {
        assertThat(run(RtcFlavor.QEMU, "outb 0x70 0x0a", "inb 0x71", "inb 0x70", "outb 0x70 0x00", "inw 0x70"))
                .containsExactly("OK", "OK 0x0026", "OK 0x00ff", "OK", "OK 0x58ff");
    }

    @Test
    void numbersParseLikeStrtoulWithBaseZero() {
        // 0x0a hex, 012 octal = 10, 10 decimal: all select register A.
        assertThat(run(RtcFlavor.QEMU, "outb 112 012", "inb 0x71", "outb 0160 10", "inb 113"))
                .containsExactly("OK", "OK 0x0026", "OK", "OK 0x0026");
    }

    @Test
    void clockStepAnswersTheVirtualTimeAndTicksTheRtc() {
        assertThat(run(
                        RtcFlavor.QEMU,
                        "clock_step 1000000000",
                        "outb 0x70 0x00",
                        "inb 0x71",
                        "clock_step",
                        "clock_set 5000000000",
                        "clock_set 10",
                        "clock_step 0"))
                .containsExactly(
                        "OK 1000000000",
                        "OK",
                        "OK 0x0059",
                        // At 1 s the update sets UF. Nobody reads C, so QEMU aims the update timer
                        // straight at the alarm: alarm bytes 0 = 00:00:00, now 09:59:59, so
                        // (0 - 9) * 3600 + (0 - 59) * 60 + (0 - 59) = -35999 s, + 86400 = 50401 s,
                        // counted from the end of this second (2 s): 2 s + 50400 s = 50402 s.
                        "OK 50402000000000",
                        "FAIL 50402000000000", // clock_set into the past: the clock stays
                        "FAIL 50402000000000",
                        "FAIL could not advance time");
    }

    @Test
    void clockStepWithoutDeadlineFailsLikeQemu() {
        // Divider reset stops the update timer and PIE is off: no timer is armed.
        assertThat(run(RtcFlavor.QEMU, "outb 0x70 0x0a", "outb 0x71 0x76", "clock_step"))
                .containsExactly(
                        "OK",
                        "OK",
                        "FAIL cannot advance clock to the next deadline because there is no pending deadline");
    }

    @Test
    void interceptedIrq8IsReportedBeforeTheReplyAndOnlyOnChange() {
        assertThat(run(
                        RtcFlavor.QEMU,
                        "irq_intercept_in ioapic",
                        "outb 0x70 0x0b",
                        "outb 0x71 0x12", // UIE: the line is lowered, but it was low: no line
                        "clock_step 1000000000",
                        "clock_step 1000000000", // raised again while high: no line
                        "outb 0x70 0x0c",
                        "inb 0x71",
                        "inb 0x71"))
                .containsExactly(
                        "OK",
                        "OK",
                        "OK",
                        "IRQ raise 8",
                        "OK 1000000000",
                        "OK 2000000000",
                        "OK",
                        "IRQ lower 8",
                        "OK 0x0090",
                        "OK 0x0000");
    }

    @Test
    void interceptErrorsAreQemus() {
        assertThat(run(
                        RtcFlavor.QEMU,
                        "irq_intercept_in nosuch",
                        "irq_intercept_in ioapic named",
                        "irq_intercept_out ioapic",
                        "irq_intercept_in ioapic",
                        "irq_intercept_in ioapic"))
                .containsExactly(
                        "FAIL Unknown device",
                        "FAIL Interception of named in-GPIOs not yet supported",
                        "FAIL No intercepts installed",
                        "OK",
                        "OK");
    }

    @Test
    void unknownAndMalformedRequestsFailWithAReason() {
        assertThat(run(RtcFlavor.QEMU, "foo bar", "", "outb 0x70", "inb zz", "inb 0x10000", "endianness"))
                .containsExactly(
                        "FAIL Unknown command 'foo'",
                        "FAIL Unknown command ''",
                        "FAIL missing argument: expected 'outb ADDR VALUE'",
                        "FAIL invalid number 'zz': expected an integer (0x hex, 0 octal or decimal)",
                        "FAIL port address 0x10000 out of range: expected 0 to 0xffff",
                        "OK little");
    }

    @Test
    void xenFlavourShowsSundayAsZero() {
        assertThat(run(RtcFlavor.XEN, "outb 0x70 0x06", "inb 0x71")).containsExactly("OK", "OK 0x0000");
        assertThat(run(RtcFlavor.QEMU, "outb 0x70 0x06", "inb 0x71")).containsExactly("OK", "OK 0x0001");
    }

    @Test
    void commandServesStdinToStdoutAndRejectsBadOptionsWithExitCode2() {
        InputStream savedIn = System.in;
        PrintStream savedOut = System.out;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(
                    "outb 0x70 0x09\ninb 0x71\nclock_step 7\n".getBytes(StandardCharsets.US_ASCII)));
            System.setOut(new PrintStream(stdout, true, StandardCharsets.US_ASCII));
            int code = WallsyncCommand.commandLine()
                    .execute("rtc", "--qtest", "--base", "1999-12-31T23:59:59", "--flavor", "qemu");
            assertThat(code).isZero();
        } finally {
            System.setIn(savedIn);
            System.setOut(savedOut);
        }
        assertThat(stdout.toString(StandardCharsets.US_ASCII)).isEqualTo("OK\nOK 0x0099\nOK 7\n");

        assertThat(exitCode("rtc", "--qtest", "--base", "2024-13-01T00:00:00")).isEqualTo(2);
        assertThat(exitCode("rtc", "--qtest", "--flavor", "kvm")).isEqualTo(2);
        assertThat(exitCode("rtc")).isEqualTo(2);
    }

    private static int exitCode(String... args) {
        var cl = WallsyncCommand.commandLine();
        cl.setErr(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }
}
