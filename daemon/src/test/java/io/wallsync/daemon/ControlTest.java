package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import jdk.net.UnixDomainPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlTest {
    @TempDir
    Path dir;

    private static UnixDomainPrincipal peer(String user, String group) {
        UserPrincipal u = () -> user;
        GroupPrincipal g = () -> group;
        return new UnixDomainPrincipal(u, g);
    }

    @Test
    void rootMayAlwaysChange() {
        assertThat(AccessPolicy.rootOr(Optional.empty()).refusal(peer("root", "root"), "set-offset web 1"))
                .isNull();
    }

    @Test
    void otherUsersAreRefusedWithTheReason() {
        String refusal =
                AccessPolicy.rootOr(Optional.of("wallsync")).refusal(peer("alice", "users"), "set-offset web 1");
        assertThat(refusal)
                .isEqualTo("permission denied: 'set-offset web 1' changes the daemon; peer user alice (group users)"
                        + " is neither root nor in group wallsync");
        assertThat(AccessPolicy.rootOr(Optional.empty()).refusal(peer("alice", "users"), "remove web"))
                .contains("is not root");
    }

    @Test
    void controlGroupMembersMayChangeByPrimaryGroupOrGroupFileListing() throws Exception {
        Path groupFile = dir.resolve("group");
        Files.writeString(groupFile, "root:x:0:\nwallsync:x:990:bob,carol\nusers:x:100:\n");
        AccessPolicy policy = new AccessPolicy(Optional.of("wallsync"), groupFile);
        assertThat(policy.refusal(peer("dave", "wallsync"), "add x")).isNull();
        assertThat(policy.refusal(peer("carol", "users"), "add x")).isNull();
        assertThat(policy.refusal(peer("eve", "users"), "add x")).startsWith("permission denied");
    }

    private static String ask(SocketChannel ch, BufferedReader in, String request) throws Exception {
        ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
        return in.readLine();
    }

    @Test
    void socketServesRequestsAndExplainsMalformedOnes() throws Exception {
        FakeHostClock host = FakeHostClock.live(1_700_000_000_000_000_000L);
        ServeDaemon daemon = new ServeDaemon(
                new DaemonConfig(List.of(DomainSpec.parse("web")), Duration.ofMinutes(11), Duration.ofMillis(50)),
                host,
                host,
                FilePageSink.lock(dir),
                PushObserver.NONE,
                line -> {});
        daemon.start();
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
}
