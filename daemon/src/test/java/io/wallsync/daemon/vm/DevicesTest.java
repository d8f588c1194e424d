package io.wallsync.daemon.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.adapters.kvm.CpuidEntry;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The VMM's register-level pieces, without KVM. */
class DevicesTest {
    @Test
    void uartShowsAnEmptyTransmitterEchoesIerAndCopiesThrBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Uart8250 uart = new Uart8250(out::write);
        assertThat(uart.inb(0x3fd)).isEqualTo(0x60); // LSR: THRE | TEMT
        uart.outb(0x3f9, 0x05);
        assertThat(uart.inb(0x3f9)).isEqualTo(0x05);
        uart.outb(0x3f8, 'h');
        uart.outb(0x3f8, 'i');
        assertThat(out.toString()).isEqualTo("hi");
        // DLAB: ports 0 and 1 are the divisor latch; nothing is transmitted.
        uart.outb(0x3fb, 0x83);
        uart.outb(0x3f8, 0x01);
        assertThat(uart.inb(0x3f8)).isEqualTo(0x01);
        assertThat(uart.inb(0x3f9)).isZero();
        uart.outb(0x3fb, 0x03);
        assertThat(uart.inb(0x3f9)).isEqualTo(0x05);
        assertThat(out.toString()).isEqualTo("hi");
        // Loopback with DTR | RTS | OUT2 (MCR 0x1b): MSR = DSR 0x20 | CTS 0x10 | DCD 0x80 = 0xb0;
        // with OUT1 only (0x14): RI 0x40. Transmitted bytes do not leave in loopback.
        uart.outb(0x3fc, 0x1b);
        assertThat(uart.inb(0x3fe)).isEqualTo(0xb0);
        uart.outb(0x3fc, 0x14);
        assertThat(uart.inb(0x3fe)).isEqualTo(0x40);
        uart.outb(0x3f8, 'x');
        assertThat(out.toString()).isEqualTo("hi");
    }

    @Test
    void bootParamsCarryTheSetupHeaderE820AndCommandLine() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(0x30000);
            BootParams.write(mem, 64L << 20, "console=ttyS0", 0, 0);
            long bp = BootParams.ADDR;
            assertThat(mem.get(ValueLayout.JAVA_SHORT_UNALIGNED, bp + 0x1fe)).isEqualTo((short) 0xAA55);
            // "HdrS" = 48 64 72 53
            assertThat(mem.get(ValueLayout.JAVA_INT_UNALIGNED, bp + 0x202)).isEqualTo(0x53726448);
            assertThat(mem.get(ValueLayout.JAVA_SHORT_UNALIGNED, bp + 0x206)).isEqualTo((short) 0x020f);
            assertThat(mem.get(ValueLayout.JAVA_BYTE, bp + 0x210)).isEqualTo((byte) 0xff);
            assertThat(mem.get(ValueLayout.JAVA_BYTE, bp + 0x211)).isEqualTo((byte) 0x81);
            assertThat(mem.get(ValueLayout.JAVA_INT_UNALIGNED, bp + 0x228)).isEqualTo(0x20000);
            assertThat(mem.get(ValueLayout.JAVA_BYTE, bp + 0x1e8)).isEqualTo((byte) 4);
            // e820[3] at 0x2d0 + 3*20: RAM from 1 MiB to 64 MiB (size 63 MiB = 0x3f00000), type 1.
            long e3 = bp + 0x2d0 + 60;
            assertThat(mem.get(ValueLayout.JAVA_LONG_UNALIGNED, e3)).isEqualTo(0x100000L);
            assertThat(mem.get(ValueLayout.JAVA_LONG_UNALIGNED, e3 + 8)).isEqualTo(0x3f00000L);
            assertThat(mem.get(ValueLayout.JAVA_INT_UNALIGNED, e3 + 16)).isEqualTo(1);
            assertThat(mem.getString(0x20000)).isEqualTo("console=ttyS0");
        }
    }

    @Test
    void guestCpuidHidesCx16AndXsaveAndAdvertisesClocksource2() {
        // leaf 1 ecx with CX16 (bit 13), XSAVE (26), OSXSAVE (27) and SSE3 (bit 0) set.
        int ecx = (1 << 13) | (1 << 26) | (1 << 27) | 1;
        List<CpuidEntry> out = MicroVm.guestCpuid(List.of(new CpuidEntry(1, 0, 0, 0, 0, ecx, 0)));
        assertThat(out.get(0).ecx()).isEqualTo(1);
        // No KVM leaves given: the signature "KVMKVMKVM" (ebx 0x4b4d564b = "KVMK") and CLOCKSOURCE2 (bit 3) are added.
        assertThat(out.get(1).function()).isEqualTo(0x40000000);
        assertThat(out.get(1).ebx()).isEqualTo(0x4b4d564b);
        assertThat(out.get(2).function()).isEqualTo(0x40000001);
        assertThat(out.get(2).eax()).isEqualTo(8);
        // An existing features leaf keeps its bits and gains bit 3: 0x1 | 0x8 = 0x9.
        List<CpuidEntry> kept = MicroVm.guestCpuid(List.of(new CpuidEntry(0x40000001, 0, 0, 1, 0, 0, 0)));
        assertThat(kept.get(0).eax()).isEqualTo(9);
    }
}
