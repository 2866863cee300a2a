package dev.seed.websocket.internal;

import dev.seed.websocket.Compression;
import dev.seed.websocket.WebSocketConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One outgoing binary message as an {@code OutputStream} (see
 * {@link WebSocketConnection#sendStream()}): bytes are buffered and sent as parts of the message
 * when the buffer is full or on {@link #flush()}; {@link #close()} sends the last part. At most
 * {@link OutgoingWindow#PARTS_IN_FLIGHT} parts wait for the socket: a writer that outruns the
 * network waits (off the event loop), so memory stays flat whatever the message's size. Not
 * thread safe: one writer.
 */
final class MessageOutputStream extends OutputStream {

    /** Bytes per part: a buffer this size is sent when full. */
    static final int PART_SIZE = 64 * 1024;

    private final WebSocketConnection connection;
    private final Compression compression;
    private final OutgoingWindow window = new OutgoingWindow();
    /** The part being filled; a new one after each send (the sent one belongs to the engine). */
    private byte[] buffer = new byte[PART_SIZE];
    private int count;
    private boolean closed;

    MessageOutputStream(WebSocketConnection connection, Compression compression) {
        this.connection = connection;
        this.compression = compression;
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (count == buffer.length) {
            sendPart(false);
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            if (count == buffer.length) {
                sendPart(false);
            }
            int n = Math.min(len, buffer.length - count);
            System.arraycopy(b, off, buffer, count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    /** Sends what is buffered as a part (nothing when the buffer is empty). */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        if (count > 0) {
            sendPart(false);
        }
    }

    /** Sends the last part, and waits until it is handed to the socket (off the event loop). */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        sendPart(true);
        closed = true;
        window.awaitAll();
    }

    private void sendPart(boolean last) throws IOException {
        window.checkFailed(); // no part after one that failed: the peer must not get a message with a gap
        window.awaitRoom();
        ByteBuffer part = ByteBuffer.wrap(buffer, 0, count);
        buffer = last ? null : new byte[PART_SIZE];
        count = 0;
        window.sent(connection.sendBinary(part, last, compression));
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("Stream closed: its message was sent.");
        }
        window.checkFailed();
    }

    /**
     * The parts sent and not yet handed to the socket, for {@link MessageOutputStream} and
     * {@link MessageWriter}: a writer waits before a third part while two are in flight, and every
     * write reports a failed part (the connection closed, backpressure) as an IOException.
     */
    static final class OutgoingWindow {

        /** Parts that may wait for the socket at once: one being written, one queued behind it. */
        static final int PARTS_IN_FLIGHT = 4;

        private final CompletableFuture<?>[] inFlight = new CompletableFuture<?>[PARTS_IN_FLIGHT];
        private int next;
        /** The first failure seen: every later write and close throws it. */
        private IOException failure;

        /** The failure again, as a new exception (try-with-resources adds it to the first as suppressed). */
        private IOException again() {
            return new IOException(failure.getMessage(), failure.getCause());
        }

        void sent(CompletableFuture<?> f) {
            inFlight[next] = f;
            next = (next + 1) % PARTS_IN_FLIGHT;
        }

        /** Waits until the oldest part in flight is written, unless on an event loop (never blocks there). */
        void awaitRoom() throws IOException {
            await(inFlight[next]);
        }

        void awaitAll() throws IOException {
            for (CompletableFuture<?> f : inFlight) {
                await(f);
            }
        }

        void checkFailed() throws IOException {
            if (failure != null) {
                throw again();
            }
            for (CompletableFuture<?> f : inFlight) {
                if (f != null && f.isCompletedExceptionally()) {
                    await(f);
                }
            }
        }

        private void await(CompletableFuture<?> f) throws IOException {
            if (failure != null) {
                throw again();
            }
            if (f == null) {
                return;
            }
            if (!f.isDone() && dev.seed.websocket.transport.EventLoop.current() != null) {
                return; // on a loop: waiting would stop the loop that must write it
            }
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting for the socket.");
            } catch (ExecutionException e) {
                failure = new IOException("The message could not be sent: " + e.getCause().getMessage(), e.getCause());
                throw failure;
            }
        }
    }
}
