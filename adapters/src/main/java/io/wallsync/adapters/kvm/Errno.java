package io.wallsync.adapters.kvm;

/** Names of the Linux errno values KVM and the calls around it return (include/uapi/asm-generic/errno-base.h, errno.h). */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int EOPNOTSUPP = 95;

    private Errno() {}

    /** The symbolic name, or {@code errno N} for one not in this table. */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case ENXIO -> "ENXIO";
            case E2BIG -> "E2BIG";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ENOTTY -> "ENOTTY";
            case ENOSPC -> "ENOSPC";
            case ERANGE -> "ERANGE";
            case ENOSYS -> "ENOSYS";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            default -> "errno " + errno;
        };
    }

    /** {@code EACCES (13): permission denied} style text. */
    static String describe(int errno) {
        String meaning = switch (errno) {
            case EPERM -> "operation not permitted";
            case ENOENT -> "no such file or directory";
            case EINTR -> "interrupted";
            case EIO -> "I/O error";
            case ENXIO -> "no such device or address";
            case E2BIG -> "argument list too long";
            case EBADF -> "bad file descriptor";
            case EAGAIN -> "try again";
            case ENOMEM -> "out of memory";
            case EACCES -> "permission denied";
            case EFAULT -> "bad address";
            case EBUSY -> "device or resource busy";
            case EEXIST -> "already exists";
            case ENODEV -> "no such device";
            case EINVAL -> "invalid argument";
            case ENOTTY -> "inappropriate ioctl for device";
            case ENOSPC -> "no space left";
            case ERANGE -> "out of range";
            case ENOSYS -> "function not implemented";
            case EOPNOTSUPP -> "operation not supported";
            default -> "unknown error";
        };
        return name(errno) + " (" + errno + "): " + meaning;
    }
}
