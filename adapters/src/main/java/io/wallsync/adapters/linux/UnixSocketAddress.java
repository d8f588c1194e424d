package io.wallsync.adapters.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An AF_UNIX socket address (unix(7)): a filesystem path, or a name in Linux's abstract namespace.
 *
 * <pre>
 *  struct sockaddr_un (include/uapi/linux/un.h), 110 bytes:
 *  offset  size  field
 *  0       u16   sun_family   AF_UNIX = 1
 *  2       108   sun_path     path: NUL-terminated (at most 107 bytes);
 *                             abstract: a 0 byte, then the name (at most 107 bytes, not terminated)
 * </pre>
 *
 * The address length passed to the kernel is {@code 2 + strlen(path) + 1} for a path and {@code 2 +
 * 1 + strlen(name)} for an abstract name: an abstract name is exactly that many bytes, so a longer
 * length would name another socket (systemd's sd_notify computes it the same way).
 */
public final class UnixSocketAddress {
    static final int AF_UNIX = 1;
    static final int SUN_FAMILY_OFFSET = 0;
    static final int SUN_PATH_OFFSET = SUN_FAMILY_OFFSET + Short.BYTES;
    static final int SUN_PATH_BYTES = 108;
    static final int SOCKADDR_UN_BYTES = SUN_PATH_OFFSET + SUN_PATH_BYTES;

    private final byte[] sunPath;
    private final String display;

    private UnixSocketAddress(byte[] sunPath, String display) {
        this.sunPath = sunPath;
        this.display = display;
    }

    /**
     * A socket at a filesystem path.
     *
     * @throws IllegalArgumentException if the path does not fit in sun_path or holds a NUL byte
     */
    public static UnixSocketAddress path(Path path) {
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length >= SUN_PATH_BYTES) {
            throw new IllegalArgumentException("socket path " + path + " is " + bytes.length
                    + " bytes; a Unix socket path holds 1.." + (SUN_PATH_BYTES - 1));
        }
        checkNoNul(bytes, path.toString());
        // The NUL terminator is part of the address passed to the kernel.
        return new UnixSocketAddress(Arrays.copyOf(bytes, bytes.length + 1), path.toString());
    }

    /**
     * A socket in the abstract namespace, written {@code @name} by ss(8) and systemd.
     *
     * @throws IllegalArgumentException if the name is empty, too long or holds a NUL byte
     */
    public static UnixSocketAddress abstractName(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length >= SUN_PATH_BYTES) {
            throw new IllegalArgumentException("abstract socket name @" + name + " is " + bytes.length
                    + " bytes; an abstract name holds 1.." + (SUN_PATH_BYTES - 1));
        }
        checkNoNul(bytes, "@" + name);
        byte[] sunPath = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, sunPath, 1, bytes.length); // sunPath[0] = 0 marks the abstract namespace
        return new UnixSocketAddress(sunPath, "@" + name);
    }

    private static void checkNoNul(byte[] bytes, String shown) {
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("socket address " + shown.replace('\0', '?') + " holds a NUL byte");
            }
        }
    }

    /** Writes the sockaddr_un into {@code sockaddr} (at least 110 bytes); returns its length. */
    int writeTo(MemorySegment sockaddr) {
        sockaddr.fill((byte) 0);
        sockaddr.set(ValueLayout.JAVA_SHORT, SUN_FAMILY_OFFSET, (short) AF_UNIX);
        MemorySegment.copy(sunPath, 0, sockaddr, ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET, sunPath.length);
        return SUN_PATH_OFFSET + sunPath.length;
    }

    /** True for an abstract-namespace name. */
    public boolean isAbstract() {
        return sunPath[0] == 0;
    }

    /** The path, or {@code @name} for an abstract name. */
    @Override
    public String toString() {
        return display;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixSocketAddress other && Arrays.equals(sunPath, other.sunPath);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sunPath);
    }
}
