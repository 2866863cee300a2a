package dev.seed.websocket;

import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One open WebSocket connection, server or client side. Thread safe: sends from any thread keep
 * their per-thread order. Send methods never throw for I/O: the returned future completes when
 * the bytes are handed to the socket, or fails (closed connection, backpressure, and at once when
 * the server or client was stopped). Invalid arguments throw {@link IllegalArgumentException} at
 * once.
 *
 * <p>Buffers given to {@code onBinary}, {@code onPing} and {@code onPong} on the event loop are
 * valid during the call only. Passing one on from there ({@code sendBinary} to this or any other
 * connection, a broadcast, a publish) is safe: the engine keeps a copy of what it must send later.
 */
public interface WebSocketConnection {

    /** A process-unique id, for logs. */
    String id();

    /** Sends a text message. */
    CompletableFuture<Void> sendText(CharSequence text);

    /**
     * Sends a binary message: the bytes between position and limit. Do not change them until the
     * future completes.
     */
    CompletableFuture<Void> sendBinary(ByteBuffer data);

    /** Sends a binary message (the array is not copied: do not change it until the future completes). */
    CompletableFuture<Void> sendBinary(byte[] data);

    /**
     * Sends a text message, compressed or not as {@code compression} says (when permessage-deflate
     * was negotiated).
     */
    CompletableFuture<Void> sendText(CharSequence text, Compression compression);

    /** Sends a binary message, compressed or not as {@code compression} says; see {@link #sendBinary(ByteBuffer)}. */
    CompletableFuture<Void> sendBinary(ByteBuffer data, Compression compression);

    /**
     * Sends a part of a text message (RFC 6455 section 5.4 fragments); {@code last} ends it. The
     * parts may split a surrogate pair. While a message is being sent in parts, whole messages sent
     * meanwhile (from any thread, broadcasts and publishes included) wait and go out, in order,
     * after its last part; control frames (ping, pong, close) go out at once between its frames. A
     * part of the other type (binary while text is in progress) fails with
     * IllegalStateException. One message in parts at a time: send its parts from one thread, or
     * order them yourself.
     */
    default CompletableFuture<Void> sendText(CharSequence part, boolean last) {
        return sendText(part, last, Compression.DEFAULT);
    }

    /**
     * {@link #sendText(CharSequence, boolean)}; {@code compression} is read on the first part: by
     * default a message is compressed when its first part reaches the compression threshold.
     */
    CompletableFuture<Void> sendText(CharSequence part, boolean last, Compression compression);

    /**
     * Sends a part of a binary message; {@code last} ends it. The rules of
     * {@link #sendText(CharSequence, boolean)} apply; the bytes are not copied (do not change them
     * until the future completes).
     */
    default CompletableFuture<Void> sendBinary(ByteBuffer part, boolean last) {
        return sendBinary(part, last, Compression.DEFAULT);
    }

    /** {@link #sendBinary(ByteBuffer, boolean)}; {@code compression} is read on the first part. */
    CompletableFuture<Void> sendBinary(ByteBuffer part, boolean last, Compression compression);

    /**
     * One binary message as an {@code OutputStream}: bytes go out in parts as its buffer fills (and
     * on {@code flush()}), and {@code close()} sends the last part. It respects backpressure: a write
     * waits while more than the stream's window is queued for the socket and not written. Writes
     * throw {@link java.io.IOException} once the connection is closed or a part failed. Meant for a
     * thread that may block (a handler executor, an application thread); on the event loop it never
     * waits, and the backpressure limit applies as for any send.
     */
    default OutputStream sendStream() {
        return sendStream(Compression.DEFAULT);
    }

    /** {@link #sendStream()}, compressed or not as {@code compression} says. */
    OutputStream sendStream(Compression compression);

    /** One text message as a {@code Writer}: as {@link #sendStream()}, for characters. */
    default Writer sendWriter() {
        return sendWriter(Compression.DEFAULT);
    }

    /** {@link #sendWriter()}, compressed or not as {@code compression} says. */
    Writer sendWriter(Compression compression);

    /** Sends a ping with at most 125 bytes of payload. */
    CompletableFuture<Void> ping(ByteBuffer data);

    /** Sends an unsolicited pong with at most 125 bytes of payload. */
    CompletableFuture<Void> pong(ByteBuffer data);

    /** Starts the close handshake with 1000. */
    CompletableFuture<Void> close();

    /**
     * Starts the close handshake with {@code code} (1000-1003, 1007-1014, 3000-4999) and a reason
     * of at most 123 UTF-8 bytes. The future completes when the close frame is written.
     */
    CompletableFuture<Void> close(int code, String reason);

    /** Closes the TCP connection at once, without a close handshake (the peer sees 1006). */
    void abort();

    /** Whether the connection is open: handshake done, no close frame sent or received. */
    boolean isOpen();

    /** Where a connection stands (RFC 6455 section 7: the close handshake is the CLOSING state). */
    enum State {
        /** Messages flow both ways. */
        OPEN,
        /** A close frame was sent or received (the seed's "disconnecting"): no message may be sent, the end is near. */
        CLOSING,
        /** The connection has ended; {@link WebSocketConnection#closeCause()} says why. */
        CLOSED
    }

    /** Where the connection stands now. */
    State state();

    /** Bytes accepted by send calls and not yet handed to the socket. */
    long bufferedAmount();

