package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SO_PEERCRED end to end: the same request from root and from user nobody (a C client started
 * with setpriv). Needs root and setpriv, which CI and this machine have; skipped elsewhere.
 */
class ControlPeerCredentialTest {
    @Test
    void nobodyIsRefusedAndRootIsAllowedByTheKernelsPeerCredentials() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch to nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv");
        // A directory nobody can traverse (JUnit's @TempDir is 0700).
        Path dir = Files.createTempDirectory(
                "wallsync-peercred",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try {
            Path client = CBuild.compile(dir, "tests/c/control_client.c", "control_client");
            Path pages = dir.resolve("pages");
            ServeDaemon daemon = ControlServerMain.webDaemon(pages);
            try (ControlServer server = ControlServer.start(
                    pages,
                    new ControlProtocol(daemon, AccessPolicy.rootOr(Optional.of("wallsync-test-nogroup"))),
                    l -> {})) {
                String socket = server.socketPath().toString();
                CBuild.Result asNobody = CBuild.run(
                        Path.of("/usr/bin/setpriv"),
                        "--reuid=65534",
                        "--regid=65534",
                        "--clear-groups",
                        client.toString(),
                        socket,
                        "set-offset web 60");
                assertThat(asNobody.output().trim())
                        .startsWith("error permission denied: 'set-offset web 60' changes the daemon; peer user ")
                        .endsWith("is neither root nor in group wallsync-test-nogroup");
                CBuild.Result readAsNobody = CBuild.run(
                        Path.of("/usr/bin/setpriv"),
                        "--reuid=65534",
                        "--regid=65534",
                        "--clear-groups",
                        client.toString(),
                        socket,
                        "get-offset web");
                assertThat(readAsNobody.output().trim()).isEqualTo("ok web 0");
                CBuild.Result asRoot = CBuild.run(client, socket, "set-offset web 60");
                assertThat(asRoot.output().trim()).isEqualTo("ok web 60");
            } finally {
                daemon.close();
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }
}
