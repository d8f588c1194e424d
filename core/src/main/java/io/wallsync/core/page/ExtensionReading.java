package io.wallsync.core.page;

/** The outcome of a seqlock read of the extension: the fields of one write, or a failure. */
public sealed interface ExtensionReading {
    /**
     * The fields of one write, read between two equal even seq_count values.
     *
     * @param seqCount the even seq_count both checks saw
     */
    record Value(ExtensionFields fields, int seqCount) implements ExtensionReading {}

    /**
     * No consistent snapshot: the retry policy gave up.
     *
     * @param attempts how many attempts failed
     * @param lastSeqCount the seq_count seen last (odd: a writer inside, or one that died there)
     */
    record Failed(int attempts, int lastSeqCount) implements ExtensionReading {}
}
