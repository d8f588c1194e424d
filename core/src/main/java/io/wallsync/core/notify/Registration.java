package io.wallsync.core.notify;

import java.util.Objects;

/**
 * A block's place on one {@link NotifierChain}: the block, its priority and the order in which it
 * was registered. Hand it back to {@link NotifierChain#unregister(Registration)} (or call {@link
 * #unregister()}) to remove the block.
 *
 * @param <E> the chain's event type
 */
public final class Registration<E> {
    private final NotifierChain<E> chain;
    private final NotifierBlock<E> block;
    private final int priority;
    private final long sequence;

    Registration(NotifierChain<E> chain, NotifierBlock<E> block, int priority, long sequence) {
        this.chain = Objects.requireNonNull(chain);
        this.block = Objects.requireNonNull(block);
        this.priority = priority;
        this.sequence = sequence;
    }

    /** The registered callback. */
    public NotifierBlock<E> block() {
        return block;
    }

    /** Higher runs earlier ({@code notifier_block.priority}). */
    public int priority() {
        return priority;
    }

    /** 0 for the first block ever registered on the chain, then 1, 2, ...; ties in priority run in this order. */
    public long sequence() {
        return sequence;
    }

    /** Removes this block from its chain; false if it was already removed. */
    public boolean unregister() {
        return chain.unregister(this);
    }

    /** True while the block is on its chain. */
    public boolean isRegistered() {
        return chain.isRegistered(this);
    }

    @Override
    public String toString() {
        return "Registration[priority=" + priority + ", sequence=" + sequence + ", block=" + block + "]";
    }
}
