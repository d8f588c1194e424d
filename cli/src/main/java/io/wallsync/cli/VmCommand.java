package io.wallsync.cli;

import io.wallsync.adapters.kvm.KvmException;
import io.wallsync.adapters.page.DomainName;
import io.wallsync.adapters.page.PageDirectory;
import io.wallsync.adapters.page.PageFile;
import io.wallsync.client.Reading;
import io.wallsync.client.WallclockPage;
import io.wallsync.core.rtc.RtcFlavor;
import io.wallsync.daemon.vm.BadGuestException;
import io.wallsync.daemon.vm.ControlSocketOffset;
import io.wallsync.daemon.vm.DomainClock;
import io.wallsync.daemon.vm.Guests;
import io.wallsync.daemon.vm.MicroVm;
import io.wallsync.daemon.vm.VmConfig;
import io.wallsync.daemon.vm.VmOutcome;
import io.wallsync.daemon.vm.VmReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wallsync vm}: KVM guests whose wall clock is a wallsync domain's. */
@Command(
        name = "vm",
        mixinStandardHelpOptions = true,
        description = {
            "Boot KVM guests that read a domain's wallclock.",
            "One vCPU on /dev/kvm; the guest's kvmclock wall clock and CMOS RTC are the domain's wallclock,"
                    + " read from the page of a running wallsync serve."
        },
        subcommands = {VmCommand.Run.class, VmCommand.Story.class})
