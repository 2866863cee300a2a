package dev.seed.websocket;

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

    /** Bytes accepted by send calls and not yet handed to the socket. */
    long bufferedAmount();

    /** The negotiated subprotocol, or null. */
    String subprotocol();

    /** The negotiated extensions, each in Sec-WebSocket-Extensions syntax. */
    List<String> extensions();

    /** The peer's address. */
    InetSocketAddress remoteAddress();

    /** Our address. */
    InetSocketAddress localAddress();

    /** Whether the connection runs over TLS. */
    boolean isSecure();

    /** Server side: the handshake request; client side: the request the client sent. */
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
