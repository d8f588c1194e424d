package io.wallsync.cli;

import io.wallsync.core.xen.Domain;
import io.wallsync.core.xen.DomainKind;
import io.wallsync.core.xen.Hypervisor;
import io.wallsync.core.xen.PlatformOp;
import io.wallsync.core.xen.PlatformOpResult;
import io.wallsync.core.xen.SharedInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wallsync xen}: black-box tools for the Xen wallclock ABI. */
@Command(
        name = "xen",
        mixinStandardHelpOptions = true,
        description = {
            "Black-box tools for the Xen wallclock ABI.",
            "Subcommands work on xen_platform_op and shared_info."
        },
        subcommands = {XenCommand.PlatformOpCommand.class})
public final class XenCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: expected platform-op");
    }

    /**
     * {@code wallsync xen platform-op}: applies one raw {@code struct xen_platform_op} from
     * standard input to a fresh hypervisor and prints the hypercall's return value.
     */
    @Command(
            name = "platform-op",
            mixinStandardHelpOptions = true,
            description = {
                "Reads one raw struct xen_platform_op (136 bytes, little-endian; fewer to test"
                        + " truncation) from standard input and applies it, as a hypercall from domain ID, to a"
                        + " fresh hypervisor whose system time is N ns, whose wallclock W starts at 1970-01-01,"
                        + " and whose domain 0 is the only privileged domain.",
                "Prints rc=0 or rc=-<errno> <NAME> (e.g. rc=-1 EPERM) and exits 0 either way;"
                        + " the reason for a failure goes to standard error."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:the hypercall ran (whatever its rc)",
                "1:runtime error (e.g. cannot write FILE)",
                "2:usage error"
            })
    public static final class PlatformOpCommand implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--domain",
                required = true,
                paramLabel = "ID",
                description =
                        "Calling domain, 0..32751; 0 is the control domain. Built (created, vcpu 0 initialised) if not 0.")
        int domainId;

        @Option(
                names = "--system-time-ns",
                required = true,
                paramLabel = "N",
                description = "Hypervisor system time in ns at the call (>= 0).")
        long systemTimeNs;

        @Option(
                names = "--time-offset-s",
                paramLabel = "S",
                defaultValue = "0",
                description = "time_offset of domain ID in seconds (default ${DEFAULT-VALUE}).")
        long timeOffsetSeconds;

        @Option(
                names = "--kind",
                paramLabel = "KIND",
                defaultValue = "PV",
                description =
                        "Kind of domain ID when it is not 0: PV or HVM (default ${DEFAULT-VALUE}; only domain 0 is"
                                + " CONTROL).")
        DomainKind kind;

        @Option(
                names = "--shared-info-out",
                paramLabel = "FILE",
                description = "Write the 3136-byte shared_info of domain ID, as it stands after the call.")
        Path sharedInfoOut;

        private final InputStream stdin;

        /** Reads the op from {@link System#in}. */
        public PlatformOpCommand() {
            this(System.in);
        }

        /** Reads the op from {@code stdin} (for tests and embedding). */
        public PlatformOpCommand(InputStream stdin) {
            this.stdin = Objects.requireNonNull(stdin, "stdin");
        }

        @Override
        public Integer call() {
            validate();
            byte[] op = readOp();

            Hypervisor xen = new Hypervisor(() -> systemTimeNs);
            Domain caller;
            if (domainId == Hypervisor.DOM0) {
                caller = xen.buildDomain(DomainKind.CONTROL, timeOffsetSeconds);
            } else {
                xen.buildDomain(DomainKind.CONTROL, 0);
                caller = xen.buildDomain(
                        domainId, kind, timeOffsetSeconds, SharedInfo.allocate().segment());
            }

            PlatformOpResult result = xen.platformOp(caller.id(), op);
            PrintWriter out = spec.commandLine().getOut();
            switch (result) {
                case PlatformOpResult.Done done -> out.println("rc=0");
                case PlatformOpResult.Failed(var errno, var why) -> {
                    out.println("rc=" + errno.rc() + " " + errno.name());
                    spec.commandLine().getErr().println("wallsync xen platform-op: " + errno.name() + ": " + why);
                }
            }
            out.flush();

            if (sharedInfoOut != null) {
                try {
                    Files.write(sharedInfoOut, caller.sharedInfo().toByteArray());
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            "cannot write shared_info to " + sharedInfoOut + ": " + e.getMessage(), e);
                }
            }
            return 0;
        }

        private void validate() {
            if (domainId < 0 || domainId >= Hypervisor.DOMID_FIRST_RESERVED) {
                throw usage("--domain " + domainId + " is out of range: expected 0.."
                        + (Hypervisor.DOMID_FIRST_RESERVED - 1));
            }
            if (systemTimeNs < 0) {
                throw usage("--system-time-ns " + systemTimeNs + " is negative: expected nanoseconds >= 0");
            }
            if (domainId != Hypervisor.DOM0 && kind == DomainKind.CONTROL) {
                throw usage("--kind CONTROL with --domain " + domainId + ": only domain 0 is the control domain");
            }
        }

        private byte[] readOp() {
            byte[] op;
            try {
                op = stdin.readNBytes(PlatformOp.SIZE + 1);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read standard input: " + e.getMessage(), e);
            }
            if (op.length > PlatformOp.SIZE) {
                throw usage("standard input holds more than " + PlatformOp.SIZE
                        + " bytes: expected one struct xen_platform_op (136 bytes, or fewer to test truncation)");
            }
            return op;
        }

        private CommandLine.ParameterException usage(String message) {
            return new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }
}
