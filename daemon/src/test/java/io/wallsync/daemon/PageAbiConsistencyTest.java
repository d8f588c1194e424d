package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.abi.AbiField;
import io.wallsync.core.page.PageExtensionLayout;
import io.wallsync.core.vmclock.VmclockLayout;
import io.wallsync.core.xen.SharedInfoLayout;
import io.wallsync.core.xen.VcpuTimeInfoLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page ABI is written down four times: the Java descriptors, docs/page-abi.md's table,
 * include/wallsync.h (comment table, macros, struct wallsync_page) and the upstream Xen/Linux
 * headers the page embeds. This test keeps them equal: it parses the two tables and the macros,
 * and asks gcc for offsetof()/sizeof() of the C structs (tests/c/wallsync_layout.c).
 *
 * <p>Bytes 0..4095 are compared with the Java descriptors. The vmclock part of a page v2 (bytes
 * 4096.., rows and macros named {@code vmclock_<field>}) is compared with the Java VmclockLayout and
 * with Linux's struct vmclock_abi as gcc lays out the copy in tests/c/upstream_abi.h.
 */
class PageAbiConsistencyTest {
    /** Where struct vmclock_abi starts in a page v2 (WALLSYNC_VMCLOCK_START). */
    private static final int VMCLOCK_START = VmclockLayout.PAGE_OFFSET;

    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^ \\*  (\\d+)\\s+(\\S+)\\s+(\\w+)");
    private static final Pattern DOC_ROW = Pattern.compile("(?m)^\\| (\\d+) \\| ([^|]+?) \\| `(\\w+)` \\|");

    @TempDir
    Path tmp;

    /** "offset type name" rows of a table, split at byte 4096: [0] the first page, [1] the vmclock part. */
    private static List<List<String>> rows(Pattern p, String text) {
        Matcher m = p.matcher(text);
        List<String> low = new ArrayList<>();
        List<String> vmclock = new ArrayList<>();
        while (m.find()) {
            String row = m.group(1) + " " + m.group(2).strip() + " " + m.group(3);
            (Integer.parseInt(m.group(1)) < VMCLOCK_START ? low : vmclock).add(row);
        }
        return List.of(low, vmclock);
    }

    /** "STRUCT FIELD" -> "OFFSET SIZE" as printed by tests/c/wallsync_layout.c, in print order. */
    private Map<String, String> gccLayout() throws Exception {
        Path bin = CBuild.compile(tmp, "tests/c/wallsync_layout.c", "wallsync_layout");
        CBuild.Result r = CBuild.run(bin);
        assertThat(r.exitCode()).as(r.output()).isZero();
        Map<String, String> c = new LinkedHashMap<>();
        for (String line : r.output().strip().split("\n")) {
            String[] w = line.split(" ");
            c.put(w[0] + " " + w[1], w[2] + " " + w[3]);
        }
        return c;
    }

    /** wc_* and arch from shared_info, then the extension: the rows of the docs' table. */
    private static List<AbiField> pageFields() {
        return Stream.concat(SharedInfoLayout.FIELDS.stream(), PageExtensionLayout.FIELDS.stream())
                .toList();
    }

    private static String row(AbiField f) {
        return f.offset() + " " + f.type() + " " + f.name();
    }

    @Test
    void docsPageAbiTableListsExactlyTheDescriptorFields() throws Exception {
        String doc = Files.readString(CBuild.ROOT.resolve("docs/page-abi.md"));
        List<String> rows = rows(DOC_ROW, doc).get(0);
        assertThat(rows)
                .containsExactlyElementsOf(
                        pageFields().stream().map(PageAbiConsistencyTest::row).toList());
    }

    @Test
    void headerCommentTableAndMacrosEqualTheDescriptors() throws Exception {
        String header = Files.readString(CBuild.ROOT.resolve("include/wallsync.h"));
        List<String> rows = rows(TABLE_ROW, header).get(0);
        // The header's table leaves out Xen's vcpu_info, event channels and arch part.
        List<String> expected = pageFields().stream()
                .filter(f -> f.offset() >= SharedInfoLayout.WC_VERSION_OFFSET
                        && !f.name().equals("arch_shared_info"))
                .map(PageAbiConsistencyTest::row)
                .toList();
        assertThat(rows).containsExactlyElementsOf(expected);

        Matcher macro = Pattern.compile("#define WALLSYNC_(\\w+)_OFFSET (\\d+)").matcher(header);
        Map<String, Integer> macros = new LinkedHashMap<>();
        while (macro.find()) {
            String name = macro.group(1).toLowerCase();
            if (!name.startsWith("vmclock_")) {
                macros.put(name, Integer.parseInt(macro.group(2)));
            }
        }
        Map<String, Integer> fromJava = new LinkedHashMap<>();
        for (AbiField f : pageFields()) {
            if (f.offset() >= SharedInfoLayout.WC_VERSION_OFFSET && !f.name().equals("arch_shared_info")) {
                fromJava.put(f.name(), f.offset());
            }
        }
        assertThat(macros).containsExactlyEntriesOf(fromJava);
        assertThat(header).contains("#define WALLSYNC_EXTENSION_SIZE " + PageExtensionLayout.EXTENSION_SIZE + "\n");
        assertThat(header).contains("#define WALLSYNC_MAGIC 0x" + Integer.toHexString(PageExtensionLayout.MAGIC) + "u");
        // Page v1 (layout 1) is the first 4096 bytes; page v2 (layout 2) is 8192 with the vmclock at 4096.
        assertThat(header).contains("#define WALLSYNC_PAGE_V1_SIZE " + PageExtensionLayout.V1_PAGE_SIZE + "\n");
        assertThat(header)
                .contains("#define WALLSYNC_LAYOUT_VERSION_V1 " + PageExtensionLayout.V1_LAYOUT_VERSION + "\n");
        assertThat(header).contains("#define WALLSYNC_PAGE_SIZE " + PageExtensionLayout.PAGE_SIZE + "\n");
        assertThat(header).contains("#define WALLSYNC_LAYOUT_VERSION " + PageExtensionLayout.LAYOUT_VERSION + "\n");
    }

