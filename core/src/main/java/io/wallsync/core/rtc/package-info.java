/**
 * The emulated MC146818 CMOS real-time clock that fully virtualised (HVM) guests read at ports
 * 0x70/0x71, in two flavours: QEMU's ({@code hw/rtc/mc146818rtc.c}) and Xen's
 * ({@code xen/arch/x86/hvm/rtc.c}).
 *
 * <p>The device is pure: no threads, no timers of its own and no clock reads. Its time comes in
 * through {@link io.wallsync.core.rtc.RtcTimeBase}, its interrupt goes out through {@link
 * io.wallsync.core.rtc.RtcIrqListener}, and whoever moves the virtual clock asks the device for
 * its next deadline and lets it run its due timers ({@link io.wallsync.core.rtc.RtcTimeline} does
 * that the way QEMU's qtest accelerator does).
 */
package io.wallsync.core.rtc;
