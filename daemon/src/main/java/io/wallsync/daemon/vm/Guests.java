package io.wallsync.daemon.vm;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** The guests built into the jar from src/main/guest (C, freestanding, gcc). */
public final class Guests {
    /** Reads the CMOS RTC and the kvm wall clock as Linux does, prints both, resets. */
    public static final String WALLCLOCK_PROBE = "wallclock-probe";
    /** Writes the CMOS date given on its command line as Linux does, resets. */
    public static final String RTC_SET = "rtc-set";

    public static final List<String> BUILT_IN = List.of(WALLCLOCK_PROBE, RTC_SET);

    private Guests() {}

    /** The ELF of built-in guest {@code name}. */
    public static byte[] builtIn(String name) throws IOException {
        return resource(Guests.class, name);
    }

    /** {@code io/wallsync/daemon/vm/guest/NAME.elf} on the class path of {@code anchor}. */
    public static byte[] resource(Class<?> anchor, String name) throws IOException {
        try (InputStream in = anchor.getResourceAsStream("/io/wallsync/daemon/vm/guest/" + name + ".elf")) {
            if (in == null) {
                throw new IOException("guest " + name + " is not built into this wallsync (expected one of " + BUILT_IN
                        + "; was the build run with gcc?)");
            }
            return in.readAllBytes();
        }
    }
}
