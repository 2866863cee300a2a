package dev.seed.websocket.protocol.handshake;

/**
 * An opening handshake that cannot complete. On the server side it carries the HTTP status and
 * extra header fields to refuse the request with ({@link #toResponse()}); on the client side the
 * status and header fields the server sent (101 when the server switched protocols but its answer
 * is not acceptable, 0 when its answer could not be parsed). The message is a short sentence
 * chosen by this library that tests assert verbatim; it never quotes peer bytes.
 */
public final class HandshakeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The HTTP status; see the class comment. */
    private final int status;
    /** Read-only. */
    private final transient HttpHeaders headers;

    public HandshakeException(int status, String message) {
        this(status, message, new HttpHeaders());
    }

    public HandshakeException(int status, String message, HttpHeaders headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = headers.readOnlyCopy();
    }

    /**
     * Server side: the status to answer with (400, 405, 426, 431, ...). Client side: the status
     * the server sent, or 0 when its response could not be parsed.
     */
    public int status() {
        return status;
    }

    /**
     * Server side: the extra header fields of the refusal (e.g. {@code Sec-WebSocket-Version}
     * for 426, {@code Allow} for 405). Client side: the header fields the server sent. Read-only.
     */
    public HttpHeaders headers() {
        return headers;
    }

    /**
     * Server side: the refusal to send, {@link HttpResponse#refusal(int, String, HttpHeaders)}
     * with this status, message and headers. Throws IllegalStateException when the status is not
     * an error status (400-599).
     */
    public HttpResponse toResponse() {
        return toResponse(false);
    }

    /** {@link #toResponse()} with a JSON body when {@code json}. */
    public HttpResponse toResponse(boolean json) {
        if (status < 400 || status > 599) {
            throw new IllegalStateException("Not an HTTP error status: " + status);
        }
        return HttpResponse.refusal(status, getMessage(), headers, json);
    }
}
