package io.wallsync.client;

import static io.wallsync.core.page.PageExtensionLayout.*;

import io.wallsync.core.xen.SharedInfoLayout;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A page file written byte by byte from the layout table, independent of the daemon's writer. */
final class HandWrittenPage implements AutoCloseable {
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);

    final Path path;
    final Arena arena = Arena.ofShared();
    final MemorySegment seg;

    HandWrittenPage(Path path) throws IOException {
        this.path = path;
        try (FileChannel ch = FileChannel.open(
                path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate(PAGE_SIZE));
            seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, PAGE_SIZE, arena);
        }
        seg.set(U32, MAGIC_OFFSET, MAGIC);
        seg.set(U16, LAYOUT_VERSION_OFFSET, (short) LAYOUT_VERSION);
        seg.set(U16, EXTENSION_SIZE_OFFSET, (short) EXTENSION_SIZE);
        seg.set(U32, HEARTBEAT_PERIOD_MS_OFFSET, 1000);
    }

    void wc(int version, long seconds, int nanos) {
        seg.set(U32, SharedInfoLayout.WC_VERSION_OFFSET, version);
        seg.set(U32, SharedInfoLayout.WC_SEC_OFFSET, (int) seconds);
        seg.set(U32, SharedInfoLayout.WC_NSEC_OFFSET, nanos);
        seg.set(U32, SharedInfoLayout.WC_SEC_HI_OFFSET, (int) (seconds >>> 32));
    }

    void heartbeat(long monotonicNs) {
        seg.set(U64, HEARTBEAT_MONOTONIC_NS_OFFSET, monotonicNs);
    }

    void generation(long generation, int reason) {
        seg.set(U64, DISRUPTION_MARKER_OFFSET, generation);
        seg.set(U32, LAST_PUSH_REASON_OFFSET, reason);
    }

    @Override
    public void close() {
        arena.close();
    }
}
