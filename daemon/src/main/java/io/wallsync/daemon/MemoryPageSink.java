package io.wallsync.daemon;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.core.page.PageExtensionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pages in heap memory: what the simulator and tests run the daemon on. A page here cannot be
 * damaged by anyone else; {@link #page(DomainName)} gives readers the segment a guest would map.
 * Single-threaded, like the push thread that owns it.
 */
public final class MemoryPageSink implements PageSink {
    private final Map<DomainName, MemorySegment> published = new LinkedHashMap<>();

    @Override
    public Page open(DomainName domain) {
        return create(domain);
    }

    @Override
    public Page create(DomainName domain) {
        // Off-heap, zeroed, page-aligned like a mapped file; freed when unreachable.
        MemorySegment segment = Arena.ofAuto().allocate(PageExtensionLayout.PAGE_SIZE, PageExtensionLayout.PAGE_SIZE);
        return new Page() {
            @Override
            public MemorySegment segment() {
                return segment;
            }

            @Override
            public boolean reused() {
                return false;
            }

            @Override
            public void publish() {
                published.put(domain, segment);
            }

            @Override
            public Optional<String> damage() {
                return Optional.empty();
            }

            @Override
            public void delete() {
                published.remove(domain, segment);
            }

            @Override
            public String where() {
                return "memory:" + domain;
            }

            @Override
            public void close() {}
        };
    }

    /** The published page of a domain, as a reader would map it. */
    public Optional<MemorySegment> page(DomainName domain) {
        return Optional.ofNullable(published.get(domain));
    }

    @Override
    public boolean sharedWithOthers() {
        return false;
    }

    @Override
    public Optional<Path> directory() {
        return Optional.empty();
    }

    @Override
    public void close() {}
}
