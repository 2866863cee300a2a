package dev.seed.websocket;

import java.nio.ByteBuffer;

/**
 * The application's side of a WebSocket connection. Every method has a no-op default. Methods
 * run on the connection's event loop (in order, one at a time per connection) unless a handler
 * executor is configured, and must not block on the loop.
 *
 * <p>Buffers passed to {@link #onBinary}, {@link #onPing} and {@link #onPong} are only valid
 * during the call when handlers run on the event loop: copy what you keep. A handler that throws
 * gets its connection closed with 1011 and {@link #onError} called.
 */
public interface WebSocketHandler {

    /** The opening handshake completed; the connection is open. */
    default void onOpen(WebSocketConnection c) {
    }

    /** A complete text message. */
    default void onText(WebSocketConnection c, String text) {
    }

    /** A complete binary message. */
    default void onBinary(WebSocketConnection c, ByteBuffer data) {
    }

    /** A ping arrived; the pong is already sent unless automatic pongs are off. */
    default void onPing(WebSocketConnection c, ByteBuffer data) {
    }

    /** A pong arrived. */
    default void onPong(WebSocketConnection c, ByteBuffer data) {
    }

    /**
     * The connection is closed: {@code code} is the peer's close code, 1005 when its close frame
     * had none, 1006 when the connection ended without one; {@link WebSocketConnection#closeCause()}
     * tells why. Called exactly once for every opened connection.
     */
    default void onClose(WebSocketConnection c, int code, String reason) {
    }

    /** Something failed on this connection: a handler threw, a protocol error, an I/O error. */
    default void onError(WebSocketConnection c, Throwable error) {
    }
}
