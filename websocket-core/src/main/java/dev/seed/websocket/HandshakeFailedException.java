package dev.seed.websocket;

import java.util.List;
import java.util.Map;

/**
 * The server refused the opening handshake, or answered one the client must not accept. Carries
 * the status and headers the server sent (status 0 when no response arrived).
 */
public final class HandshakeFailedException extends WebSocketException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, List<String>> headers;
    private final String body;

    public HandshakeFailedException(String message, int status, Map<String, List<String>> headers, String body) {
        super(message);
        this.status = status;
        this.headers = headers == null ? Map.of() : headers;
        this.body = body == null ? "" : body;
    }

    /** The HTTP status the server answered with, 0 when none. */
    public int status() {
        return status;
    }

    /** The response headers (names lower case). */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The start of the response body, if the server sent one. */
    public String body() {
        return body;
    }
}