    @Test
    void gccGivesTheUpstreamStructsAndStructWallsyncPageTheDescriptorOffsets() throws Exception {
        Map<String, String> c = gccLayout();
        // Xen's struct shared_info (xen.h, arch-x86/xen.h) against SharedInfoLayout.
        List<String> xenNames = List.of(
                "vcpu_info", "evtchn_pending", "evtchn_mask", "wc_version", "wc_sec", "wc_nsec", "wc_sec_hi", "arch");
        for (int i = 0; i < xenNames.size(); i++) {
            AbiField f = SharedInfoLayout.FIELDS.get(i);
            assertThat(c.get("shared_info " + xenNames.get(i))).as(f.name()).isEqualTo(f.offset() + " " + f.size());
        }
        assertThat(c.get("shared_info sizeof")).isEqualTo("0 " + SharedInfoLayout.SIZE);
        assertThat(c.get("vcpu_info time"))
                .isEqualTo(SharedInfoLayout.VCPU_TIME_INFO_IN_VCPU_INFO_OFFSET + " " + VcpuTimeInfoLayout.SIZE);
        assertThat(c.get("vcpu_info sizeof")).isEqualTo("0 " + SharedInfoLayout.VCPU_INFO_SIZE);
        // Xen's vcpu_time_info and Linux's pvclock_vcpu_time_info against VcpuTimeInfoLayout.
        for (AbiField f : VcpuTimeInfoLayout.FIELDS) {
            assertThat(c.get("vcpu_time_info " + f.name())).as(f.name()).isEqualTo(f.offset() + " " + f.size());
            String linuxName = f.name().equals("pad1") ? "pad" : f.name();
            assertThat(c.get("pvclock_vcpu_time_info " + linuxName))
                    .as(linuxName)
                    .isEqualTo(f.offset() + " " + f.size());
        }
        assertThat(c.get("vcpu_time_info sizeof")).isEqualTo("0 " + VcpuTimeInfoLayout.SIZE);
        assertThat(c.get("pvclock_vcpu_time_info sizeof")).isEqualTo("0 " + VcpuTimeInfoLayout.SIZE);
        // include/wallsync.h's struct wallsync_page against both page descriptors, signedness included.
        for (AbiField f : pageFields()) {
            if (f.offset() < SharedInfoLayout.WC_VERSION_OFFSET) {
                continue; // kept opaque in struct wallsync_page
            }
            assertThat(c.get("wallsync_page " + f.name())).as(f.name()).isEqualTo(f.offset() + " " + f.size());
            String signed = c.get("signed " + f.name());
            if (signed != null) {
                assertThat(signed)
                        .as(f.name() + " is " + f.type())
                        .isEqualTo(f.type().startsWith("s") ? "1 0" : "0 0");
            }
        }
        assertThat(c.get("signed time_offset_sec")).as("time_offset_sec is s32").isEqualTo("1 0");
        // A page v2: the 4096 bytes PageExtensionLayout describes, then the 4096-byte vmclock region.
        assertThat(c.get("wallsync_page sizeof")).isEqualTo("0 " + PageExtensionLayout.PAGE_SIZE);
    }

