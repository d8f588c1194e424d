package io.wallsync.sim.scenario;

/** Something that happens to the host during a run. */
public sealed interface WorldEvent {
    /** True time of the event. */
    long atNs();

    /**
     * The NTP daemon announces a leap second at {@code atNs} (adjtimex STA_INS or STA_DEL); the host
     * kernel applies it at the next UTC midnight, and true UTC takes it at the true midnight.
     */
    record LeapSecond(long atNs, boolean insert) implements WorldEvent {}

    /**
     * The host suspends at {@code atNs} for {@code durationNs}; clocksources stop, the battery RTC runs
     * on, and on resume dom0 injects the sleep time its RTC measured.
     */
    record Suspend(long atNs, long durationNs) implements WorldEvent {}

    /** An administrator steps the host clock by {@code byNs} with settimeofday ({@code date -s}). */
    record AdminStep(long atNs, long byNs) implements WorldEvent {}

    /** The TAI offset is set to {@code taiOffsetSeconds} (a clock step on the TAI clock only). */
    record TaiOffset(long atNs, int taiOffsetSeconds) implements WorldEvent {}
}
