package dev.seed.websocket;

/** A send was refused because the peer does not read fast enough. */
public final class BackpressureException extends WebSocketException {

    private static final long serialVersionUID = 1L;

    public BackpressureException(String message) {
        super(message);
    }
}
