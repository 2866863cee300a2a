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

    /**
     * Whether this handler takes data messages in parts as they arrive ({@link #onTextPart},
     * {@link #onBinaryPart}) instead of whole ({@link #onText}, {@link #onBinary}): a message far
     * larger than the maximum message size is then processed in constant memory. Read once, when
     * the connection opens. Default: whole messages.
     *
     * <p>In parts, the maximum message and frame sizes do not apply (nothing is assembled): the
     * handler sees every byte as it comes and closes the connection itself (1009) if a message
     * grows too large for it. Text parts are whole characters, validated as they arrive (an
     * invalid byte still closes the connection with 1007, with the parts before it delivered). A
     * message's last part may be empty. Pair with {@link WebSocketConnection#pauseReading()} when
     * the parts go to a sink slower than the network.
     */
    default boolean receivesParts() {
        return false;
    }

    /** A part of a text message, when {@link #receivesParts()}: whole characters; {@code last} ends the message. */
    default void onTextPart(WebSocketConnection c, String part, boolean last) {
    }

    /**
     * A part of a binary message, when {@link #receivesParts()}; {@code last} ends the message. On
     * the event loop the buffer is valid during the call only, as for {@link #onBinary}.
     */
    default void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
    }

    /**
     * Whether pings on this handler's connections are answered for it (the default, as the
     * endpoint's {@code autoPong} says). False: {@link #onPing} decides for each ping whether and
     * with what to answer, with {@link WebSocketConnection#pong} (the seed's {@code do_pong});
     * RFC 6455 section 5.5.2 expects an answer, so decide not to only for a reason (a flood).
     */
    default boolean autoPong() {
        return true;
    }

    /** A ping arrived; the pong is already sent unless automatic pongs are off ({@link #autoPong()}). */
    default void onPing(WebSocketConnection c, ByteBuffer data) {
    }

    /** A pong arrived. */
    default void onPong(WebSocketConnection c, ByteBuffer data) {
    }

    /**
     * The peer's Close frame arrived (RFC 6455 section 5.5.1) with {@code code} (1005 when it had
     * none) and {@code reason}: the close handshake is under way, no message follows, and
     * {@link #onClose} comes once the connection has ended. Called whichever side started the
     * close (so after our own {@code close()} too, when the peer answers), in order with the
     * messages before it; not called when the connection ends without the peer's Close. Like
     * {@code java.net.http.WebSocket.Listener.onClose}.
     */
    default void onClosing(WebSocketConnection c, int code, String reason) {
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
