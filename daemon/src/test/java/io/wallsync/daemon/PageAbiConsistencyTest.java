package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.abi.AbiField;
import io.wallsync.core.page.PageExtensionLayout;
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
 */
class PageAbiConsistencyTest {
    @TempDir
    Path tmp;

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
        Matcher m =
                Pattern.compile("(?m)^\\| (\\d+) \\| ([^|]+?) \\| `(\\w+)` \\|").matcher(doc);
        List<String> rows = new ArrayList<>();
        while (m.find()) {
            rows.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
        }
        assertThat(rows)
                .containsExactlyElementsOf(
                        pageFields().stream().map(PageAbiConsistencyTest::row).toList());
    }

    @Test
    void headerCommentTableAndMacrosEqualTheDescriptors() throws Exception {
        String header = Files.readString(CBuild.ROOT.resolve("include/wallsync.h"));
        Matcher table = Pattern.compile("(?m)^ \\*  (\\d+)\\s+(\\S+)\\s+(\\w+)").matcher(header);
        List<String> rows = new ArrayList<>();
        while (table.find()) {
            rows.add(table.group(1) + " " + table.group(2) + " " + table.group(3));
        }
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
            macros.put(macro.group(1).toLowerCase(), Integer.parseInt(macro.group(2)));
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
        assertThat(header).contains("#define WALLSYNC_PAGE_SIZE " + PageExtensionLayout.PAGE_SIZE + "\n");
        assertThat(header).contains("#define WALLSYNC_LAYOUT_VERSION " + PageExtensionLayout.LAYOUT_VERSION + "\n");
    }

    @Test
    void gccGivesTheUpstreamStructsAndStructWallsyncPageTheDescriptorOffsets() throws Exception {
        Path bin = CBuild.compile(tmp, "tests/c/wallsync_layout.c", "wallsync_layout");
        CBuild.Result r = CBuild.run(bin);
        assertThat(r.exitCode()).as(r.output()).isZero();
        Map<String, String> c = new LinkedHashMap<>();
        for (String line : r.output().strip().split("\n")) {
            String[] w = line.split(" ");
            c.put(w[0] + " " + w[1], w[2] + " " + w[3]);
        }
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
        assertThat(c.get("wallsync_page sizeof")).isEqualTo("0 " + PageExtensionLayout.PAGE_SIZE);
    }
}
