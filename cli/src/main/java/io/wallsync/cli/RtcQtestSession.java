package io.wallsync.cli;

import io.wallsync.core.rtc.Mc146818;
import io.wallsync.core.rtc.Mc146818Rtc;
import io.wallsync.core.rtc.RtcFlavor;
import io.wallsync.core.rtc.RtcIrqListener;
import io.wallsync.core.rtc.RtcTimeline;
import io.wallsync.core.rtc.VmClockTimeBase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * QEMU's qtest line protocol ({@code system/qtest.c}) in front of a machine that has only the
 * MC146818 RTC at ports 0x70-0x71 and an interrupt controller to intercept, answering exactly as
 * {@code qemu-system-x86_64 -machine pc -qtest stdio -rtc base=...,clock=vm} does.
 *
 * <pre>
 *  request                      reply
 *  outb|outw|outl ADDR VALUE    OK
 *  inb|inw|inl ADDR             OK 0x%04x            (the value, at least four hex digits)
 *  clock_step [NS]              OK virtual-ns        (FAIL ... when time cannot advance)
 *  clock_set NS                 OK virtual-ns        (FAIL virtual-ns when NS is in the past)
 *  irq_intercept_in ioapic      OK, then "IRQ raise 8" / "IRQ lower 8" before the reply of the
 *                               command that changed the line
 *  endianness                   OK little
 *  anything else                FAIL Unknown command 'WORD'
 * </pre>
 *
 * A multi-byte port access is split into bytes as QEMU's memory core splits it: once the access
 * reaches port 0x70 or 0x71 every remaining byte goes to the RTC, decoded by bit 0 of its port;
 * bytes of ports without a device read 0xFF and ignore writes. Where QEMU would abort on a
 * malformed request (g_assert), this session answers {@code FAIL} with what was expected.
 */
public final class RtcQtestSession {
    private static final String IOAPIC = "ioapic";
    private static final int MAX_PORT = 0xFFFF;

    private final VmClockTimeBase clock;
    private final Mc146818Rtc rtc;
    private final RtcTimeline timeline;
    private final Consumer<String> out;
    private boolean intercepting;
    private int irqLevel;

    /**
     * A machine whose RTC starts at {@code baseEpochSeconds} at virtual time 0; replies and IRQ
     * lines (each without its newline) go to {@code out}.
     */
    public RtcQtestSession(RtcFlavor flavor, long baseEpochSeconds, Consumer<String> out) {
        this.out = out;
        this.clock = new VmClockTimeBase(baseEpochSeconds);
        this.rtc = new Mc146818Rtc(flavor, clock, new RtcIrqListener() {
            @Override
            public void raise() {
                irqChanged(1);
            }

            @Override
            public void lower() {
                irqChanged(0);
            }
        });
        this.timeline = new RtcTimeline(clock, rtc);
    }

    /** The emulated device, for inspection. */
    public Mc146818Rtc rtc() {
        return rtc;
    }

    /** The Xen-flavour domain offset the guest's date writes accumulated, seconds. */
    public long timeOffsetSeconds() {
        return clock.timeOffsetSeconds();
    }

