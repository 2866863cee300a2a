package dev.seed.websocket.spring.autoconfigure;

/**
 * The WebSocket server could not bind its address, most often because the port is in use. The
 * message names the port and the property that sets it.
 */
public class WebSocketServerStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int port;

    public WebSocketServerStartException(String message, int port, Throwable cause) {
        super(message, cause);
        this.port = port;
    }

    /** The port the server was configured with. */
    public int getPort() {
        return port;
    }
}
