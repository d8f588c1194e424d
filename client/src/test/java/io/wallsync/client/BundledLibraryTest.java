package io.wallsync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one extraction of a jar's native library (used by TscCounter and by cli's `run`). */
class BundledLibraryTest {
    @TempDir
    Path tmp;

    @Test
    void theJarsCopyIsExtractedOnceIntoAPrivateDirectoryReadOnlyAndNamedByItsHash() throws Exception {
        Map<String, String> env = Map.of("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        Path lib = TscCounter.LIBRARY.locate(env).orElseThrow();
        assertThat(lib.getParent()).isEqualTo(tmp.resolve("cache/wallsync"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lib.getParent())))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lib)))
                .isEqualTo("r-x------");
        assertThat(lib.getFileName().toString()).matches("libwallsync-counter-[0-9a-f]{16}\\.so");
        long modified = Files.getLastModifiedTime(lib).toMillis();
        assertThat(TscCounter.LIBRARY.locate(env)).contains(lib);
        assertThat(Files.getLastModifiedTime(lib).toMillis()).isEqualTo(modified); // reused, not rewritten
        try (var files = Files.list(lib.getParent())) {
            assertThat(files.toList()).containsExactly(lib); // no temporary left behind
        }
    }

    @Test
    void aLibraryThisBuildDoesNotCarryIsEmptyNotAnError() throws Exception {
        BundledLibrary absent = new BundledLibrary("libwallsync-absent.so", BundledLibraryTest.class);
        assertThat(absent.locate(Map.of("XDG_CACHE_HOME", tmp.toString()))).isEmpty();
        assertThat(absent.resourceName())
                .isEqualTo("native/linux-" + System.getProperty("os.arch") + "/libwallsync-absent.so");
        assertThatThrownBy(() -> new BundledLibrary("../evil.so", BundledLibraryTest.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("library file name must be lib<name>.so, got ../evil.so");
    }

    @Test
    void aCacheDirectoryOpenToOthersOrASymlinkIsRefused() throws Exception {
        Path open = Files.createDirectories(tmp.resolve("open/wallsync"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> TscCounter.LIBRARY.extract(new byte[] {1}, open))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unsafe cache directory " + open + " for libwallsync-counter.so")
                .hasMessageContaining("mode rwxrwxrwx");
        Path target = Files.createDirectories(tmp.resolve("elsewhere"));
        Path link = Files.createDirectories(tmp.resolve("linked")).resolve("wallsync");
        Files.createSymbolicLink(link, target);
        assertThatThrownBy(() -> TscCounter.LIBRARY.extract(new byte[] {1}, link))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("a symbolic link");
        try (var files = Files.list(target)) {
            assertThat(files.toList()).isEmpty(); // nothing written through the link
        }
    }
}
