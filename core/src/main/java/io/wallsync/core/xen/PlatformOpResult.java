package io.wallsync.core.xen;

/** The outcome of a {@code __HYPERVISOR_platform_op} hypercall: done, or a Xen errno. */
public sealed interface PlatformOpResult {

    /** The hypercall return value: 0, or -errno. */
    int rc();

    /** The operation was carried out; the hypercall returned 0. */
    record Done() implements PlatformOpResult {
        @Override
        public int rc() {
            return 0;
        }
    }

    /**
     * The hypervisor refused the operation.
     *
     * @param errno the error, returned as {@code -errno.number()}
     * @param why what was wrong and what was expected, for people
     */
    record Failed(XenErrno errno, String why) implements PlatformOpResult {
        public Failed {
            java.util.Objects.requireNonNull(errno, "errno");
            java.util.Objects.requireNonNull(why, "why");
        }

        @Override
        public int rc() {
            return errno.rc();
        }
    }
}
