package io.wallsync.sim.scenario;

import io.wallsync.core.page.TimeOffsetSeconds;
import io.wallsync.core.time.Durations;
import io.wallsync.sim.scenario.GuestGroup.GuestKind;
import io.wallsync.sim.scenario.GuestGroup.ReadMode;
import io.wallsync.sim.scenario.NtpSpec.StepMethod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates scenario YAML (schema in docs/simulator.md). Every problem is reported as a
 * {@link ScenarioException} naming the file, line, field and what is expected; a scenario that loads
 * is complete and consistent, so nothing runs on bad input.
 */
public final class ScenarioLoader {
    /** The embedded scenarios, by name; {@code default} reproduces the historical bug. */
    public static final List<String> EMBEDDED =
            List.of("default", "drift", "leap-second", "suspend-resume", "large", "slew");

    private static final long NS_PER_S = 1_000_000_000L;
    /** A bound that keeps a mistyped scenario from running for hours: samples x guests. */
    private static final long MAX_GUEST_SAMPLES = 2_000_000_000L;
    /** Widest TSC pairing jitter a scenario may ask for: 1 ms (real pairers reject brackets far narrower). */
    static final long MAX_TSC_PAIRING_JITTER_NS = 1_000_000L;

    private ScenarioLoader() {}

    /** Loads an embedded scenario by name, or a file if {@code nameOrPath} is not one of {@link #EMBEDDED}. */
    public static Scenario load(String nameOrPath) throws ScenarioException {
        Optional<Scenario> embedded = embedded(nameOrPath);
        if (embedded.isPresent()) {
            return embedded.get();
        }
        Path path = Path.of(nameOrPath);
        if (Files.isDirectory(path)) {
            throw new ScenarioException(nameOrPath, 0, "", "is a directory; expected a scenario YAML file");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            // A FIFO or a device could block or never end; only a regular file has a size to check.
            throw new ScenarioException(nameOrPath, 0, "", "is not a regular file; expected a scenario YAML file");
        }
        if (!Files.isRegularFile(path)) {
            throw new ScenarioException(
                    nameOrPath,
                    0,
                    "",
                    "no such file, and not an embedded scenario; expected a YAML file or one of " + EMBEDDED);
        }
        return loadFile(path);
    }

    /**
     * Loads a scenario file: its size is checked before anything is read (at most 1 MiB), then the
     * bytes must be UTF-8 text without NUL bytes.
     */
    public static Scenario loadFile(Path path) throws ScenarioException {
        String file = path.toString();
        byte[] bytes;
        try {
            long size = Files.size(path);
            if (size > ScenarioText.MAX_BYTES) {
                throw new ScenarioException(
                        file, 0, "", "the file has " + size + " bytes; a scenario file is " + ScenarioText.limit());
            }
            try (InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes(ScenarioText.MAX_BYTES + 1); // it may have grown since
            }
        } catch (IOException e) {
            throw new ScenarioException(file, 0, "", "cannot read the file: " + readProblem(e));
        }
        return parse(file, ScenarioText.decode(file, bytes));
    }

