package dev.seed.websocket.servlet;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * What a hosted transport has to write: buffers, and between them completion markers completed
 * once everything before them is handed to the container. A buffer handed to the container stays
 * at the head (ours) until the container is done with it ({@link #written}), so no marker after it
 * completes and nobody reuses it meanwhile. Loop thread only, except {@link #bytes()}.
 */
final class OutgoingQueue {

    private final ArrayDeque<Object> items = new ArrayDeque<>(8);
    /** Bytes of the queued buffers not yet written. Read from any thread; written by the loop only. */
    private volatile long bytes;

    /** Queues a buffer; the queue owns it now. */
    void add(ByteBuffer data) {
        items.add(data);
        bytes += data.remaining();
    }

    /** Completes {@code done} once what is queued now is written (at once when nothing is). */
    void completeAfterQueued(CompletableFuture<Void> done) {
        if (items.isEmpty()) {
            done.complete(null);
        } else {
            items.add(done);
        }
    }

    long bytes() {
        return bytes;
    }

    /** Buffers and markers queued. */
    int size() {
        return items.size();
    }

    /** Completes the markers at the head; then the buffer at the head, or null when none is left. */
    @SuppressWarnings("unchecked")
    ByteBuffer head() {
        Object head;
        while ((head = items.peek()) instanceof CompletableFuture<?> f) {
            items.poll();
            ((CompletableFuture<Void>) f).complete(null);
        }
        return (ByteBuffer) head;
    }

    /**
     * Up to {@code max} buffers from the head (call {@link #head()} first), across the markers
     * between them: one gathering write's worth. The markers stay until {@link #written}.
     */
    ByteBuffer[] headBuffers(int max) {
        int n = 0;
        for (Object o : items) {
            if (n == max) {
                break;
            }
            if (o instanceof ByteBuffer) {
                n++;
            }
        }
        ByteBuffer[] out = new ByteBuffer[n];
        int i = 0;
        for (Object o : items) {
            if (i == n) {
                break;
            }
            if (o instanceof ByteBuffer b) {
                out[i++] = b;
            }
        }
        return out;
    }

    /**
     * The container is done with the {@code count} buffers at the head, which held {@code written}
     * bytes: they leave the queue, and the markers between them are completed.
     */
    @SuppressWarnings("unchecked")
    void written(int count, long written) {
        bytes -= written;
        int buffers = 0;
        while (buffers < count) {
            Object o = items.poll();
            if (o == null) {
                return; // a callback closed the transport and failed the rest
            }
            if (o instanceof CompletableFuture<?> f) {
                // runs the application's callbacks at once; they may queue, flush or close
                ((CompletableFuture<Void>) f).complete(null);
            } else {
                buffers++;
            }
        }
    }

    /** The transport closed: every marker fails (with {@code cause} as the reason), every buffer is dropped. */
    void failAll(Throwable cause) {
        ClosedChannelException failure = null; // made for the first marker: most closes have none
        Object o;
        while ((o = items.poll()) != null) {
            if (o instanceof CompletableFuture<?> f) {
                if (failure == null) {
                    failure = new ClosedChannelException();
                    if (cause != null) {
                        failure.initCause(cause);
                    }
                }
                f.completeExceptionally(failure);
            }
        }
        bytes = 0;
    }
}