    /**
     * Serves requests from {@code in} until end of input, one reply per request. Replies are
     * flushed as soon as no further request is already waiting in {@code in}, so an interactive
     * client gets each reply at once and a batch is not slowed by a flush per line.
     */
    public static void serve(RtcFlavor flavor, long baseEpochSeconds, BufferedReader in, PrintStream printer)
            throws IOException {
        RtcQtestSession session = new RtcQtestSession(flavor, baseEpochSeconds, line -> printer.print(line + "\n"));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            session.handle(line);
            if (!in.ready()) {
                printer.flush();
            }
        }
        printer.flush();
    }

    /** Handles one request line (without its newline). */
    public void handle(String line) {
        // g_strsplit(cmd, " ", 0): single spaces separate words, so "a  b" has an empty word.
        String[] words = line.split(" ", -1);
        String command = words[0];
        try {
            switch (command) {
                case "outb", "outw", "outl" -> {
                    int port = parsePort(words, command + " ADDR VALUE");
                    long value = parseUnsigned(argument(words, 2, command + " ADDR VALUE"));
                    portWrite(port, value, size(command.charAt(3)));
                    reply("OK");
                }
                case "inb", "inw", "inl" -> {
                    int port = parsePort(words, command + " ADDR");
                    long value = portRead(port, size(command.charAt(2)));
                    reply(String.format("OK 0x%04x", value));
                }
                case "clock_step" -> clockStep(words);
                case "clock_set" -> {
                    long target = parseSigned(argument(words, 1, "clock_set NS"));
                    long now = timeline.advanceTo(target);
                    reply((now == target ? "OK " : "FAIL ") + now);
                }
                case "irq_intercept_in", "irq_intercept_out" -> intercept(words);
                case "endianness" -> reply("OK little");
                default -> reply("FAIL Unknown command '" + command + "'");
            }
        } catch (BadRequest e) {
            reply("FAIL " + e.getMessage());
        }
    }

    private void clockStep(String[] words) {
        long old = timeline.nowNs();
        long step;
        if (words.length > 1) {
            step = parseSigned(words[1]);
        } else {
            OptionalLong next = timeline.nsToNextDeadline();
            if (next.isEmpty()) {
                reply("FAIL cannot advance clock to the next deadline because there is no pending deadline");
                return;
            }
            step = next.getAsLong();
        }
        long now = timeline.advanceTo(old + step);
        reply(now > old ? "OK " + now : "FAIL could not advance time");
    }

    private void intercept(String[] words) {
        String path = argument(words, 1, words[0] + " QOM-PATH");
        boolean named = words.length > 2;
        boolean outbound = words[0].equals("irq_intercept_out");
        if (!path.equals(IOAPIC) && !path.equals("/machine/" + IOAPIC)) {
            reply("FAIL Unknown device");
            return;
        }
        if (named && !outbound) {
            reply("FAIL Interception of named in-GPIOs not yet supported");
            return;
        }
        if (intercepting) {
            reply("OK");
            return;
        }
        if (outbound) {
            // The I/O APIC has no outbound GPIOs to intercept.
            reply("FAIL No intercepts installed");
            return;
        }
        intercepting = true;
        irqLevel = 0; // qtest's irq_levels[] start at 0 whatever the line's level
        reply("OK");
    }

    private void irqChanged(int level) {
        if (intercepting && level != irqLevel) {
            irqLevel = level;
            out.accept((level != 0 ? "IRQ raise " : "IRQ lower ") + Mc146818.RTC_ISA_IRQ);
        }
    }

    private long portRead(int port, int size) {
        long value = 0;
        boolean inRtc = false;
        for (int i = 0; i < size; i++) {
            int p = port + i;
            inRtc |= isRtcPort(p);
            int b = inRtc ? rtc.inb(p) : 0xFF;
            value |= (long) b << (8 * i);
        }
        return value;
    }

    private void portWrite(int port, long value, int size) {
        boolean inRtc = false;
        for (int i = 0; i < size; i++) {
            int p = port + i;
            inRtc |= isRtcPort(p);
            if (inRtc) {
                rtc.outb(p, (int) (value >>> (8 * i)) & 0xFF);
            }
        }
    }

    private static boolean isRtcPort(int port) {
        return port == Mc146818.INDEX_PORT || port == Mc146818.DATA_PORT;
    }

    private static int size(char suffix) {
        return switch (suffix) {
            case 'b' -> 1;
            case 'w' -> 2;
            default -> 4;
        };
    }

    private void reply(String line) {
        out.accept(line);
    }

    private static String argument(String[] words, int i, String usage) {
        if (words.length <= i) {
            throw new BadRequest("missing argument: expected '" + usage + "'");
        }
        return words[i];
    }

    private static int parsePort(String[] words, String usage) {
        long port = parseUnsigned(argument(words, 1, usage));
        if (port < 0 || port > MAX_PORT) {
            throw new BadRequest("port address " + words[1] + " out of range: expected 0 to 0xffff");
        }
        return (int) port;
    }

    /** strtoul with base 0: 0x hex, leading 0 octal, else decimal; a leading '-' negates (wraps). */
    static long parseUnsigned(String text) {
        BigInteger v = parseInteger(text);
        BigInteger max = BigInteger.ONE.shiftLeft(64);
        if (v.signum() < 0 ? v.negate().compareTo(max) >= 0 : v.compareTo(max) >= 0) {
            throw new BadRequest("number '" + text + "' out of range: expected at most 64 bits");
        }
        return v.longValue();
    }

    /** strtoll with base 0. */
    static long parseSigned(String text) {
        BigInteger v = parseInteger(text);
        if (v.bitLength() > 63) {
            throw new BadRequest("number '" + text + "' out of range: expected a signed 64-bit integer");
        }
        return v.longValue();
    }

    private static BigInteger parseInteger(String text) {
        String s = text.strip();
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        int radix = 10;
        if (s.length() > 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
            radix = 16;
            s = s.substring(2);
        } else if (s.length() > 1 && s.startsWith("0")) {
            radix = 8;
            s = s.substring(1);
        }
        int base = radix;
        if (s.isEmpty() || !s.chars().allMatch(c -> Character.digit(c, base) >= 0)) {
            throw new BadRequest("invalid number '" + text + "': expected an integer (0x hex, 0 octal or decimal)");
        }
        BigInteger v = new BigInteger(s, radix);
        return negative ? v.negate() : v;
    }

    /** A malformed request; answered with FAIL instead of QEMU's abort. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
