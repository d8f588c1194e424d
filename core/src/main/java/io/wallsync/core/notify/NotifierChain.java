package io.wallsync.core.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A raw notifier chain as in Linux kernel/notifier.c: blocks ordered by descending priority, equal
 * priorities in registration order, called one after the other until one answers with the stop bit.
 *
 * <p>Ordering follows {@code notifier_chain_register()}: a new block goes in front of the first
 * block with a <em>lower</em> priority, so it lands behind every block of the same priority. {@link
 * #call(Object)} follows {@code notifier_call_chain()}: the result starts as {@link
 * NotifyResult#DONE}, each block's answer replaces it, and a result with {@code NOTIFY_STOP_MASK}
 * ends the walk; the last answer is returned.
 *
 * <p>Like a Linux <em>raw</em> notifier chain this class does no locking: the core is
 * single-threaded and callers serialise access, the way the kernel's pvclock_gtod chain relies on
 * the timekeeping lock. A block may register or unregister blocks (itself included) from inside
 * its callback; the walk in progress uses the chain as it stood when {@link #call(Object)} began,
 * and the change takes effect on the next call.
 *
 * @param <E> the event delivered to every block
 */
public final class NotifierChain<E> {
    private final List<Registration<E>> ordered = new ArrayList<>();
    private long nextSequence;
    private long callCount;
    private long blockCallCount;
    private long stoppedCount;

    /**
     * Adds {@code block} with {@code priority} (higher is called first).
     *
     * @throws IllegalArgumentException if this very block instance is already on the chain (Linux
     *     refuses a double registration with -EEXIST; here it is a programming error)
     */
    public Registration<E> register(NotifierBlock<E> block, int priority) {
        Objects.requireNonNull(block, "block");
        for (Registration<E> r : ordered) {
            if (r.block() == block) {
                throw new IllegalArgumentException("notifier block " + block
                        + " is already registered on this chain (priority " + r.priority() + "); unregister it first");
            }
        }
        Registration<E> registration = new Registration<>(this, block, priority, nextSequence++);
        int index = 0;
        // notifier_chain_register(): walk past every entry whose priority is >= ours.
        while (index < ordered.size() && ordered.get(index).priority() >= priority) {
            index++;
        }
        ordered.add(index, registration);
        return registration;
    }

    /** Removes the registration; false if it is not (or no longer) on this chain. */
    public boolean unregister(Registration<E> registration) {
        Objects.requireNonNull(registration, "registration");
        return ordered.remove(registration);
    }

    /** Removes {@code block} if it is on this chain (notifier_chain_unregister); false otherwise. */
    public boolean unregister(NotifierBlock<E> block) {
        Objects.requireNonNull(block, "block");
        return ordered.removeIf(r -> r.block() == block);
    }

    boolean isRegistered(Registration<E> registration) {
        return ordered.contains(registration);
    }

    /**
     * Calls every block in order with {@code event}, stopping after the first answer that has the
     * stop bit. Returns the last answer, or {@link NotifyResult#DONE} when the chain is empty.
     */
    public NotifyResult call(E event) {
        Objects.requireNonNull(event, "event");
        callCount++;
        // Walk a copy so that a block may (un)register during the walk, as notifier_call_chain()
        // tolerates a block unregistering itself by loading next_nb before the call.
        List<Registration<E>> snapshot = List.copyOf(ordered);
        NotifyResult result = NotifyResult.DONE;
        for (Registration<E> r : snapshot) {
            blockCallCount++;
            result = Objects.requireNonNull(
                    r.block().notify(event), () -> "notifier block " + r.block() + " returned null");
            if (result.stopsChain()) {
                stoppedCount++;
                break;
            }
        }
        return result;
    }

    /** The registrations in calling order. */
    public List<Registration<E>> registrations() {
        return List.copyOf(ordered);
    }

    /** Number of blocks on the chain. */
    public int size() {
        return ordered.size();
    }

    /** How many times {@link #call(Object)} ran. */
    public long callCount() {
        return callCount;
    }

    /** How many block invocations all calls made together. */
    public long blockCallCount() {
        return blockCallCount;
    }

    /** How many calls ended early because a block answered with the stop bit. */
    public long stoppedCount() {
        return stoppedCount;
    }
}
