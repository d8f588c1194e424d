package io.wallsync.core.rtc;

import static io.wallsync.core.rtc.Mc146818.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * rtc-test's fuzz_registers ("success if no crash"), made to assert something: under any sequence
 * of register writes, reads and clock steps, in both flavours,
 *
 * <ul>
 *   <li>every read is a byte and register D reads 0x80;
 *   <li>register C shows IRQF exactly when IRQ 8 is high (IRQF and the line are set together and
 *       cleared together, by a read of C or a write of B);
 *   <li>IRQF never stands alone: some flag of PF, AF, UF is set with it;
 *   <li>the virtual clock only moves forward and the device never arms a timer in the past.
 * </ul>
 */
class Mc146818FuzzPropertiesTest {
    /** One guest action: write {@code value} to {@code register}, read it, or let time pass. */
    record Op(int kind, int register, int value, long stepNs) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 15),
                        Arbitraries.integers().between(0, 255),
                        Arbitraries.longs().between(1, 3_000_000_000L))
                .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 300)
    void irqfMirrorsIrq8AndNeverStandsAlone(@ForAll("ops") List<Op> ops, @ForAll boolean xen) {
        RtcHarness h = new RtcHarness(xen ? RtcFlavor.XEN : RtcFlavor.QEMU, LocalDateTime.parse("2024-03-10T09:59:58"));
        for (Op op : ops) {
            switch (op.kind()) {
                case 0 -> h.write(op.register(), op.value());
                case 1 -> {
                    boolean lineBefore = h.irqLevel;
                    int value = h.read(op.register());
                    assertThat(value).isBetween(0, 0xFF);
                    if (op.register() == RTC_REG_C) {
                        assertThat((value & REG_C_IRQF) != 0)
                                .as("IRQF vs IRQ 8")
                                .isEqualTo(lineBefore);
                        if ((value & REG_C_IRQF) != 0) {
                            assertThat(value & REG_C_MASK).isNotZero();
                        }
                        assertThat(h.irqLevel).isFalse();
                    }
                    if (op.register() == RTC_REG_D) {
                        assertThat(value).isEqualTo(REG_D_VRT);
                    }
                }
                default -> {
                    long before = h.now();
                    h.step(op.stepNs());
                    assertThat(h.now()).isEqualTo(before + op.stepNs());
                    h.rtc.nextDeadlineNs()
                            .ifPresent(d -> assertThat(d).as("next deadline").isGreaterThan(h.now()));
                }
            }
        }
    }
}