public final class VmCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: expected run or story");
    }

    @Command(
            name = "story",
            mixinStandardHelpOptions = true,
            description = {
                "The seed's story on real vCPUs: dom0's clock and Xen's wallclock start 5 h wrong (battery RTC),"
                        + " NTP steps dom0 right at +1:00; under legacy-periodic and step-and-periodic the"
                        + " wallclock-probe guest boots on /dev/kvm at +0:30 (before the step), +2:00 (in the window)"
                        + " and +15:00 (after the first periodic push) with that domain's wallclock.",
                "The table shows what each real guest read (kvm wall clock, CMOS) and its error against true"
                        + " time. Exit status 0 when every guest reset, 1 otherwise."
            })
    static final class Story implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                defaultValue = "10s",
                converter = DurationConverter.class,
                description = "Per guest: stop the vCPU if it has not reset by then (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<VmStory.Row> rows;
            try {
                rows = VmStory.run(timeout);
            } catch (KvmException e) {
                spec.commandLine().getErr().println("wallsync: " + e.getMessage());
                return 1;
            }
            out.print(VmStory.render(rows));
            out.println();
            out.println("legacy-periodic (Linux < 3.11) pushes only every 11 min: the 'window' guest, booted after the"
                    + " NTP step, still reads the 5 h old date through real wrmsr and in/out exits;");
            out.println("step-and-periodic pushes on the step, so it boots right.");
            out.flush();
            return rows.stream().allMatch(r -> r.outcome() instanceof VmOutcome.Reset) ? 0 : 1;
        }
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                "Boot one VM: the guest ELF is loaded as a Linux vmlinux (segments at their physical addresses,"
                        + " boot_params zero page, 64-bit entry with RSI = boot_params); its serial console"
                        + " (COM1) is copied to standard output.",
                "Devices: 8250 UART 0x3f8, MC146818 RTC 0x70/0x71 (xen flavour: a guest date write moves the"
                        + " domain's offset through the control socket), i8042 reset 0x64, kvm wall clock MSRs"
                        + " 0x4b564d00/0x11 served from the domain's wallclock.",
                "Exit status: 0 the guest reset, 2 usage error, 1 any failure, named on standard error: no KVM,"
                        + " no page, triple fault, timeout, emulation failure (unsupported instruction), bad guest"
                        + " file."
            })
    static final class Run implements Callable<Integer> {
        private static final Pattern SIZE = Pattern.compile("(\\d{1,10})([KMG]?)(i?B)?", Pattern.CASE_INSENSITIVE);

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--dir", paramLabel = "DIR", description = "Page directory (default as for serve).")
        Path dir;

        @Option(
                names = "--domain",
                paramLabel = "NAME",
                required = true,
                description = "Domain whose wallclock the guest gets.")
        String domain;

        @Option(
                names = "--guest",
                paramLabel = "wallclock-probe|rtc-set|FILE",
                defaultValue = Guests.WALLCLOCK_PROBE,
                description = "A built-in guest or an x86-64 ELF file (default: ${DEFAULT-VALUE}).")
        String guest;

        @Option(
                names = "--cmdline",
                paramLabel = "S",
                defaultValue = "",
                description = "Guest command line (rtc-set: the date, YYYY-MM-DDTHH:MM:SS).")
        String cmdline;

        @Option(
                names = "--memory",
                paramLabel = "SIZE",
                defaultValue = "64M",
                description = "Guest RAM, 2M..1G in 2 MiB steps (default: ${DEFAULT-VALUE}).")
        String memory;

        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                defaultValue = "10s",
                converter = DurationConverter.class,
                description = "Stop the vCPU if the guest has not reset by then (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            DomainName name;
            try {
                name = new DomainName(domain);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            long memoryBytes = parseMemory();
            PrintWriter err = spec.commandLine().getErr();
            byte[] image;
            String guestName = guest;
            if (Guests.BUILT_IN.contains(guest)) {
                image = Guests.builtIn(guest);
            } else {
                Path file = Path.of(guest);
                if (!Files.isRegularFile(file)) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            "--guest '" + guest + "' is neither a built-in guest " + Guests.BUILT_IN + " nor a file");
                }
                image = Files.readAllBytes(file);
            }
            VmConfig config;
            try {
                config = new VmConfig(guestName, image, cmdline, memoryBytes, timeout, RtcFlavor.XEN);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Path pageDir = dir != null ? dir : PageDirectory.defaultDirectory();
            Path path = PageFile.pathOf(pageDir, name);
            WallclockPage page;
            try {
                page = WallclockPage.open(path);
            } catch (NoSuchFileException e) {
                err.println("wallsync: no page for domain " + name + " at " + path + " (is wallsync serve running?)");
                return 1;
            }
            try (page) {
                Reading first = page.read();
                if (!(first instanceof Reading.Valid)) {
                    err.println("wallsync: " + first);
                    return 1;
                }
                ControlSocketOffset control = new ControlSocketOffset(pageDir, name);
                DomainClock clock = new DomainClock() {
                    @Override
                    public long wallNs() {
                        return page.wallTimeNs();
                    }

                    @Override
                    public void moveOffset(long deltaSeconds) throws IOException {
                        control.move(deltaSeconds);
                    }
                };
                OutputStream stdout = System.out;
                VmReport report;
                try {
                    report = MicroVm.run(config, clock, stdout);
                } catch (BadGuestException e) {
                    err.println("wallsync: " + e.getMessage());
                    return VmOutcome.EXIT_BAD_GUEST;
                } catch (KvmException e) {
                    err.println("wallsync: " + e.getMessage()
                            + (e.errnoName().equals("ENOENT") ? " (no KVM on this machine)" : ""));
                    return 1;
                }
                VmOutcome outcome = report.outcome();
                err.printf(
                        Locale.ROOT,
                        "wallsync vm: %s after %.1f ms (%d exits, %d accesses to unknown ports%s)%n",
                        outcome.describe(),
                        report.runNs() / 1e6,
                        report.exits(),
                        report.unknownPortAccesses(),
                        report.offsetMovedSeconds() != 0
                                ? ", moved domain " + name + " by " + report.offsetMovedSeconds() + " s"
                                : "");
                err.flush();
                return outcome.exitCode();
            }
        }

        private long parseMemory() {
            Matcher m = SIZE.matcher(memory.trim());
            if (!m.matches()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "Invalid --memory '" + memory + "': expected a size such as 64M or 1G");
            }
            long n = Long.parseLong(m.group(1));
            int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                default -> 0;
            };
            if (n > (VmConfig.MAX_MEMORY >> shift)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "Invalid --memory '" + memory + "': at most 1G (the page tables map 1 GiB)");
            }
            return n << shift;
        }
    }
}
