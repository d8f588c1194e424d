/**
 * The host timekeeper: CLOCK_REALTIME, MONOTONIC, BOOTTIME, TAI and MONOTONIC_RAW over an injected
 * clocksource, the clock steps of Linux kernel/time/timekeeping.c, the NTP state of
 * kernel/time/ntp.c behind {@code adjtimex}, and the pvclock_gtod / clock_was_set notifications.
 * See docs/timekeeper.md.
 */
package io.wallsync.core.time;
