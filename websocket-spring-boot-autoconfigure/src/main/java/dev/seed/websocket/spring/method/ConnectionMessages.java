package dev.seed.websocket.spring.method;

import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.MessageInputStream;
import dev.seed.websocket.MessageReader;
import dev.seed.websocket.WebSocketConnection;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What an annotated handler keeps per connection when it takes messages in parts: the message
 * streamed to a method that reads an {@code InputStream} or {@code Reader}, or the message being
 * assembled for a method that takes it whole. Stream methods run one message after the other, on
 * a thread of their own (they block on the stream while the handler feeds it). Kept in the
 * connection's attributes; the handler calls come in order, one at a time.
 */
final class ConnectionMessages {

    /** The attribute this state is kept under. */
    static final String ATTRIBUTE = ConnectionMessages.class.getName();
    /** Bytes (or chars) a stream holds before the connection stops reading. */
    static final int STREAM_WINDOW = 256 * 1024;

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Runs the methods that read a message as a stream; they block, so not on the event loop. */
    private static final ExecutorService STREAM_READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "websocket-message-stream-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private MessageInputStream binaryStream;
    private MessageReader textStream;
    private ByteArrayOutputStream binaryWhole;
    private StringBuilder textWhole;
    /** UTF-8 bytes of {@link #textWhole}: what max-message-size counts. */
    private long textWholeBytes;
    /** Completes when the last stream method started has returned: the next one waits for it. */
    private CompletableFuture<Void> readers = CompletableFuture.completedFuture(null);

    static ConnectionMessages of(WebSocketConnection c) {
        ConnectionMessages m = c.attribute(ATTRIBUTE);
        if (m == null) {
            m = new ConnectionMessages();
            c.attribute(ATTRIBUTE, m);
        }
        return m;
    }

    /** A part of a binary message that a method reads as an InputStream. */
    void binaryStreamPart(WebSocketConnection c, ByteBuffer part, boolean last, Consumer<Object> method) {
        if (binaryStream == null) {
            // A reader still busy with an earlier message: this one holds reading until its turn.
            MessageInputStream stream = new MessageInputStream(c, STREAM_WINDOW, !readers.isDone());
            binaryStream = stream;
            startReader(stream, stream::readerStarted, method);
        }
        binaryStream.offer(part, last);
        if (last) {
            binaryStream = null;
        }
    }

    /** A part of a text message that a method reads as a Reader. */
    void textStreamPart(WebSocketConnection c, String part, boolean last, Consumer<Object> method) {
        if (textStream == null) {
            MessageReader reader = new MessageReader(c, STREAM_WINDOW, !readers.isDone());
            textStream = reader;
            startReader(reader, reader::readerStarted, method);
        }
        textStream.offer(part, last);
        if (last) {
            textStream = null;
        }
    }

    private void startReader(java.io.Closeable stream, Runnable started, Consumer<Object> method) {
        readers = readers.thenRunAsync(() -> {
            started.run();
            try {
                method.accept(stream);
            } finally {
                try {
                    stream.close(); // what the method did not read is dropped, and reading goes on
                } catch (java.io.IOException ignored) {
                    // closing drops parts only
                }
            }
        }, STREAM_READERS);
    }

    /**
     * A part of a binary message for a method that takes it whole; the message when this part
     * completes it, else null. Past the connection's maximum message size the connection closes
     * with 1009, as it does for a message received whole.
     */
    ByteBuffer binaryWholePart(WebSocketConnection c, ByteBuffer part, boolean last) {
        if (binaryWhole == null) {
            binaryWhole = new ByteArrayOutputStream();
        }
        if (binaryWhole.size() + (long) part.remaining() > c.maxMessageSize()) {
            binaryWhole = null;
            c.close(CloseCodes.WS_MESSAGE_TOO_LARGE, "Message too large.");
            return null;
        }
        byte[] b = new byte[part.remaining()];
        part.duplicate().get(b);
        binaryWhole.writeBytes(b);
        if (!last) {
            return null;
        }
        ByteBuffer message = ByteBuffer.wrap(binaryWhole.toByteArray());
        binaryWhole = null;
        return message;
    }

    /** As {@link #binaryWholePart} for text. */
    String textWholePart(WebSocketConnection c, String part, boolean last) {
        if (textWhole == null) {
            textWhole = new StringBuilder();
            textWholeBytes = 0;
        }
        textWholeBytes += utf8Length(part);
        if (textWholeBytes > c.maxMessageSize()) {
            textWhole = null;
            textWholeBytes = 0;
            c.close(CloseCodes.WS_MESSAGE_TOO_LARGE, "Message too large.");
            return null;
        }
        textWhole.append(part);
        if (!last) {
            return null;
        }
        String message = textWhole.toString();
        textWhole = null;
        textWholeBytes = 0;
        return message;
    }

    /** Bytes of {@code s} in UTF-8, without encoding it. */
    static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                bytes++;
            } else if (ch < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The connection closed: a stream method blocked on a read gets an IOException. */
    void closed(WebSocketConnection c) {
        if (binaryStream != null) {
            binaryStream.fail(c.closeCause());
            binaryStream = null;
        }
        if (textStream != null) {
            textStream.fail(c.closeCause());
            textStream = null;
        }
    }
}
