package io.wallsync.core.rtc;

/**
 * Port: the RTC's interrupt output, ISA IRQ {@value Mc146818#RTC_ISA_IRQ}.
 *
 * <p>Called like QEMU's {@code qemu_irq_raise}/{@code qemu_irq_lower}: on every assertion, also
 * when the line is already at that level (an interrupt controller, or qtest's intercept, reports
 * only changes).
 */
public interface RtcIrqListener {
    /** The device drives IRQ 8 high. */
    void raise();

    /** The device drives IRQ 8 low. */
    void lower();

    /** A listener for a device whose interrupt is not wired anywhere. */
    static RtcIrqListener unconnected() {
        return new RtcIrqListener() {
            @Override
            public void raise() {}

            @Override
            public void lower() {}
        };
    }
}
