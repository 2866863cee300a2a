package dev.seed.websocket;

import dev.seed.websocket.internal.PartQueue;
import java.io.IOException;
import java.io.Reader;
import java.util.Objects;

/**
 * One incoming text message as a blocking {@code Reader}: {@link MessageInputStream} for text.
 * The window counts characters.
 */
public final class MessageReader extends Reader {

    private final PartQueue<String> queue;
    private String current;
    private int position;
    private boolean ended;

    /** A reader of the next text message of {@code connection}, holding at most about {@code window} chars. */
    public MessageReader(WebSocketConnection connection, int window) {
        this(connection, window, false);
    }

    /** As {@link MessageInputStream#MessageInputStream(WebSocketConnection, int, boolean)}, for text. */
    public MessageReader(WebSocketConnection connection, int window, boolean readerLater) {
        if (window <= 0) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        this.queue = new PartQueue<>(Objects.requireNonNull(connection, "connection"), window, readerLater);
    }

    /** The reader of one made with {@code readerLater} starts now. */
    public void readerStarted() {
        queue.readerStarted();
    }

    /** Adds a part; {@code last} ends the message. */
    public void offer(String part, boolean last) {
        queue.offer(part, part.length(), last);
    }

    /** The connection ended before the last part: a blocked read throws IOException. */
    public void fail(CloseCause cause) {
        queue.fail(cause);
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, cbuf.length);
        if (len == 0) {
            return 0;
        }
        if (ended) {
            return -1;
        }
        if (current == null) {
            current = queue.take();
            position = 0;
            if (current == null) {
                ended = true;
                return -1;
            }
        }
        int n = Math.min(len, current.length() - position);
        current.getChars(position, position + n, cbuf, off);
        position += n;
        if (position == current.length()) {
            queue.consumed(current.length());
            current = null;
        }
        return n;
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
}
