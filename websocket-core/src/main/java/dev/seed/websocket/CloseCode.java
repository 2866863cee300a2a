package dev.seed.websocket;

import java.util.Optional;

/**
 * The registered close codes (RFC 6455 section 7.4.1 and the IANA "WebSocket Close Code Number"
 * registry). Application codes 3000-4999 are not in this enum: they stay plain ints.
 */
public enum CloseCode {
    NORMAL_CLOSURE(CloseCodes.WS_OK),
    GOING_AWAY(CloseCodes.WS_GONE),
    PROTOCOL_ERROR(CloseCodes.WS_PROTOCOL_ERROR),
    UNSUPPORTED_DATA(CloseCodes.WS_NOT_ACCEPTABLE),
    NO_STATUS_RECEIVED(CloseCodes.WS_NO_STATUS),
    ABNORMAL_CLOSURE(CloseCodes.WS_CLOSED_ABNORMALLY),
    INVALID_PAYLOAD_DATA(CloseCodes.WS_BAD_MESSAGE),
    POLICY_VIOLATION(CloseCodes.WS_FORBIDDEN),
    MESSAGE_TOO_BIG(CloseCodes.WS_MESSAGE_TOO_LARGE),
    MANDATORY_EXTENSION(CloseCodes.WS_EXTENSIONS_NOT_AVAILABLE),
    INTERNAL_ERROR(CloseCodes.WS_INTERNAL_SERVER_ERROR),
    SERVICE_RESTART(CloseCodes.WS_SERVICE_RESTART),
    TRY_AGAIN_LATER(CloseCodes.WS_TRY_AGAIN_LATER),
    BAD_GATEWAY(CloseCodes.WS_BAD_GATEWAY),
    TLS_HANDSHAKE(CloseCodes.WS_TLS_HANDSHAKE_FAIL);

    private static final CloseCode[] BY_OFFSET = new CloseCode[16];

    static {
        for (CloseCode c : values()) {
            BY_OFFSET[c.code - 1000] = c;
        }
    }

    private final int code;

    CloseCode(int code) {
        this.code = code;
    }

    /** The numeric code. */
    public int code() {
        return code;
    }

    /** Whether this code may be sent in a close frame (1005, 1006 and 1015 may not). */
    public boolean sendable() {
        return CloseCodes.isValidOnWire(code);
    }

    /** The registered code for {@code code}, or empty for unregistered and application codes. */
    public static Optional<CloseCode> of(int code) {
        if (code < 1000 || code >= 1000 + BY_OFFSET.length) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_OFFSET[code - 1000]);
    }
}
