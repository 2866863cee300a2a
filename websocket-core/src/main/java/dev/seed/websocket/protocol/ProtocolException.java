package dev.seed.websocket.protocol;

/**
 * A violation of RFC 6455 or RFC 7692 by the peer, or a limit it exceeded. Carries the close
 * code the connection is failed with (RFC 6455 section 7.1.7 "Fail the WebSocket Connection").
 * The message is a short human sentence that tests assert verbatim and that goes into the close
 * frame's reason (it never quotes peer bytes).
 */
public final class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int closeCode;

    public ProtocolException(int closeCode, String message) {
        super(message, null, false, false);
        this.closeCode = closeCode;
    }

    /** The close code to send: 1002, 1007, 1009, 1010 or 1011. */
    public int closeCode() {
        return closeCode;
    }
}
