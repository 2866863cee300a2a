package dev.seed.websocket;

/**
 * The close status codes of RFC 6455 section 7.4.1, as plain {@code int} constants usable with
 * one static import ({@code import static dev.seed.websocket.CloseCodes.*;}).
 *
 * <p>Application codes 3000-4999 stay plain ints wherever a code is passed. {@link #WS_NO_STATUS},
 * {@link #WS_CLOSED_ABNORMALLY} and {@link #WS_TLS_HANDSHAKE_FAIL} are never sent on the wire:
 * they are what the application sees. {@link CloseCode} is the enum of every registered code.
 */
public final class CloseCodes {

    /** 1000: normal closure; the purpose for which the connection was established is fulfilled. */
    public static final int WS_OK = 1000;
    /** 1001: an endpoint is going away (server shutting down, browser leaving the page). */
    public static final int WS_GONE = 1001;
    /** 1002: the endpoint is terminating the connection due to a protocol error. */
    public static final int WS_PROTOCOL_ERROR = 1002;
    /** 1003: the endpoint received a type of data it cannot accept. */
    public static final int WS_NOT_ACCEPTABLE = 1003;
    /** 1005: no status code was present in the close frame (never sent). */
    public static final int WS_NO_STATUS = 1005;
    /** 1006: the connection was closed without a close frame (never sent). */
    public static final int WS_CLOSED_ABNORMALLY = 1006;
    /** 1007: a message's data was not consistent with its type (e.g. non-UTF-8 text). */
    public static final int WS_BAD_MESSAGE = 1007;
    /** 1008: a message violates the endpoint's policy. */
    public static final int WS_FORBIDDEN = 1008;
    /** 1009: a message is too big to process. */
    public static final int WS_MESSAGE_TOO_LARGE = 1009;
    /** 1010: the client expected the server to negotiate extensions it did not. */
    public static final int WS_EXTENSIONS_NOT_AVAILABLE = 1010;
    /** 1011: the server met an unexpected condition that prevented it from fulfilling the request. */
    public static final int WS_INTERNAL_SERVER_ERROR = 1011;
    /** 1012: the service is restarted (IANA registry). */
    public static final int WS_SERVICE_RESTART = 1012;
    /** 1013: try again later (IANA registry). */
    public static final int WS_TRY_AGAIN_LATER = 1013;
    /** 1014: the server acting as a gateway received an invalid response (IANA registry). */
    public static final int WS_BAD_GATEWAY = 1014;
    /** 1015: the TLS handshake failed (never sent). */
    public static final int WS_TLS_HANDSHAKE_FAIL = 1015;

    private CloseCodes() {
    }

    /**
     * Whether {@code code} may appear in a close frame on the wire (RFC 6455 section 7.4.1 and
     * 7.4.2): 1000-1003, 1007-1014 and 3000-4999.
     */
    public static boolean isValidOnWire(int code) {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }

    /**
     * Whether an application may pass {@code code} to a close call: every wire-valid code except
     * the ones only the protocol itself sends is allowed, so this is {@link #isValidOnWire}.
     */
    public static boolean isValidForApplication(int code) {
        return isValidOnWire(code);
    }
}
