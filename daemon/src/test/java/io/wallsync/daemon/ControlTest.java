package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wallsync.adapters.linux.UnixStreamSockets.PeerCredentials;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlTest {
    @TempDir
    Path dir;

    /** A user and group database: root 0/0, alice 1000/100 (users), bob 1001, carol 1002, dave 1003/990. */
    private AccessPolicy policy(Optional<String> group) throws Exception {
        Path passwd = dir.resolve("passwd");
        Files.writeString(
                passwd,
                "root:x:0:0::/root:/bin/sh\nalice:x:1000:100::/home/alice:/bin/sh\nbob:x:1001:100::/:/bin/sh\n"
                        + "carol:x:1002:100::/:/bin/sh\ndave:x:1003:990::/:/bin/sh\n");
        Path groupFile = dir.resolve("group");
        Files.writeString(groupFile, "root:x:0:\nwallsync:x:990:bob,carol\nusers:x:100:\n");
        return new AccessPolicy(group, groupFile, passwd);
    }

    private static PeerCredentials peer(long uid, long gid) {
        return new PeerCredentials(4242, uid, gid);
    }

    @Test
    void rootMayAlwaysChange() throws Exception {
        assertThat(policy(Optional.empty()).refusal(peer(0, 0), "set-offset web 1"))
                .isNull();
    }

    @Test
    void otherUsersAreRefusedWithTheReason() throws Exception {
        String refusal = policy(Optional.of("wallsync")).refusal(peer(1000, 100), "set-offset web 1");
        assertThat(refusal)
                .isEqualTo("permission denied: 'set-offset web 1' changes the daemon; peer user alice (group users)"
                        + " is neither root nor in group wallsync");
        assertThat(policy(Optional.empty()).refusal(peer(1000, 100), "remove web"))
                .contains("peer user alice is not root");
        // A uid without a passwd entry is named by its number.
        assertThat(policy(Optional.empty()).refusal(peer(4711, 4711), "remove web"))
                .contains("peer user 4711 is not root");
        assertThat(policy(Optional.empty()).describe(peer(1000, 100))).isEqualTo("uid 1000 (alice) pid 4242");
    }

    @Test
    void controlGroupMembersMayChangeByPrimaryGroupOrGroupFileListing() throws Exception {
        AccessPolicy policy = policy(Optional.of("wallsync"));
        assertThat(policy.refusal(peer(1003, 990), "add x"))
                .as("dave: primary gid 990")
                .isNull();
        assertThat(policy.refusal(peer(1002, 100), "add x")).as("carol: listed").isNull();
        assertThat(policy.refusal(peer(1000, 100), "add x")).as("alice").startsWith("permission denied");
    }

    @Test
    void aControlGroupThatDoesNotExistIsRejectedByName() {
        assertThatThrownBy(() -> AccessPolicy.checked(Optional.of("nosuchgroup-wallsync")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--control-group nosuchgroup-wallsync: no such group in /etc/group");
        assertThat(AccessPolicy.checked(Optional.of("root")).group()).contains("root");
        assertThat(AccessPolicy.checked(Optional.empty()).group()).isEmpty();
    }

    private static String ask(SocketChannel ch, BufferedReader in, String request) throws Exception {
        ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
        return in.readLine();
    }

    @Test
    void socketServesRequestsAndExplainsMalformedOnes() throws Exception {
        ServeDaemon daemon = ControlServerMain.webDaemon(dir, Duration.ofMillis(50));
        // The test runs as root (CI and this machine); the peer check passes through SO_PEERCRED.
        boolean root = "root".equals(System.getProperty("user.name"));
        try (ControlServer server = ControlServer.start(
                        dir, new ControlProtocol(daemon, AccessPolicy.rootOr(Optional.empty())), l -> {});
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(server.socketPath()));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            assertThat(ask(ch, in, "list")).isEqualTo("ok web:0:1");
            assertThat(ask(ch, in, "get-offset web")).isEqualTo("ok web 0");
            assertThat(ask(ch, in, "get-offset nope")).isEqualTo("error no domain nope");
            assertThat(ask(ch, in, "set-offset web")).isEqualTo("error usage: set-offset NAME OFFSET_S");
            assertThat(ask(ch, in, "set-offset web soon"))
                    .startsWith(
                            root ? "error offset 'soon' is not a whole number of seconds" : "error permission denied");
            assertThat(ask(ch, in, "frobnicate"))
                    .isEqualTo(
                            "error unknown request 'frobnicate': expected list, get-offset, set-offset, add or remove");
            assertThat(ask(ch, in, "add ../etc")).startsWith("error");
            if (root) {
                assertThat(ask(ch, in, "set-offset web -60")).isEqualTo("ok web -60");
                assertThat(ask(ch, in, "add db 3600")).isEqualTo("ok added db");
                assertThat(ask(ch, in, "list")).isEqualTo("ok web:-60:2 db:3600:1");
                assertThat(dir.resolve("db.page")).exists();
                assertThat(ask(ch, in, "remove db")).isEqualTo("ok removed db");
                assertThat(dir.resolve("db.page")).doesNotExist();
            }
            ch.write(ByteBuffer.wrap(("x".repeat(300) + "\n").getBytes(StandardCharsets.UTF_8)));
            assertThat(in.readLine()).isEqualTo("error request longer than 256 bytes");
        } finally {
            daemon.close();
        }
        assertThat(dir.resolve(ControlServer.SOCKET_NAME)).doesNotExist();
    }

    @Test
    void bindErrorsNameTheSocketPathAndTheCause() throws Exception {
        ControlProtocol protocol = new ControlProtocol(null, AccessPolicy.rootOr(Optional.empty()));
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> ControlServer.start(missing, protocol, l -> {}))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("control socket: cannot bind " + missing.resolve(ControlServer.SOCKET_NAME)
                        + ": ENOENT: No such file or directory");
        Files.writeString(dir.resolve(ControlServer.SOCKET_NAME), "not a socket");
        assertThatThrownBy(() -> ControlServer.start(dir, protocol, l -> {}))
                .hasMessage("cannot bind control socket " + dir.resolve(ControlServer.SOCKET_NAME)
                        + ": it exists and is not a socket; refusing to replace it");
        // sun_path holds 107 bytes and a NUL (include/uapi/linux/un.h: UNIX_PATH_MAX 108).
        Path deep = Files.createDirectories(dir.resolve("d".repeat(120)));
        assertThatThrownBy(() -> ControlServer.start(deep, protocol, l -> {}))
                .hasMessageContaining("a Unix socket path holds at most 107 (use a shorter --dir)")
                .hasMessageContaining(deep.resolve(ControlServer.SOCKET_NAME).toString());
    }
}
