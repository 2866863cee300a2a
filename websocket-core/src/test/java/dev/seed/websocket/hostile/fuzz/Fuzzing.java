package dev.seed.websocket.hostile.fuzz;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

/**
 * What the fuzz targets share: the time budget of a fuzzing run, the ways an input is cut into
 * reads, and a meter of the bytes the calling thread allocates (a claimed length must never turn
 * into an allocation of that size).
 *
 * <p>Each target is a {@code @FuzzTest}. Without {@code JAZZER_FUZZ} it runs its seed corpus (the
 * files under {@code src/test/resources/fuzz/<target>/}) as a regression test; with it, Jazzer
 * fuzzes it, guided by coverage, for {@link #BUDGET} (the {@code fuzz} Maven profile, which
 * {@code bin/test} activates) or for as long as {@code bin/fuzz} asks.
 */
final class Fuzzing {

    /** The fuzzing time of one target in {@code bin/test}; {@code bin/fuzz} overrides it. */
    static final String BUDGET = "30s";

    /** Read sizes an input can select: single bytes up to all at once. */
    private static final int[] CHUNK_SIZES = {1, 2, 3, 7, 13, 125, 4096, Integer.MAX_VALUE};

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Fuzzing() {
    }

    /** The read size selected by the low three bits of {@code selector}. */
    static int chunkSize(int selector) {
        return CHUNK_SIZES[selector & 7];
    }

    /** Bytes allocated by the calling thread so far (a JVM counter, monotonic). */
    static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Runs {@code body} three times and fails when both its second and third runs allocate more
     * than {@code bound} bytes. The first run loads and links the classes the input's path needs,
     * and the fuzzer's own hooks allocate once for a value they first see (to learn it): both
     * allocate on the calling thread once per JVM, not per input, so they show in at most one run.
     */
    static void withAllocationBound(long bound, String what, Body body) throws Exception {
        body.run();
        long start = allocatedBytes();
        body.run();
        long second = allocatedBytes() - start;
        start = allocatedBytes();
        body.run();
        long third = allocatedBytes() - start;
        if (Math.min(second, third) > bound) {
            throw new AssertionError(what + " allocated " + Math.min(second, third) + " bytes, bound " + bound);
        }
    }

    /** A fuzz target's work on one input. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** Calls {@code reader} with consecutive slices of {@code data} of at most {@code size} bytes. */
    static void inChunks(ByteBuffer data, int size, ChunkReader reader) throws Exception {
        while (data.hasRemaining()) {
            int n = Math.min(size, data.remaining());
            ByteBuffer chunk = data.slice(data.position(), n);
            data.position(data.position() + n);
            boolean last = !data.hasRemaining();
            reader.read(chunk, last);
        }
    }

    /** Takes one read. */
    @FunctionalInterface
    interface ChunkReader {
        void read(ByteBuffer chunk, boolean last) throws Exception;
    }
}
