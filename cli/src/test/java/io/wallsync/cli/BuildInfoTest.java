package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wallsync --version} names the version and the commit; {@code scripts/build-info.sh}
 * writes them, and never fails for a tree without git (a source tarball).
 */
class BuildInfoTest {
    @TempDir
    Path tmp;

    /** The source root: the directory holding {@code scripts/build-info.sh} above the test's cwd. */
    static Path sourceRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/build-info.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException(
                "scripts/build-info.sh not found above " + Path.of("").toAbsolutePath());
    }

    /** Runs a command in {@code dir}; returns its standard output, failing the test on a non-zero exit. */
    static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS))
                .as("%s exits", List.of(command))
                .isTrue();
        assertThat(p.exitValue()).as("%s: %s", List.of(command), out).isZero();
        return out.strip();
    }

    /** Runs build-info.sh on {@code root} and returns the properties it wrote. */
    private Properties buildInfo(Path root) throws Exception {
        Path out = tmp.resolve("out/build-info.properties");
        run(
                tmp,
                "bash",
                sourceRoot().resolve("scripts/build-info.sh").toString(),
                "1.2.3",
                root.toString(),
                out.toString());
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(out)) {
            p.load(in);
        }
        return p;
    }

    private static void git(Path repo, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "git",
                "-c",
                "user.name=wallsync test",
                "-c",
                "user.email=test@wallsync.invalid",
                "-C",
                repo.toString()));
        cmd.addAll(List.of(args));
        run(repo, cmd.toArray(String[]::new));
    }

    /** A git repository with one committed file, a.txt. */
    private Path committedRepo(String name) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve(name));
        git(repo, "init", "-q");
        Files.writeString(repo.resolve("a.txt"), "one\n");
        git(repo, "add", "a.txt");
        git(repo, "commit", "-q", "-m", "first");
        return repo;
    }

    @Test
    void aTreeWithoutGitIsBuiltWithCommitUnknown() throws Exception {
        Path tarball = Files.createDirectories(tmp.resolve("wallsync-src"));
        Properties p = buildInfo(tarball);
        assertThat(p.getProperty("version")).isEqualTo("1.2.3");
        assertThat(p.getProperty("commit")).isEqualTo("unknown");
    }

    @Test
    void aTarballUnpackedInsideAnotherWorkTreeDoesNotReportThatTreesCommit() throws Exception {
        Path outer = committedRepo("outer");
        Path inner = Files.createDirectories(outer.resolve("vendor/wallsync-src"));
        assertThat(buildInfo(inner).getProperty("commit")).isEqualTo("unknown");
    }

    @Test
    void aCleanCheckoutIsNamedByItsShortHash() throws Exception {
        Path repo = committedRepo("clean");
        // Untracked files do not make a build dirty (as for git describe --dirty).
        Files.writeString(repo.resolve("untracked.txt"), "x\n");
        String commit = buildInfo(repo).getProperty("commit");
        assertShortHashOfHead(repo, commit);
    }

    @Test
    void aModifiedTrackedFileMarksTheCommitDirty() throws Exception {
        Path repo = committedRepo("dirty");
        Files.writeString(repo.resolve("a.txt"), "two\n");
        String commit = buildInfo(repo).getProperty("commit");
        assertThat(commit).endsWith("-dirty");
        assertShortHashOfHead(repo, commit.substring(0, commit.length() - "-dirty".length()));
    }

    /** A short hash of HEAD is a prefix of its full 40-hex-digit hash, at least 7 digits (git's minimum). */
    private static void assertShortHashOfHead(Path repo, String shortHash) throws Exception {
        assertThat(shortHash).matches("[0-9a-f]{7,39}");
        assertThat(run(repo, "git", "rev-parse", "HEAD")).startsWith(shortHash);
    }

    @Test
    void missingOrBlankValuesAreUnknown() {
        Properties p = new Properties();
        p.setProperty("version", " ");
        BuildInfo info = BuildInfo.of(p);
        assertThat(info.version()).isEqualTo("unknown");
        assertThat(info.commit()).isEqualTo("unknown");
    }

    @Test
    void versionOptionNamesTheProjectVersionAndTheCommitOfThisBuild() throws Exception {
        CommandRunner r = CommandRunner.run("--version");
        assertThat(r.exitCode()).isZero();
        String first = r.out().lines().findFirst().orElseThrow();
        // cli's pom hands surefire ${project.version}: the version the jar must name.
        String pomVersion = System.getProperty("wallsync.expectedVersion");
        assertThat(pomVersion).as("surefire property wallsync.expectedVersion").isNotBlank();
        assertThat(first).startsWith("wallsync " + pomVersion + " (commit ");
        Path root = sourceRoot();
        if (Files.exists(root.resolve(".git"))) {
            String commit = first.replaceFirst("^wallsync \\S+ \\(commit ([^)]+)\\)$", "$1");
            assertShortHashOfHead(root, commit.replaceFirst("-dirty$", ""));
        } else {
            assertThat(first).endsWith("(commit unknown)");
        }
        assertThat(r.out()).contains("Java " + Runtime.version());
    }
}
