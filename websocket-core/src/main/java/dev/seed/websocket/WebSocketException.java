package dev.seed.websocket;

import java.io.IOException;

/** A failure of a WebSocket operation, reported through a future. */
public class WebSocketException extends IOException {

    private static final long serialVersionUID = 1L;

    public WebSocketException(String message) {
        super(message);
    }

    public WebSocketException(String message, Throwable cause) {
        super(message, cause);
    }
}