    @Test
    void vmclockPartOfHeaderDocsAndStructEqualsLinuxVmclockAbi() throws Exception {
        Map<String, String> c = gccLayout();
        // Linux's struct vmclock_abi (upstream_abi.h), in field order: name -> "offset size".
        Map<String, String> linux = new LinkedHashMap<>();
        c.forEach((k, v) -> {
            if (k.startsWith("vmclock_abi ") && !k.endsWith(" sizeof")) {
                linux.put(k.substring("vmclock_abi ".length()), v);
            }
        });
        assertThat(linux).hasSize(VmclockLayout.FIELDS.size());
        assertThat(c.get("vmclock_abi sizeof")).isEqualTo("0 " + VmclockLayout.SIZE);
        assertThat(c.get("wallsync_vmclock sizeof")).isEqualTo("0 " + VmclockLayout.SIZE);

        String header = Files.readString(CBuild.ROOT.resolve("include/wallsync.h"));
        String doc = Files.readString(CBuild.ROOT.resolve("docs/page-abi.md"));
        List<String> headerRows = rows(TABLE_ROW, header).get(1);
        assertThat(headerRows)
                .as("include/wallsync.h vmclock table against VmclockLayout.FIELDS")
                .containsExactlyElementsOf(VmclockLayout.FIELDS.stream()
                        .map(PageAbiConsistencyTest::row)
                        .toList());
        assertThat(rows(DOC_ROW, doc).get(1))
                .as("docs/page-abi.md page v2 table")
                .isEqualTo(headerRows);
        List<String> names = new ArrayList<>(linux.keySet());
        assertThat(headerRows).hasSameSizeAs(names);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String[] offsetSize = linux.get(name).split(" ");
            int pageOffset = VMCLOCK_START + Integer.parseInt(offsetSize[0]);
            String[] row = headerRows.get(i).split(" ");
            assertThat(row[2]).as("row " + i).isEqualTo(name);
            assertThat(Integer.parseInt(row[0])).as(name + " offset").isEqualTo(pageOffset);
            assertThat(typeSize(row[1])).as(name + " is " + row[1]).isEqualTo(Integer.parseInt(offsetSize[1]));
            String signed = c.get("signed vmclock_" + name);
            if (signed != null) {
                assertThat(signed).as(name + " is " + row[1]).isEqualTo(row[1].startsWith("s") ? "1 0" : "0 0");
            }
            assertThat(c.get("wallsync_page vmclock_" + name))
                    .as("struct wallsync_page vmclock." + name)
                    .isEqualTo(pageOffset + " " + offsetSize[1]);
        }

        Matcher macro =
                Pattern.compile("#define WALLSYNC_VMCLOCK_(\\w+)_OFFSET (\\d+)").matcher(header);
        Map<String, Integer> macros = new LinkedHashMap<>();
        while (macro.find()) {
            macros.put(macro.group(1).toLowerCase(), Integer.parseInt(macro.group(2)));
        }
        Map<String, Integer> expected = new LinkedHashMap<>();
        linux.forEach((name, v) -> expected.put(name, VMCLOCK_START + Integer.parseInt(v.split(" ")[0])));
        assertThat(macros).containsExactlyEntriesOf(expected);
        Map<String, Integer> fromJava = new LinkedHashMap<>();
        VmclockLayout.FIELDS.forEach(f -> fromJava.put(f.name(), f.offset()));
        assertThat(macros).containsExactlyEntriesOf(fromJava);
        assertThat(header).contains("#define WALLSYNC_VMCLOCK_START " + VmclockLayout.PAGE_OFFSET + "\n");
        assertThat(header).contains("#define WALLSYNC_VMCLOCK_ABI_SIZE " + VmclockLayout.SIZE + "\n");
        assertThat(header).contains("#define WALLSYNC_VMCLOCK_REGION_SIZE " + VmclockLayout.REGION_SIZE + "\n");
        assertThat(header)
                .contains("#define WALLSYNC_VMCLOCK_MAGIC 0x" + Integer.toHexString(VmclockLayout.MAGIC) + "u");
        assertThat(header).contains("#define WALLSYNC_VMCLOCK_VERSION " + VmclockLayout.VERSION + "\n");
        assertThat(header).contains("#define WALLSYNC_VMCLOCK_COUNTER_X86_TSC " + VmclockLayout.COUNTER_X86_TSC + "\n");
        assertThat(header)
                .contains("#define WALLSYNC_VMCLOCK_COUNTER_INVALID 0x"
                        + Integer.toHexString(VmclockLayout.COUNTER_INVALID) + "\n");
        assertThat(header).contains("#define WALLSYNC_VMCLOCK_TIME_UTC " + VmclockLayout.TIME_UTC + "\n");
        // Every flag bit: the Java constant against the header's macro of the same name.
        Map<String, Long> javaFlags = new LinkedHashMap<>();
        for (java.lang.reflect.Field f : VmclockLayout.class.getFields()) {
            if (f.getName().startsWith("FLAG_")) {
                javaFlags.put(f.getName(), f.getLong(null));
            }
        }
        Matcher flag = Pattern.compile("#define WALLSYNC_VMCLOCK_(FLAG_\\w+) \\(1ull << (\\d+)\\)")
                .matcher(header);
        Map<String, Long> cFlags = new LinkedHashMap<>();
        while (flag.find()) {
            cFlags.put(flag.group(1), 1L << Integer.parseInt(flag.group(2)));
        }
        assertThat(cFlags).hasSize(10).containsExactlyInAnyOrderEntriesOf(javaFlags);
    }

    /** Bytes of a kernel-spelled type: u8 s16 u32 u64, or an array such as u8[2]. */
    private static int typeSize(String type) {
        Matcher m = Pattern.compile("([us])(8|16|32|64)(?:\\[(\\d+)])?").matcher(type);
        assertThat(m.matches()).as(type).isTrue();
        int n = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
        return Integer.parseInt(m.group(2)) / 8 * n;
    }
}
