package dev.seed.websocket;

/**
 * Observes connection events of a server or client, for metrics and logs. Called on the event
 * loop: implementations are fast and never block. Every method has a no-op default.
 */
public interface ConnectionListener {

    /** Which end saw the event. */
    enum Side {
        SERVER, CLIENT;

        public String tag() {
            return this == SERVER ? "server" : "client";
        }
    }

    /** A handshake completed. */
    default void onOpen(WebSocketConnection c) {
    }

    /**
     * A connection ended. {@code locallyInitiated}: our side started the close (or failed the
     * connection).
     */
    default void onClose(WebSocketConnection c, int code, CloseCause cause, boolean locallyInitiated) {
    }

    /** A server refused an upgrade with an HTTP status, or a client's handshake failed (status 0 without response). */
    default void onHandshakeRefused(Side side, int status) {
    }

    /** A message arrived; {@code text}: whether a text message; {@code bytes}: its decoded length. */
    default void onMessageReceived(WebSocketConnection c, boolean text, int bytes) {
    }

    /**
     * A message was queued; {@code bytes}: its payload length, {@code wireBytes}: its payload after
     * compression (equal when not compressed).
     */
    default void onMessageSent(WebSocketConnection c, boolean text, int bytes, int wireBytes) {
    }

    /** A send failed (connection closed, backpressure). */
    default void onSendFailed(WebSocketConnection c, Throwable error) {
    }

    /** A keepalive pong came back after {@code nanos}. */
    default void onPingRoundTrip(WebSocketConnection c, long nanos) {
    }
}
