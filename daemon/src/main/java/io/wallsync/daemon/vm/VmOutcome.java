package io.wallsync.daemon.vm;

import io.wallsync.adapters.kvm.KvmExit;
import java.time.Duration;
import java.util.HexFormat;

/** How a VM ended. {@link #exitCode()} is what {@code wallsync vm run} exits with. */
public sealed interface VmOutcome {
    /** Exit status of {@code vm run} for a guest that reset itself. */
    int EXIT_RESET = 0;
    /** Exit status for a VM that ended any other way (triple fault, unexpected exit, KVM failure). */
    int EXIT_FAILED = 1;
    /**
     * Exit status for a guest still running at the timeout: 1, as issue 14 specifies for every
     * failed run (the message on standard error says which failure it was).
     */
    int EXIT_TIMEOUT = EXIT_FAILED;
    /** Exit status for a guest that ran an instruction KVM's emulator cannot run (message: RIP, bytes). */
    int EXIT_EMULATION_FAILURE = EXIT_FAILED;
    /** Exit status for a guest file that is not a loadable ELF (see {@link BadGuestException}). */
    int EXIT_BAD_GUEST = EXIT_FAILED;

    int exitCode();

    /** One line for the user. */
    String describe();

    /** The guest pulsed the reset line through the i8042 (port 0x64 &lt;- 0xFE), or KVM reported a reset. */
    record Reset(String how) implements VmOutcome {
        public int exitCode() {
            return EXIT_RESET;
        }

        public String describe() {
            return "guest reset (" + how + ")";
        }
    }

    /** The guest was still running when the timeout ran out; the vCPU was stopped. */
    record TimedOut(Duration timeout) implements VmOutcome {
        public int exitCode() {
            return EXIT_TIMEOUT;
        }

        public String describe() {
            return "guest did not reset within " + timeout.toMillis() + " ms; stopped the vCPU (timeout)";
        }
    }

    /**
     * KVM_EXIT_INTERNAL_ERROR: KVM could not run the instruction at {@code rip}; {@code bytes} are the
     * guest's bytes there.
     */
    record EmulationFailure(int suberror, long rip, byte[] bytes) implements VmOutcome {
        public int exitCode() {
            return EXIT_EMULATION_FAILURE;
        }

        public String describe() {
            String what = suberror == 1 ? "emulation failure (unsupported instruction)" : "internal error";
            return String.format(
                    "%s: suberror %d %s at rip 0x%x, bytes %s",
                    KvmExit.describe(KvmExit.INTERNAL_ERROR.code()),
                    suberror,
                    what,
                    rip,
                    HexFormat.ofDelimiter(" ").formatHex(bytes));
        }
    }

    /** Any other end: a triple fault (KVM_EXIT_SHUTDOWN), a failed entry, an exit this VMM does not serve. */
    record Failed(String why) implements VmOutcome {
        public int exitCode() {
            return EXIT_FAILED;
        }

        public String describe() {
            return why;
        }
    }
}