    private static String readProblem(IOException e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException n -> "no such file";
            case java.nio.file.AccessDeniedException a -> "permission denied";
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
            default -> e.getMessage() != null ? e.getMessage() : "input/output error";
        };
    }

    /** An embedded scenario, if {@code name} is one. */
    public static Optional<Scenario> embedded(String name) throws ScenarioException {
        if (!EMBEDDED.contains(name)) {
            return Optional.empty();
        }
        String resource = "/io/wallsync/sim/scenarios/" + name + ".yaml";
        try (InputStream in = ScenarioLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("embedded scenario missing from the jar: " + resource);
            }
            return Optional.of(parse(name + ".yaml (embedded)", new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read embedded scenario " + resource, e);
        }
    }

    /** The YAML text of an embedded scenario (for {@code --help} and documentation). */
    public static String embeddedText(String name) {
        String resource = "/io/wallsync/sim/scenarios/" + name + ".yaml";
        try (InputStream in = ScenarioLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no embedded scenario '" + name + "'; expected one of " + EMBEDDED);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read embedded scenario " + resource, e);
        }
    }

    /**
     * Parses YAML text; {@code file} names the source in error messages. Tabs in the indentation,
     * anchors, aliases and a second document are refused with their line.
     */
    public static Scenario parse(String file, String yaml) throws ScenarioException {
        ScenarioText.checkLayout(file, yaml);
        YamlNode root;
        try {
            root = YamlNode.parse(yaml);
        } catch (YamlNode.SyntaxError e) {
            throw new ScenarioException(file, e.line, e.key, e.getMessage());
        } catch (IOException | org.yaml.snakeyaml.error.YAMLException e) {
            throw syntaxError(file, e);
        }
        return read(new Fields(file, "", root), file);
    }

    /**
     * The YAML parser's complaint in one line, without its multi-line excerpt or Java class names:
     * SnakeYAML's problem and its line, and the context ("while parsing a flow sequence") with the
     * line where that started.
     */
    private static ScenarioException syntaxError(String file, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblem() != null) {
                int line = m.getProblemMark() != null ? m.getProblemMark().getLine() + 1 : 0;
                String context = m.getContext() == null
                        ? ""
                        : " (" + m.getContext()
                                + (m.getContextMark() != null
                                        ? " from line " + (m.getContextMark().getLine() + 1)
                                        : "")
                                + ")";
                return new ScenarioException(file, line, "", "not valid YAML: " + m.getProblem() + context);
            }
        }
        int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                ? j.getLocation().getLineNr()
                : 0;
        String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                ? j.getOriginalMessage()
                : e.getMessage();
        String firstLine =
                message == null ? "unreadable" : message.lines().findFirst().orElse("unreadable");
        return new ScenarioException(file, line, "", "not valid YAML: " + firstLine);
    }

    private static Scenario read(Fields top, String file) throws ScenarioException {
        String name = top.requiredString("name", "a short scenario name");
        String description = top.string("description", "");
        Instant start = top.instant("start", Instant.parse("2026-11-25T08:00:00Z"));
        long durationNs = top.requiredDuration("duration");
        if (durationNs <= 0) {
            throw top.error("duration", "expected a duration > 0");
        }
        long seed = top.integer("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        long tickNs = top.positiveDuration("tick", NS_PER_S);
        long sampleNs = top.positiveDuration("sample_interval", NS_PER_S);
        List<Policy> policies = policies(top);
        HostSpec host = host(top.section("host"));
        HypervisorSpec hypervisor = hypervisor(top.section("hypervisor"));
        CostModel costs = costs(top.section("costs"));
        List<WorldEvent> events = events(top, durationNs);
        List<GuestGroup> guests = guests(top, durationNs);
        top.finish();

        long guestCount = guests.stream().mapToLong(GuestGroup::count).sum();
        long samples = durationNs / sampleNs + 1;
        if (guestCount > 0 && samples > MAX_GUEST_SAMPLES / guestCount) {
            throw top.error(
                    "sample_interval",
                    "with " + guestCount + " guests over " + Durations.format(durationNs) + " this takes "
                            + samples + " samples per guest; expected at most " + MAX_GUEST_SAMPLES
                            + " guest samples in all (use a longer sample_interval)");
        }
        Scenario scenario = new Scenario(
                name,
                description,
                start,
                durationNs,
                seed,
                tickNs,
                sampleNs,
                policies,
                host,
                hypervisor,
                costs,
                events,
                guests);
        checkBudget(top, scenario);
        return scenario;
    }

    /** Refuses absurd amounts of work (RunEstimate), naming the field that asks for most of it. */
    private static void checkBudget(Fields top, Scenario scenario) throws ScenarioException {
        double samples = RunEstimate.sampleInstants(scenario.durationNs(), scenario.sampleIntervalNs());
        if (samples > RunEstimate.MAX_SAMPLE_INSTANTS) {
            throw top.error(
                    "sample_interval",
                    "over " + Durations.format(scenario.durationNs()) + " this is " + count(samples)
                            + " sample instants per policy, expected at most " + count(RunEstimate.MAX_SAMPLE_INSTANTS)
                            + " (each keeps a row of the error series for the CSV and plots); use a longer"
                            + " sample_interval");
        }
        RunEstimate estimate = RunEstimate.of(scenario);
        if (estimate.events() > RunEstimate.MAX_EVENTS) {
            RunEstimate.Part part = estimate.largest();
            String field = part.field();
            String remedy = switch (field) {
                case "duration" -> "a shorter duration";
                case "guests", "events" -> "fewer " + field;
                default -> "a longer " + field.substring(field.lastIndexOf('.') + 1);
            };
            throw errorAt(
                    top,
                    field,
                    "this asks for " + count(part.count()) + " " + part.what() + " per policy run: an estimated "
                            + count(estimate.events()) + " engine events for " + estimate.policies()
                            + " policies, expected at most " + count(RunEstimate.MAX_EVENTS) + "; use " + remedy);
        }
    }

    /** An error at a dotted field path of the scenario ("tick", "host.ntp.poll_interval", "guests[2].x"). */
    private static ScenarioException errorAt(Fields top, String field, String problem) throws ScenarioException {
        if (field.startsWith("host.ntp.")) {
            return top.section("host").section("ntp").error(field.substring("host.ntp.".length()), problem);
        }
        java.util.regex.Matcher item =
                java.util.regex.Pattern.compile("guests\\[(\\d+)]\\.(.+)").matcher(field);
        if (item.matches()) {
            int i = Integer.parseInt(item.group(1));
            return top.item("guests", i, top.list("guests").get(i)).error(item.group(2), problem);
        }
        return top.error(field, problem);
    }

    /** A count for messages: grouped digits, e.g. 14,400,000,000,000. */
    private static String count(double n) {
        return String.format(java.util.Locale.ROOT, "%,.0f", n);
    }

    private static List<Policy> policies(Fields top) throws ScenarioException {
        List<YamlNode> items = top.list("policies");
        if (items.isEmpty()) {
            if (top.has("policies")) {
                throw top.error("policies", "expected at least one of " + Policy.ids());
            }
            return Arrays.asList(Policy.values());
        }
        List<Policy> policies = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            YamlNode item = items.get(i);
            String text = item instanceof YamlNode.Scalar s ? s.text() : null;
            Optional<Policy> policy = text == null ? Optional.empty() : Policy.byId(text);
            if (policy.isEmpty()) {
                throw top.itemError("policies", i, item, "expected one of " + Policy.ids() + ", got '" + text + "'");
            }
            if (policies.contains(policy.get())) {
                throw top.itemError("policies", i, item, "policy '" + text + "' is listed twice");
            }
            policies.add(policy.get());
        }
        return policies;
    }

    private static OscillatorSpec oscillator(Fields f, double ppm) throws ScenarioException {
        double offsetPpm = f.number("ppm", ppm);
        double wander = f.number("wander_ppm_per_sqrt_hour", 0);
        if (Math.abs(offsetPpm) > 1000) {
            throw f.error("ppm", "expected a frequency error within +-1000 ppm, got " + offsetPpm);
        }
        if (wander < 0 || wander > 100) {
            throw f.error("wander_ppm_per_sqrt_hour", "expected 0 to 100, got " + wander);
        }
        f.finish();
        return new OscillatorSpec(offsetPpm, wander);
    }

    private static HostSpec host(Fields f) throws ScenarioException {
        OscillatorSpec oscillator = oscillator(f.section("oscillator"), 0);
        Fields rtc = f.section("rtc");
        RtcSpec rtcSpec = new RtcSpec(rtc.duration("error", 0), rtc.number("ppm", 0));
        rtc.finish();
        Fields ntp = f.section("ntp");
        boolean enabled = ntp.bool("enabled", true);
        long firstPoll = ntp.duration("first_poll", 30 * NS_PER_S);
        if (firstPoll < 0) {
            throw ntp.error("first_poll", "expected a duration >= 0");
        }
        long poll = ntp.positiveDuration("poll_interval", 64 * NS_PER_S);
        long noise = ntp.duration("noise", 0);
        if (noise < 0) {
            throw ntp.error("noise", "expected a duration >= 0 (a standard deviation)");
        }
        long stepThreshold = ntp.positiveDuration("step_threshold", 128_000_000L);
        double maxSlew = ntp.number("max_slew_ppm", 500);
        if (maxSlew <= 0 || maxSlew > 500) {
            throw ntp.error(
                    "max_slew_ppm", "expected more than 0 and at most 500 (the kernel's MAXFREQ), got " + maxSlew);
        }
        int syncAfter = (int) ntp.integer("sync_after_polls", 4, 1, 1000);
        StepMethod method =
                ntp.choice("step_method", StepMethod.SETTIMEOFDAY, List.of(StepMethod.values()), StepMethod::id);
        ntp.finish();
        f.finish();
        return new HostSpec(
                oscillator,
                rtcSpec,
                new NtpSpec(enabled, firstPoll, poll, noise, stepThreshold, maxSlew, syncAfter, method));
    }

    private static HypervisorSpec hypervisor(Fields f) throws ScenarioException {
        OscillatorSpec clocksource = oscillator(f.section("clocksource"), 0);
        long push = f.positiveDuration("push_period", 11 * 60 * NS_PER_S);
        long jitter = nonNegative(f, "tsc_pairing_jitter", 0);
        if (jitter > MAX_TSC_PAIRING_JITTER_NS) {
            throw f.error(
                    "tsc_pairing_jitter",
                    "expected at most " + Durations.format(MAX_TSC_PAIRING_JITTER_NS)
                            + " (a pairing bracket of a preempted read; wider ones are rejected by real pairers)");
        }
        f.finish();
        return new HypervisorSpec(clocksource, push, jitter);
    }

    private static CostModel costs(Fields f) throws ScenarioException {
        CostModel d = CostModel.defaults();
        CostModel costs = new CostModel(
                nonNegative(f, "hypercall", d.hypercallNs()),
                nonNegative(f, "domain_update", d.domainUpdateNs()),
                nonNegative(f, "notifier_call", d.notifierCallNs()),
                nonNegative(f, "tick_copy", d.tickCopyNs()),
                nonNegative(f, "msr_write", d.msrWriteNs()));
        f.finish();
        return costs;
    }

    private static long nonNegative(Fields f, String key, long fallback) throws ScenarioException {
        long ns = f.duration(key, fallback);
        if (ns < 0) {
            throw f.error(key, "expected a duration >= 0");
        }
        return ns;
    }

    private static List<WorldEvent> events(Fields top, long durationNs) throws ScenarioException {
        List<YamlNode> items = top.list("events");
        List<WorldEvent> events = new ArrayList<>();
        boolean leap = false;
        for (int i = 0; i < items.size(); i++) {
            Fields f = top.item("events", i, items.get(i));
            long at = f.requiredDuration("at");
            if (at < 0 || at >= durationNs) {
                throw f.error("at", "expected a time within the run, 0 to " + Durations.format(durationNs));
            }
            List<String> kinds = List.of("leap_second", "suspend", "step", "tai_offset");
            List<String> present = kinds.stream().filter(f::has).toList();
            if (present.size() != 1) {
                throw top.itemError(
                        "events",
                        i,
                        items.get(i),
                        "expected exactly one of " + kinds + " besides 'at', got " + present);
            }
            WorldEvent event = switch (present.getFirst()) {
                case "leap_second" -> {
                    if (leap) {
                        throw f.error("leap_second", "only one leap second per run is modelled");
                    }
                    leap = true;
                    String kind = f.requiredString("leap_second", "insert or delete");
                    if (!kind.equals("insert") && !kind.equals("delete")) {
                        throw f.error("leap_second", "expected insert or delete, got '" + kind + "'");
                    }
                    yield new WorldEvent.LeapSecond(at, kind.equals("insert"));
                }
                case "suspend" -> new WorldEvent.Suspend(at, f.positiveDuration("suspend", 0));
                case "step" -> new WorldEvent.AdminStep(at, f.duration("step", 0));
                default -> new WorldEvent.TaiOffset(at, (int) f.integer("tai_offset", 37, 0, 1000));
            };
            f.finish();
            events.add(event);
        }
        List<WorldEvent> sorted = new ArrayList<>(events);
        sorted.sort((a, b) -> Long.compare(a.atNs(), b.atNs()));
        long awakeFrom = 0;
        for (WorldEvent e : sorted) {
            if (e.atNs() < awakeFrom) {
                throw top.error(
                        "events", "event at " + Durations.format(e.atNs()) + " falls while the host is suspended");
            }
            if (e instanceof WorldEvent.Suspend s) {
                awakeFrom = s.atNs() + s.durationNs();
            }
        }
        return sorted;
    }

    private static List<GuestGroup> guests(Fields top, long durationNs) throws ScenarioException {
        List<YamlNode> items = top.list("guests");
        List<GuestGroup> guests = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            Fields f = top.item("guests", i, items.get(i));
            String name = f.requiredString("name", "a guest name");
            if (!name.matches("[A-Za-z0-9_.-]+")) {
                throw f.error("name", "expected letters, digits, '.', '_' or '-', got '" + name + "'");
            }
            if (!names.add(name)) {
                throw f.error("name", "guest group '" + name + "' is defined twice");
            }
            GuestKind kind = f.choice(
                    "kind",
                    GuestKind.PV,
                    List.of(GuestKind.values()),
                    k -> k.name().toLowerCase());
            int count = (int) f.integer("count", 1, 1, 100_000);
            long bootAt = f.requiredDuration("boot_at");
            if (bootAt < 0 || bootAt >= durationNs) {
                throw f.error("boot_at", "expected a time within the run, 0 to " + Durations.format(durationNs));
            }
            long spread = f.duration("boot_spread", 0);
            if (spread < 0 || bootAt + spread > durationNs) {
                throw f.error("boot_spread", "expected >= 0 and boot_at + boot_spread within the run");
            }
            long shutdown =
                    f.has("shutdown_at") ? f.duration("shutdown_at", 0) : f.duration("shutdown_at", Long.MAX_VALUE);
            if (shutdown <= bootAt + spread) {
                throw f.error("shutdown_at", "expected a time after the last boot (boot_at + boot_spread)");
            }
            ReadMode reads = f.choice("reads", ReadMode.FOLLOW, List.of(ReadMode.values()), ReadMode::id);
            long reread = f.duration("reread_interval", 0);
            if (reread < 0) {
                throw f.error("reread_interval", "expected a duration >= 0 (0: never)");
            }
            if (reread > 0 && reads != ReadMode.BOOT_ONLY) {
                throw f.error("reread_interval", "only meaningful with reads: boot-only");
            }
            // Xen keeps time_offset in whole seconds, and shared_info publishes it as s32.
            long offsetSeconds =
                    f.seconds("time_offset", 0, TimeOffsetSeconds.MIN_SECONDS, TimeOffsetSeconds.MAX_SECONDS);
            f.finish();
            guests.add(new GuestGroup(name, kind, count, bootAt, spread, shutdown, reads, reread, offsetSeconds));
        }
        return guests;
    }
}
