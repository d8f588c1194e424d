package io.wallsync.daemon;

import io.wallsync.adapters.page.DomainName;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the daemon's pages live: page files in a directory for {@code serve} ({@link FilePageSink}),
 * heap memory for the simulator and tests ({@link MemoryPageSink}). The daemon writes through the
 * mapped {@link Page#segment()}; everything else a sink does is about the page's life: create,
 * publish, check for damage by someone else, delete.
 */
public interface PageSink extends AutoCloseable {
    /** Opens the domain's page: a sound existing page is reused in place, else a new one is prepared. */
    Page open(DomainName domain) throws IOException;

    /**
     * Prepares a new page for the domain that replaces whatever is at its place once published
     * (the repair of a damaged page: never reused in place).
     */
    Page create(DomainName domain) throws IOException;

    /** The directory of the page files, if the pages are files (the control socket goes there too). */
    Optional<Path> directory();

    /**
     * True when other processes can reach the pages (files): then every heartbeat checks them for
     * damage. Pages only this process holds (memory) cannot be damaged by anyone else.
     */
    boolean sharedWithOthers();

    /**
     * Checks, at every heartbeat of a {@link #sharedWithOthers()} sink, that the sink still holds
     * its place alone: a file sink whose lock file was deleted or replaced locks the directory
     * again and says so (for the log).
     *
     * @throws DirectoryLock.LockedException if another daemon took the directory meanwhile: this
     *     one must stop (the push loop fails, {@code serve} exits 1)
     */
    default Optional<String> keepExclusive() throws IOException {
        return Optional.empty();
    }

    /** Releases what the sink holds (for files: the directory lock). Pages are closed by their owner. */
    @Override
    void close();

    /** One domain's page as the daemon holds it. */
    interface Page extends AutoCloseable {
        /** The page's bytes, {@code PageExtensionLayout.PAGE_SIZE} of them. */
        MemorySegment segment();

        /** True when an existing page was reused in place (a restarted daemon). */
        boolean reused();

        /** Makes a new page visible to readers (atomic rename for files). */
        void publish() throws IOException;

        /**
         * What someone else did to the page, checked without touching the mapping (a mapped file
         * truncated under the writer faults on access): deleted, replaced, resized, magic gone.
         *
         * @return empty when the page is still the one this daemon writes
         */
        Optional<String> damage() throws IOException;

        /** Unmaps the page and removes it (a domain removed from the daemon). */
        void delete() throws IOException;

        /** Where readers find it, for logs: a path or a name. */
        String where();

        /** Unmaps the page; a file stays in place. */
        @Override
        void close();
    }
}
