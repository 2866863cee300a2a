package dev.seed.websocket;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One client connection that outlives its TCP connections: after a drop it reconnects as its
 * {@link ReconnectPolicy} says, and stays the same object for the application throughout
 * ({@link WebSocketClient#connectReconnecting}). Thread safe.
 *
 * <p>Sends while it is not connected are queued (bounded: {@link ConnectOptions.Builder#reconnectQueue},
 * a send beyond the bound fails at once with a {@link BackpressureException}) and go out in order
 * on the next connection, after the handler's {@code onOpen} for it: re-authenticate or
 * re-subscribe there, on the connection it is given, and those messages go first. A queued send's
 * future completes when its bytes are handed to the socket of the new connection; it fails when
 * the handle ends first. Once connected, sends go to the current connection as on a
 * {@link WebSocketConnection}; a message sent while the connection drops may be lost (as with any
 * WebSocket; number your messages if the application must know).
 *
 * <p>It ends when the application closes it ({@link #close()}, or {@code close()} on the current
 * connection), when the server closes with 1000 or a stop code, after a 4xx refusal (but 408, 429),
 * after {@code maxAttempts} failed attempts in a row, when the policy's condition says no, or when
 * the client is closed. {@link #closed()} then completes with why; a {@link ReconnectListener}
 * hears every reconnection and the end.
 */
public interface ReconnectingConnection {

    /** Where the handle stands. */
    enum State {
        /** The first attempt is under way. */
        CONNECTING,
        /** Connected: {@link #current()} is open. */
        OPEN,
        /** The connection dropped; waiting for, or making, the next attempt. Sends are queued. */
        RECONNECTING,
        /** Ended for good: sends fail. */
        CLOSED
    }

    /** Why a reconnecting connection ended. */
    enum Reason {
        /** The application closed it. */
        CLOSED_BY_APPLICATION,
        /** The server closed with 1000: it ended the session on purpose. */
        NORMAL_CLOSURE,
        /** The server closed with one of the policy's stop codes (1003, 1007-1010 by default). */
        STOP_CODE,
        /** The server refused an attempt with 4xx (but 408 and 429): it would refuse the next one too. */
        REFUSED,
        /** {@code maxAttempts} attempts in a row failed. */
        MAX_ATTEMPTS,
        /** The policy's {@link ReconnectPolicy.Condition} said no. */
        CONDITION,
        /** The client was closed. */
        CLIENT_CLOSED
    }

    /**
     * How it ended: {@code code} is the last close code (1006 when an attempt failed), {@code status}
     * the HTTP status of a refused attempt (0 when none), {@code failure} the last attempt's error or null.
     */
    record Ending(Reason reason, int code, int status, Throwable failure) {
    }

    /** Where it stands now. */
    State state();

    /** The open connection, or null while (re)connecting or after the end. */
    WebSocketConnection current();

    /** Completes with the first open connection; fails if the handle ends before one opens. */
    CompletableFuture<WebSocketConnection> connected();

    /** Completes once the handle has ended for good, with why. */
    CompletableFuture<Ending> closed();

    /** Sends a text message now, or queues it until the next connection. */
    CompletableFuture<Void> sendText(CharSequence text);

    /** Sends a binary message now, or queues it (its bytes are kept as they are: do not change them). */
    CompletableFuture<Void> sendBinary(ByteBuffer data);

    /** Sends a binary message now, or queues it. */
    default CompletableFuture<Void> sendBinary(byte[] data) {
        return sendBinary(ByteBuffer.wrap(data));
    }

    /** Messages queued for the next connection. */
    int queuedMessages();

    /** Closes with 1000 and ends the handle (no reconnection). */
    default CompletableFuture<Void> close() {
        return close(CloseCodes.WS_OK, "");
    }

    /**
     * Closes the current connection with {@code code} and {@code reason} and ends the handle; while
     * not connected, ends it at once (the pending attempt is dropped, queued sends fail).
     */
    CompletableFuture<Void> close(int code, String reason);
}
