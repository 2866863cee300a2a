package dev.seed.websocket.protocol.extension;

/** An extension response or configuration that cannot be accepted; the message says why. */
public final class ExtensionNegotiationException extends Exception {

    private static final long serialVersionUID = 1L;

    public ExtensionNegotiationException(String message) {
        super(message);
    }
}
