package io.wallsync.daemon.vm;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An x86-64 ELF executable checked for loading as a Linux {@code vmlinux} is: every PT_LOAD
 * segment goes to its physical address (p_paddr), the bytes after p_filesz up to p_memsz are zero,
 * and the vCPU starts at e_entry (vmlinux's ENTRY is the physical address of startup_64).
 *
 * <pre>
 *  Elf64_Ehdr  offset  field           Elf64_Phdr  offset  field
 *              0x00    e_ident[16]                 0x00    p_type (1 = PT_LOAD)
 *              0x10    e_type (2 EXEC)             0x04    p_flags
 *              0x12    e_machine (62)              0x08    p_offset
 *              0x18    e_entry                     0x18    p_paddr
 *              0x20    e_phoff                     0x20    p_filesz
 *              0x36    e_phentsize (56)            0x28    p_memsz
 *              0x38    e_phnum
 * </pre>
 */
public final class ElfImage {
    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int ET_EXEC = 2;
    private static final int EM_X86_64 = 62;
    private static final int PT_LOAD = 1;
    private static final int PF_X = 1;
    private static final int MAX_PHNUM = 64;

    /** One PT_LOAD segment. */
    public record Segment(long fileOffset, long physAddr, long fileSize, long memSize, boolean executable) {}

    private final byte[] bytes;
    private final long entry;
    private final List<Segment> segments;

    private ElfImage(byte[] bytes, long entry, List<Segment> segments) {
        this.bytes = bytes;
        this.entry = entry;
        this.segments = List.copyOf(segments);
    }

    /**
     * Checks {@code bytes} as an image for guest-physical memory {@code [lowestLoad, memoryBytes)}.
     *
     * @param name for messages (the file name)
     * @throws BadGuestException naming the first thing that is wrong
     */
    public static ElfImage parse(String name, byte[] bytes, long lowestLoad, long memoryBytes)
            throws BadGuestException {
        if (bytes.length < EHDR_SIZE) {
            throw bad(name, "is " + bytes.length + " bytes, shorter than an ELF64 header (64 bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0x464c457f) {
            throw bad(
                    name,
                    String.format(
                            "has magic %02x %02x %02x %02x, expected 7f 45 4c 46 (\\x7fELF)",
                            bytes[0], bytes[1], bytes[2], bytes[3]));
        }
        if (bytes[4] != ELFCLASS64) {
            throw bad(name, "has EI_CLASS " + bytes[4] + ", expected 2 (ELFCLASS64)");
        }
        if (bytes[5] != ELFDATA2LSB) {
            throw bad(name, "has EI_DATA " + bytes[5] + ", expected 1 (little-endian)");
        }
        int type = Short.toUnsignedInt(b.getShort(0x10));
        if (type != ET_EXEC) {
            throw bad(name, "has e_type " + type + ", expected 2 (ET_EXEC, a statically linked executable)");
        }
        int machine = Short.toUnsignedInt(b.getShort(0x12));
        if (machine != EM_X86_64) {
            throw bad(name, "has e_machine " + machine + ", expected 62 (EM_X86_64)");
        }
        long entry = b.getLong(0x18);
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        if (phentsize != PHDR_SIZE) {
            throw bad(name, "has e_phentsize " + phentsize + ", expected 56");
        }
        if (phnum == 0 || phnum > MAX_PHNUM) {
            throw bad(name, "has e_phnum " + phnum + ", expected 1.." + MAX_PHNUM + " program headers");
        }
        if (phoff < 0 || phoff > bytes.length || (long) phnum * PHDR_SIZE > bytes.length - phoff) {
            throw bad(
                    name,
                    "has program headers at " + phoff + ".." + (phoff + (long) phnum * PHDR_SIZE) + ", beyond its "
                            + bytes.length + " bytes (truncated?)");
        }
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int o = (int) (phoff + (long) i * PHDR_SIZE);
            if (b.getInt(o) != PT_LOAD) {
                continue;
            }
            Segment s = new Segment(
                    b.getLong(o + 0x08),
                    b.getLong(o + 0x18),
                    b.getLong(o + 0x20),
                    b.getLong(o + 0x28),
                    (b.getInt(o + 4) & PF_X) != 0);
            String which = "segment " + i + " (PT_LOAD)";
            if (s.fileSize() < 0 || s.memSize() < 0 || s.fileSize() > s.memSize()) {
                throw bad(
                        name,
                        which + " has p_filesz " + s.fileSize() + " and p_memsz " + s.memSize()
                                + ", expected 0 <= p_filesz <= p_memsz");
            }
            if (s.fileOffset() < 0 || s.fileOffset() > bytes.length || s.fileSize() > bytes.length - s.fileOffset()) {
                throw bad(
                        name,
                        which + " has file bytes " + s.fileOffset() + ".." + (s.fileOffset() + s.fileSize())
                                + ", beyond the file's " + bytes.length + " bytes (truncated?)");
            }
            if (s.physAddr() < lowestLoad || s.physAddr() > memoryBytes || s.memSize() > memoryBytes - s.physAddr()) {
                throw bad(
                        name,
                        String.format(
                                "%s loads at 0x%x..0x%x, outside guest memory 0x%x..0x%x (give more --memory?)",
                                which, s.physAddr(), s.physAddr() + s.memSize(), lowestLoad, memoryBytes));
            }
            for (Segment other : segments) {
                if (s.physAddr() < other.physAddr() + other.memSize()
                        && other.physAddr() < s.physAddr() + s.memSize()) {
                    throw bad(
                            name,
                            which
                                    + String.format(
                                            " at 0x%x overlaps the segment at 0x%x", s.physAddr(), other.physAddr()));
                }
            }
            segments.add(s);
        }
        if (segments.isEmpty()) {
            throw bad(name, "has no PT_LOAD segment: nothing to load");
        }
        boolean entryInCode = segments.stream()
                .anyMatch(s -> s.executable() && entry >= s.physAddr() && entry < s.physAddr() + s.fileSize());
        if (!entryInCode) {
            throw bad(name, String.format("has e_entry 0x%x, outside every executable PT_LOAD segment", entry));
        }
        return new ElfImage(bytes, entry, segments);
    }

    private static BadGuestException bad(String name, String what) {
        return new BadGuestException("guest " + name + " is not a loadable x86-64 ELF: it " + what);
    }

    /** Physical address the vCPU starts at. */
    public long entry() {
        return entry;
    }

    public List<Segment> segments() {
        return segments;
    }

    /** Copies every segment into {@code memory} (guest-physical address 0 at offset 0). */
    public void loadInto(MemorySegment memory) {
        for (Segment s : segments) {
            MemorySegment dst = memory.asSlice(s.physAddr(), s.memSize());
            dst.fill((byte) 0);
            MemorySegment.copy(MemorySegment.ofArray(bytes), s.fileOffset(), dst, 0, s.fileSize());
        }
    }
}
