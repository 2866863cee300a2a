package dev.seed.websocket;

import java.time.Duration;

/**
 * Hears a {@link ReconnectingConnection}'s reconnections and its end
 * ({@link ConnectOptions.Builder#reconnectListener}). Every method has a no-op default. Called on
 * an event loop or a client thread: do not block. One that throws is logged; the handle goes on.
 */
public interface ReconnectListener {

    /**
     * The connection dropped (or attempt {@code attempt - 1} failed): attempt {@code attempt}
     * (1-based, counting failures in a row) follows after {@code delay}. {@code code} is the close
     * code (1006 for a failed attempt), {@code failure} the failed attempt's error or null.
     */
    default void onReconnecting(ReconnectingConnection handle, int attempt, Duration delay, int code,
            Throwable failure) {
    }

    /** A new connection is open after {@code attempts} attempts; its handler's onOpen has run. */
    default void onReconnected(ReconnectingConnection handle, WebSocketConnection connection, int attempts) {
    }

    /** The handle gave up (any reason but the application's own close). */
    default void onGaveUp(ReconnectingConnection handle, ReconnectingConnection.Ending ending) {
    }
}
