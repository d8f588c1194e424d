package io.wallsync.core.xen;

/**
 * The Xen error numbers a hypercall of this model returns, negated, as its result
 * (xen/include/public/errno.h; the values equal Linux's asm-generic/errno-base.h and errno.h on
 * x86).
 */
public enum XenErrno {
    /** Operation not permitted: the caller is not the privileged (control) domain. */
    EPERM(1),
    /** No such file or directory (no such domain). */
    ENOENT(2),
    /** Permission denied: used for an interface_version mismatch. */
    EACCES(13),
    /** Bad address: the argument could not be copied from guest memory. */
    EFAULT(14),
    /** Invalid argument. */
    EINVAL(22),
    /** Function not implemented: unknown sub-command. */
    ENOSYS(38);

    private final int number;

    XenErrno(int number) {
        this.number = number;
    }

    /** The positive errno number, e.g. 1 for EPERM. */
    public int number() {
        return number;
    }

    /** The hypercall return value for this error: {@code -number()}. */
    public int rc() {
        return -number;
    }

    /** The errno with this positive number, if this model knows it. */
    public static java.util.Optional<XenErrno> ofNumber(int number) {
        for (XenErrno e : values()) {
            if (e.number == number) {
                return java.util.Optional.of(e);
            }
        }
        return java.util.Optional.empty();
    }
}