    /**
     * Client side: the server's answer to the opening handshake (status 101 and its headers and
     * cookies); null on a server's connection.
     */
    HandshakeResponse handshakeResponse();

    /** The negotiated subprotocol, or null. */
    String subprotocol();

    /** The negotiated extensions, each in Sec-WebSocket-Extensions syntax. */
    List<String> extensions();

    /** The peer's address. */
    InetSocketAddress remoteAddress();

    /** Our address. */
    InetSocketAddress localAddress();

    /**
     * Stops reading from the socket (inbound flow control): no message, part, ping or pong is
     * delivered after the handler call that is running, until {@link #resumeReading()}; TCP then
     * slows the peer down. What was read and not delivered is kept (at most one read). While paused
     * the idle and keepalive timeouts do not run out: a connection paused and never resumed stays
     * until closed. {@link #close} ends the pause (the peer's answer must be read). Any thread;
     * pausing twice is pausing once.
     */
    void pauseReading();

    /** Resumes reading after {@link #pauseReading()}: what was kept is delivered first. Any thread. */
    void resumeReading();

    /** Whether reading is paused by {@link #pauseReading()}. */
    boolean isReadingPaused();

    /** How long the connection may stay without receiving anything (zero: no limit). */
    Duration idleTimeout();

    /**
     * Changes this connection's idle timeout (zero: none); counted from the last bytes received.
     * Any thread.
     */
    void idleTimeout(Duration timeout);

    /** The largest message this connection receives whole (1009 beyond it). */
    long maxMessageSize();

    /** Changes this connection's largest message received whole, from the next frame on. Any thread. */
    void maxMessageSize(long bytes);

    /**
     * The user this connection belongs to, as a handshake interceptor set it
     * ({@link HandshakeInterceptor.UpgradeResponse#userId}), or null. Server side; null on a client.
     */
    String userId();

    /**
     * Who is authenticated on this connection, or null when anonymous: the web server's user when
     * the connection came through a servlet container (Spring Security), or the principal a
     * handshake interceptor set ({@link HandshakeInterceptor.UpgradeResponse#principal}). Server
     * side; null on a client.
     */
    default java.security.Principal principal() {
        return null;
    }

    /**
     * Subscribes this connection to a topic of its server (see {@code WebSocketServer.publish});
     * false when it is not open. A client connection throws UnsupportedOperationException.
     */
    boolean subscribe(String topic);

    /**
     * Subscribes this connection to a topic, on every instance of its server's cluster, as
     * {@code options} say: plain, or recoverable (publications in an envelope with their position,
     * and what was missed since a position sent first), with or without presence. Completes when
     * publications reach it from every instance (and after the recovery, when one was asked); with
     * {@link SubscribeResult#notSubscribed()} when the connection is not open. A client connection
     * throws UnsupportedOperationException.
     */
    java.util.concurrent.CompletableFuture<SubscribeResult> subscribe(String topic, SubscribeOptions options);

    /** Unsubscribes this connection from a topic of its server; a no-op when it was not subscribed. */
    void unsubscribe(String topic);

    /**
     * The TLS session (the protocol and cipher suite agreed, the peer's certificates under mutual
     * TLS), or null without TLS.
     */
    default javax.net.ssl.SSLSession tlsSession() {
        return null;
    }

    /** Whether the connection runs over TLS. */
    boolean isSecure();

    /**
     * Server side: the path template of the route that accepted the connection ({@code /rooms/{id}}),
     * a bounded value for metrics and traces; null on a client. Unlike {@code request().routeTemplate()},
     * it makes no request view: cheap enough for every message.
     */
    default String routeTemplate() {
        HandshakeRequest r = request();
        return r == null ? null : r.routeTemplate();
    }

    /**
     * Server side: the handshake request; client side: the request the client sent. A server
     * connection keeps the request compactly and gives a view of it, made on each call (cheap,
     * but read what you need once rather than per message).
     */
    HandshakeRequest request();

    /** A variable of the route's path template, or null. */
    default String pathVariable(String name) {
        return request().pathVariables().get(name);
    }

    /** The application's own per-connection data (thread safe map). */
    Map<String, Object> attributes();

    /** An attribute, or null. */
    @SuppressWarnings("unchecked")
    default <T> T attribute(String name) {
        return (T) attributes().get(name);
    }

    /** Sets an attribute; null removes it. */
    default void attribute(String name, Object value) {
        if (value == null) {
            attributes().remove(name);
        } else {
            attributes().put(name, value);
        }
    }

    /** Why the connection ended, or null while it has not. */
    CloseCause closeCause();

    /** The round-trip time of the last keepalive ping, or null before the first pong. */
    Duration roundTripTime();

    /**
     * Runs {@code task} on this connection's event loop (no locks needed with its handler). Throws
     * {@link java.util.concurrent.RejectedExecutionException} once the server or client that owns
     * the loop has been stopped.
     */
    void execute(Runnable task);

    /**
     * Runs {@code task} on this connection's event loop after {@code delay}, unless the returned
     * handle is cancelled first or the connection ends first: nothing scheduled runs after the
     * connection closed. A task that throws closes the connection with 1011, as a handler does.
     * On a connection that has ended, the handle returned is already cancelled.
     */
    ScheduledTask schedule(Runnable task, Duration delay);
}
