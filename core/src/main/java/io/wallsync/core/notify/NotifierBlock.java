package io.wallsync.core.notify;

/**
 * One callback on a {@link NotifierChain}: the {@code notifier_call} of a Linux {@code struct
 * notifier_block} (include/linux/notifier.h). The priority lives in the chain's {@link Registration}.
 *
 * @param <E> the event the chain delivers (Linux passes an action code and a data pointer)
 */
@FunctionalInterface
public interface NotifierBlock<E> {
    /**
     * Handles one event. Return {@link NotifyResult#STOP} or {@link NotifyResult#BAD} to keep lower
     * priority blocks from seeing it.
     */
    NotifyResult notify(E event);
}
