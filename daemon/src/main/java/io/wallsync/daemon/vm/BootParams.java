package io.wallsync.daemon.vm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The x86 boot protocol's zero page, struct boot_params (arch/x86/include/uapi/asm/bootparam.h,
 * Documentation/arch/x86/boot.rst and zero-page.rst), as a 64-bit boot loader fills it for a
 * vmlinux: the setup header a bzImage would carry, an e820 map, the command line and an initrd.
 *
 * <pre>
 *  offset  size  field                  value here
 *  0x1e8   u8    e820_entries           4
 *  0x1fe   u16   boot_flag              0xAA55
 *  0x202   u32   header                 "HdrS"
 *  0x206   u16   version                0x020f (protocol 2.15)
 *  0x210   u8    type_of_loader         0xff (undefined loader)
 *  0x211   u8    loadflags              0x81 (LOADED_HIGH | CAN_USE_HEAP)
 *  0x218   u32   ramdisk_image          initrd address, 0 without
 *  0x21c   u32   ramdisk_size
 *  0x224   u16   heap_end_ptr           0xfe00
 *  0x228   u32   cmd_line_ptr           {@link #CMDLINE_ADDR}
 *  0x230   u32   kernel_alignment       0x200000
 *  0x238   u32   cmdline_size           2047
 *  0x2d0   20*n  e820_table             {u64 addr, u64 size, u32 type}
 * </pre>
 */
public final class BootParams {
    /** Guest-physical address of the zero page; RSI points here at entry. */
    public static final long ADDR = 0x7000;
    /** Guest-physical address of the NUL-terminated command line. */
    public static final long CMDLINE_ADDR = 0x20000;
    /** COMMAND_LINE_SIZE of x86 Linux, including the NUL. */
    public static final int COMMAND_LINE_SIZE = 2048;

    static final int E820_ENTRIES = 0x1e8;
    static final int BOOT_FLAG = 0x1fe;
    static final int HEADER = 0x202;
    static final int VERSION = 0x206;
    static final int TYPE_OF_LOADER = 0x210;
    static final int LOADFLAGS = 0x211;
    static final int RAMDISK_IMAGE = 0x218;
    static final int RAMDISK_SIZE = 0x21c;
    static final int HEAP_END_PTR = 0x224;
    static final int CMD_LINE_PTR = 0x228;
    static final int KERNEL_ALIGNMENT = 0x230;
    static final int CMDLINE_SIZE = 0x238;
    static final int E820_TABLE = 0x2d0;
    static final int E820_ENTRY_SIZE = 20;
    static final int E820_RAM = 1;
    static final int E820_RESERVED = 2;
    static final int HDRS = 0x53726448; // "HdrS" little-endian
    static final int PROTOCOL_2_15 = 0x020f;
    static final int LOADED_HIGH = 0x01;
    static final int CAN_USE_HEAP = 0x80;

    private BootParams() {}

    /**
     * Checks a kernel command line: printable ASCII, shorter than {@link #COMMAND_LINE_SIZE}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void checkCmdline(String cmdline) {
        for (int i = 0; i < cmdline.length(); i++) {
            char c = cmdline.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException(String.format(
                        "the guest command line must be printable ASCII; character %d is U+%04X", i, (int) c));
            }
        }
        if (cmdline.length() >= COMMAND_LINE_SIZE) {
            throw new IllegalArgumentException("the guest command line has " + cmdline.length()
                    + " bytes; Linux's COMMAND_LINE_SIZE allows " + (COMMAND_LINE_SIZE - 1));
        }
    }

    /**
     * Writes the zero page and the command line into {@code memory} (guest-physical 0 at offset 0)
     * for a guest of {@code memoryBytes}; an initrd, if any, is already at {@code initrdAddr}.
     *
     * @throws IllegalArgumentException if the command line is too long or not ASCII
     */
    public static void write(MemorySegment memory, long memoryBytes, String cmdline, long initrdAddr, long initrdSize) {
        checkCmdline(cmdline);
        byte[] line = cmdline.getBytes(StandardCharsets.US_ASCII);
        MemorySegment bp = memory.asSlice(ADDR, 4096);
        bp.fill((byte) 0);
        bp.set(ValueLayout.JAVA_SHORT_UNALIGNED, BOOT_FLAG, (short) 0xAA55);
        bp.set(ValueLayout.JAVA_INT_UNALIGNED, HEADER, HDRS);
        bp.set(ValueLayout.JAVA_SHORT_UNALIGNED, VERSION, (short) PROTOCOL_2_15);
        bp.set(ValueLayout.JAVA_BYTE, TYPE_OF_LOADER, (byte) 0xff);
        bp.set(ValueLayout.JAVA_BYTE, LOADFLAGS, (byte) (LOADED_HIGH | CAN_USE_HEAP));
        bp.set(ValueLayout.JAVA_INT_UNALIGNED, RAMDISK_IMAGE, (int) initrdAddr);
        bp.set(ValueLayout.JAVA_INT_UNALIGNED, RAMDISK_SIZE, (int) initrdSize);
        bp.set(ValueLayout.JAVA_SHORT_UNALIGNED, HEAP_END_PTR, (short) 0xfe00);
        bp.set(ValueLayout.JAVA_INT_UNALIGNED, CMD_LINE_PTR, (int) CMDLINE_ADDR);
        bp.set(ValueLayout.JAVA_INT_UNALIGNED, KERNEL_ALIGNMENT, 0x200000);
        bp.set(ValueLayout.JAVA_INT_UNALIGNED, CMDLINE_SIZE, COMMAND_LINE_SIZE - 1);
        long[][] e820 = {
            {0, 0x9fc00, E820_RAM},
            {0x9fc00, 0x400, E820_RESERVED},
            {0xf0000, 0x10000, E820_RESERVED},
            {0x100000, memoryBytes - 0x100000, E820_RAM},
        };
        for (int i = 0; i < e820.length; i++) {
            long o = E820_TABLE + (long) i * E820_ENTRY_SIZE;
            bp.set(ValueLayout.JAVA_LONG_UNALIGNED, o, e820[i][0]);
            bp.set(ValueLayout.JAVA_LONG_UNALIGNED, o + 8, e820[i][1]);
            bp.set(ValueLayout.JAVA_INT_UNALIGNED, o + 16, (int) e820[i][2]);
        }
        bp.set(ValueLayout.JAVA_BYTE, E820_ENTRIES, (byte) e820.length);
        MemorySegment cl = memory.asSlice(CMDLINE_ADDR, COMMAND_LINE_SIZE);
        cl.fill((byte) 0);
        MemorySegment.copy(MemorySegment.ofArray(line), 0, cl, 0, line.length);
    }
}
