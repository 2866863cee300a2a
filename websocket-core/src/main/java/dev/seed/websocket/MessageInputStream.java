package dev.seed.websocket;

import dev.seed.websocket.internal.PartQueue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One incoming binary message as a blocking {@code InputStream}, for a handler that takes parts
 * ({@link WebSocketHandler#receivesParts()}): the handler {@link #offer offers} each part as it
 * arrives and another thread reads. Memory stays within {@code window} bytes (plus what one read
 * of the socket brings): past it the connection stops reading until the reader catches up
 * ({@link WebSocketConnection#pauseReading()}). Read it on a thread that may block, never on the
 * event loop.
 *
 * <pre>{@code
 * public void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
 *     if (stream == null) {
 *         stream = new MessageInputStream(c, 256 * 1024);
 *         uploads.execute(() -> store(stream));   // reads to the end, then closes it
 *     }
 *     stream.offer(part, last);
 *     if (last) stream = null;
 * }
 * }</pre>
 */
public final class MessageInputStream extends InputStream {

    private final PartQueue<byte[]> queue;
    /** The part being read, or null. Reader thread only. */
    private byte[] current;
    private int position;
    private boolean ended;

    /** A stream of the next message of {@code connection}, holding at most about {@code window} bytes. */
    public MessageInputStream(WebSocketConnection connection, int window) {
        this(connection, window, false);
    }

    /**
     * As {@link #MessageInputStream(WebSocketConnection, int)}; with {@code readerLater}, the
     * connection stops reading from the first part until {@link #readerStarted()} (a reader busy
     * with an earlier message: what follows waits in the network, not in memory).
     */
    public MessageInputStream(WebSocketConnection connection, int window, boolean readerLater) {
        if (window <= 0) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        this.queue = new PartQueue<>(Objects.requireNonNull(connection, "connection"), window, readerLater);
    }

    /** The reader of a stream made with {@code readerLater} starts now. */
    public void readerStarted() {
        queue.readerStarted();
    }

    /** Adds a part (copied: the buffer may be the event loop's); {@code last} ends the message. */
    public void offer(ByteBuffer part, boolean last) {
        byte[] copy = new byte[part.remaining()];
        part.duplicate().get(copy);
        queue.offer(copy, copy.length, last);
    }

    /** The connection ended before the last part: a blocked read throws IOException. */
    public void fail(CloseCause cause) {
        queue.fail(cause);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        if (position == current.length) {
            queue.consumed(current.length);
            current = null;
        }
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.length - position;
    }

    /** Drops the rest of the message (the connection reads on). */
    @Override
    public void close() {
        if (!ended) {
            ended = true;
            current = null;
            queue.abandon();
        }
    }

    private boolean fill() throws IOException {
        if (ended) {
            return false;
        }
        if (current == null) {
            current = queue.take();
            position = 0;
            if (current == null) {
                ended = true;
                return false;
            }
        }
        return true;
    }
}
