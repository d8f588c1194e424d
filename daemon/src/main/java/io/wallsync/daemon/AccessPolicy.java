package io.wallsync.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import jdk.net.UnixDomainPrincipal;

/**
 * Who may change the daemon through the control socket: root, or a member of the configured group.
 * The peer is identified by the kernel (SO_PEERCRED, read by the JDK through
 * {@code jdk.net.ExtendedSocketOptions.SO_PEERCRED}, which is getsockopt(SOL_SOCKET, SO_PEERCRED)
 * on the connected socket): its uid and primary gid at connect time, which the peer cannot forge.
 * Membership counts when the group is the peer's primary group or when the peer's user name is
 * listed in the group's entry of the group file (/etc/group). Read-only requests are open to all.
 *
 * @param group the configured group, or empty for "root only"
 * @param groupFile the group database to read supplementary members from
 */
public record AccessPolicy(Optional<String> group, Path groupFile) {
    public static final String ROOT = "root";

    public static AccessPolicy rootOr(Optional<String> group) {
        return new AccessPolicy(group, Path.of("/etc/group"));
    }

    /** Null when {@code peer} may change things, else the refusal text. */
    public String refusal(UnixDomainPrincipal peer, String request) {
        String user = peer.user().getName();
        String primaryGroup = peer.group().getName();
        if (ROOT.equals(user)) {
            return null;
        }
        if (group.isPresent()) {
            if (group.get().equals(primaryGroup) || listedMember(group.get(), user)) {
                return null;
            }
            return "permission denied: '" + request + "' changes the daemon; peer user " + user + " (group "
                    + primaryGroup + ") is neither root nor in group " + group.get();
        }
        return "permission denied: '" + request + "' changes the daemon; peer user " + user
                + " is not root (no control group configured; see --control-group)";
    }

    private boolean listedMember(String groupName, String user) {
        try {
            for (String line : Files.readAllLines(groupFile)) {
                // group_name:password:GID:user_list (group(5))
                String[] fields = line.split(":", -1);
                if (fields.length == 4 && fields[0].equals(groupName)) {
                    return Arrays.asList(fields[3].split(",")).contains(user);
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
