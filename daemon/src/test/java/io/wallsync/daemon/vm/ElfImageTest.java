package io.wallsync.daemon.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The loader's checks, on the built wallclock-probe guest and corruptions of it. */
class ElfImageTest {
    private static final long MEMORY = 64L << 20;

    private static byte[] probe() throws Exception {
        return Guests.builtIn(Guests.WALLCLOCK_PROBE);
    }

    private static byte[] corrupt(Consumer<ByteBuffer> edit) throws Exception {
        byte[] b = probe();
        edit.accept(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
        return b;
    }

    private static void refused(byte[] image, String expected) {
        assertThatThrownBy(() -> ElfImage.parse("g.elf", image, MicroVm.LOWEST_LOAD, MEMORY))
                .isInstanceOf(BadGuestException.class)
                .hasMessageStartingWith("guest g.elf is not a loadable x86-64 ELF: it ")
                .hasMessageContaining(expected);
    }

    @Test
    void theProbeLoadsAtOneMibWithItsEntryThere() throws Exception {
        ElfImage image = ElfImage.parse("p", probe(), MicroVm.LOWEST_LOAD, MEMORY);
        // guest.ld: . = 0x100000, ENTRY(_start) first in .text.start
        assertThat(image.entry()).isEqualTo(0x100000);
        assertThat(image.segments().getFirst().physAddr()).isEqualTo(0x100000);
        assertThat(image.segments().getFirst().executable()).isTrue();
    }

    @Test
    void eachCorruptionIsNamed() throws Exception {
        refused(Arrays.copyOf(probe(), 40), "is 40 bytes, shorter than an ELF64 header (64 bytes)");
        refused(corrupt(b -> b.put(0, (byte) 0x7e)), "has magic 7e 45 4c 46, expected 7f 45 4c 46");
        refused(corrupt(b -> b.put(4, (byte) 1)), "has EI_CLASS 1, expected 2 (ELFCLASS64)");
        refused(corrupt(b -> b.put(5, (byte) 2)), "has EI_DATA 2, expected 1 (little-endian)");
        refused(corrupt(b -> b.putShort(0x10, (short) 3)), "has e_type 3, expected 2 (ET_EXEC");
        refused(corrupt(b -> b.putShort(0x12, (short) 3)), "has e_machine 3, expected 62 (EM_X86_64)");
        refused(corrupt(b -> b.putShort(0x36, (short) 32)), "has e_phentsize 32, expected 56");
        refused(corrupt(b -> b.putShort(0x38, (short) 0)), "has e_phnum 0");
        refused(corrupt(b -> b.putLong(0x20, 1L << 40)), "has program headers at 1099511627776");
        // Program header 0 is at e_phoff = 64: p_paddr +0x18, p_filesz +0x20, p_memsz +0x28.
        // The code segment's own p_memsz (it changes with the guest's code): program header 0 +0x28.
        long memsz = ByteBuffer.wrap(probe()).order(ByteOrder.LITTLE_ENDIAN).getLong(64 + 0x28);
        refused(
                corrupt(b -> b.putLong(64 + 0x18, 0x40000000L)),
                String.format(
                        "segment 0 (PT_LOAD) loads at 0x40000000..0x%x, outside guest memory 0x100000..0x4000000",
                        0x40000000L + memsz));
        refused(corrupt(b -> b.putLong(64 + 0x18, 0x1000L)), "outside guest memory 0x100000");
        refused(corrupt(b -> b.putLong(64 + 0x20, 0x10000L)), "has p_filesz 65536 and p_memsz " + memsz);
        refused(corrupt(b -> b.putLong(0x18, 0x200000L)), "has e_entry 0x200000, outside every executable PT_LOAD");
        refused(corrupt(b -> b.putInt(64, 6).putInt(64 + 56, 6)), "has no PT_LOAD segment: nothing to load");
    }
}
