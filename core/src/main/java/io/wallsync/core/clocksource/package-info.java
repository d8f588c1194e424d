/**
 * Clocksource arithmetic: turning counter ticks into nanoseconds exactly as Xen and Linux pvclock
 * do.
 */
package io.wallsync.core.clocksource;
