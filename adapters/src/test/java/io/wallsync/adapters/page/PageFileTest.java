package io.wallsync.adapters.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageFileTest {
    @TempDir
    Path tmp;

    @Test
    void newPageIsInvisibleUntilPublishedThenMode0644InADirectoryOf0755() throws IOException {
        Path dir = tmp.resolve("wallsync");
        try (PageFile page = PageFile.openForWriting(dir, new DomainName("web"))) {
            assertThat(page.reused()).isFalse();
            // Written under a temporary name: readers cannot open a half-initialised page.
            assertThat(dir.resolve("web.page")).doesNotExist();
            page.publish();
            assertThat(dir.resolve("web.page")).isRegularFile().hasSize(8192);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("web.page"))))
                    .isEqualTo("rw-r--r--");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                    .isEqualTo("rwxr-xr-x");
            try (var listing = Files.list(dir)) {
                assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("web.page");
            }
        }
    }

    @Test
    void plantedSymlinkIsReplacedNotFollowed() throws IOException {
        Path dir = tmp.resolve("wallsync");
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PageDirectory.DIRECTORY_MODE);
        Path victim = tmp.resolve("victim");
        Files.writeString(victim, "precious");
        Files.createSymbolicLink(dir.resolve("web.page"), victim);
        try (PageFile page = PageFile.openForWriting(dir, new DomainName("web"))) {
            page.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 7);
            page.publish();
        }
        assertThat(Files.readString(victim)).isEqualTo("precious");
        assertThat(Files.isSymbolicLink(dir.resolve("web.page"))).isFalse();
        assertThat(Files.isRegularFile(dir.resolve("web.page"), LinkOption.NOFOLLOW_LINKS))
                .isTrue();
    }

    @Test
    void existingPageIsReusedInPlaceSoMappedReadersSeeTheRepair() throws IOException {
        Path dir = tmp.resolve("wallsync");
        try (PageFile first = PageFile.openForWriting(dir, new DomainName("web"))) {
            first.publish();
        }
        Object inode = Files.readAttributes(dir.resolve("web.page"), "unix:ino").get("ino");
        try (PageFile second = PageFile.openForWriting(dir, new DomainName("web"))) {
            assertThat(second.reused()).isTrue();
            second.publish();
        }
        assertThat(Files.readAttributes(dir.resolve("web.page"), "unix:ino").get("ino"))
                .isEqualTo(inode);
    }

    @Test
    void groupWritableDirectoryIsRefused() throws IOException {
        Path dir = tmp.resolve("shared");
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> PageFile.openForWriting(dir, new DomainName("web")))
                .isInstanceOf(PageDirectory.UnsafeDirectoryException.class)
                .hasMessageContaining("writable by group or others");
    }

    @Test
    void symlinkedDirectoryIsRefused() throws IOException {
        Path real = tmp.resolve("real");
        Files.createDirectory(real);
        Path link = tmp.resolve("link");
        Files.createSymbolicLink(link, real);
        assertThatThrownBy(() -> PageFile.openForWriting(link, new DomainName("web")))
                .isInstanceOf(PageDirectory.UnsafeDirectoryException.class)
                .hasMessageContaining("symbolic link");
    }

    @Test
    void deleteRemovesTheFile() throws IOException {
        Path dir = tmp.resolve("wallsync");
        PageFile page = PageFile.openForWriting(dir, new DomainName("web"));
        page.publish();
        page.delete();
        assertThat(dir.resolve("web.page")).doesNotExist();
    }

    @Test
    void defaultDirectoryFallsBackToXdgRuntimeDirWhenRunIsNotWritable() throws IOException {
        Path run = tmp.resolve("run");
        Files.createDirectory(run);
        assertThat(PageDirectory.defaultDirectory(java.util.Map.of(), run)).isEqualTo(run.resolve("wallsync"));
        Path missing = tmp.resolve("no-such-run");
        assertThat(PageDirectory.defaultDirectory(java.util.Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), missing))
                .isEqualTo(Path.of("/run/user/1000/wallsync"));
    }
}
