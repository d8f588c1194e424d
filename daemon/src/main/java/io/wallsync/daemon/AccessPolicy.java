package io.wallsync.daemon;

import io.wallsync.adapters.linux.UnixStreamSockets.PeerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Who may change the daemon through the control socket: root (uid 0), or a member of the
 * configured group. The peer is identified by the kernel: SO_PEERCRED on the accepted socket gives
 * its pid, uid and primary gid at connect time, which the peer cannot forge. Membership counts when
 * the group's gid is the peer's primary gid or when the peer's user name is listed in the group's
 * entry of the group file (/etc/group). Names come from the passwd and group files. Read-only
 * requests are open to all.
 *
 * @param group the configured group, or empty for "root only"
 * @param groupFile the group database (group(5))
 * @param passwdFile the user database (passwd(5)), for user names
 */
public record AccessPolicy(Optional<String> group, Path groupFile, Path passwdFile) {
    public static final Path GROUP_FILE = Path.of("/etc/group");
    public static final Path PASSWD_FILE = Path.of("/etc/passwd");

    public static AccessPolicy rootOr(Optional<String> group) {
        return new AccessPolicy(group, GROUP_FILE, PASSWD_FILE);
    }

    /**
     * As {@link #rootOr}, after checking that the group exists.
     *
     * @throws IllegalArgumentException naming the group when the group file has no entry for it
     */
    public static AccessPolicy checked(Optional<String> group) {
        AccessPolicy policy = rootOr(group);
        if (group.isPresent() && policy.groupEntry(group.get()) == null) {
            throw new IllegalArgumentException("--control-group " + group.get() + ": no such group in " + GROUP_FILE
                    + " (expected an existing group, e.g. created with groupadd; omit the option for root only)");
        }
        return policy;
    }

    /** Null when {@code peer} may change things, else the refusal text. */
    public String refusal(PeerCredentials peer, String request) {
        if (peer.uid() == 0) {
            return null;
        }
        String user = userName(peer.uid());
        String primaryGroup = groupName(peer.gid());
        if (group.isPresent()) {
            String[] entry = groupEntry(group.get());
            if (entry != null
                    && (entry[2].equals(Long.toString(peer.gid()))
                            || Arrays.asList(entry[3].split(",")).contains(user))) {
                return null;
            }
            return "permission denied: '" + request + "' changes the daemon; peer user " + user + " (group "
                    + primaryGroup + ") is neither root nor in group " + group.get();
        }
        return "permission denied: '" + request + "' changes the daemon; peer user " + user
                + " is not root (no control group configured; see --control-group)";
    }

    /** "uid 65534 (nobody) pid 4242", for logs. */
    public String describe(PeerCredentials peer) {
        return "uid " + peer.uid() + " (" + userName(peer.uid()) + ") pid " + peer.pid();
    }

    /** The user name of {@code uid} in the passwd file, else the number. */
    String userName(long uid) {
        String[] entry = entryWithField(passwdFile, 2, Long.toString(uid));
        return entry != null ? entry[0] : Long.toString(uid);
    }

    /** The group name of {@code gid} in the group file, else the number. */
    String groupName(long gid) {
        String[] entry = entryWithField(groupFile, 2, Long.toString(gid));
        return entry != null ? entry[0] : Long.toString(gid);
    }

    /** group_name:password:GID:user_list (group(5)), or null. */
    private String[] groupEntry(String name) {
        String[] entry = entryWithField(groupFile, 0, name);
        return entry != null && entry.length == 4 ? entry : null;
    }

    private static String[] entryWithField(Path file, int field, String value) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.split(":", -1);
                if (fields.length > Math.max(field, 2) && fields[field].equals(value)) {
                    return fields;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
