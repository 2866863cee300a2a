package dev.seed.websocket.internal;

import dev.seed.websocket.Compression;
import dev.seed.websocket.WebSocketConnection;
import java.io.IOException;
import java.io.Writer;
import java.util.Objects;

/**
 * One outgoing text message as a {@code Writer} (see {@link WebSocketConnection#sendWriter()}):
 * characters are buffered and sent as parts of the message, with the flow control of
 * {@link MessageOutputStream}. A surrogate pair split between parts is joined by the engine. Not
 * thread safe: one writer.
 */
final class MessageWriter extends Writer {

    /** Characters per part. */
    static final int PART_CHARS = 8 * 1024;

    private final WebSocketConnection connection;
    private final Compression compression;
    private final MessageOutputStream.OutgoingWindow window = new MessageOutputStream.OutgoingWindow();
    private final StringBuilder buffer = new StringBuilder(PART_CHARS);
    private boolean closed;

    MessageWriter(WebSocketConnection connection, Compression compression) {
        this.connection = connection;
        this.compression = compression;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, cbuf.length);
        ensureOpen();
        while (len > 0) {
            if (buffer.length() == PART_CHARS) {
                sendPart(false);
            }
            int n = Math.min(len, PART_CHARS - buffer.length());
            buffer.append(cbuf, off, n);
            off += n;
            len -= n;
        }
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, str.length());
        ensureOpen();
        while (len > 0) {
            if (buffer.length() == PART_CHARS) {
                sendPart(false);
            }
            int n = Math.min(len, PART_CHARS - buffer.length());
            buffer.append(str, off, off + n);
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        if (buffer.length() > 0) {
            sendPart(false);
        }
    }

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
        window.checkFailed(); // no part after one that failed
        window.awaitRoom();
        String part = buffer.toString();
        buffer.setLength(0);
        window.sent(connection.sendText(part, last, compression));
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("Writer closed: its message was sent.");
        }
        window.checkFailed();
    }
}
