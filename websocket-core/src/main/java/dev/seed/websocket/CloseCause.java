package dev.seed.websocket;

/**
 * Why a connection ended, beside its close code: what the application and the metrics read so
 * that no connection ends with an unexplained 1006.
 */
public enum CloseCause {
    /** The peer started the close handshake. */
    PEER_CLOSED,
    /** The application called close. */
    LOCAL_CLOSE,
    /** No frame arrived for the idle timeout. */
    IDLE_TIMEOUT,
    /** A keepalive ping got no pong within the pong timeout. */
    PONG_TIMEOUT,
    /** Too many bytes were queued for a peer that reads too slowly. */
    BACKPRESSURE,
    /** The opening handshake did not complete in time. */
    HANDSHAKE_TIMEOUT,
    /** The peer broke a rule of the protocol or a limit (1002, 1007, 1009, ...). */
    PROTOCOL_ERROR,
    /** A handler threw (1011). */
    HANDLER_ERROR,
    /** The TCP connection ended (reset or EOF) without a close handshake. */
    ABNORMAL,
    /** The peer did not finish the close handshake in time. */
    CLOSE_TIMEOUT,
    /** The server is shutting down (1001). */
    SHUTDOWN,
    /** The connection reached its maximum lifetime (1001). */
    MAX_LIFETIME,
    /** The TLS handshake failed (1015). */
    TLS_FAILURE;

    /** Lower-case tag value for metrics, e.g. {@code idle_timeout}. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
