package dev.seed.websocket;

import java.util.List;
import java.util.Map;

/**
 * The server's answer to a client's opening handshake (RFC 6455 section 4.2.2): its status line
 * and headers, for the application to read what the server said beside the upgrade (a session
 * cookie, a server version, a rate-limit header). Immutable.
 */
public interface HandshakeResponse {

    /** The status code: 101 for an accepted upgrade. */
    int status();

    /** The reason phrase of the status line, as sent. */
    String reason();

    /** The first value of a header (case-insensitive name), or null. */
    String header(String name);

    /** Every value of a header (case-insensitive name), in order; empty when absent. */
    List<String> headers(String name);

    /** Every header, names as sent, values in order. */
    Map<String, List<String>> headers();

    /**
     * The cookies the server set (RFC 6265 {@code Set-Cookie}): name to value, attributes
     * (Path, Expires, HttpOnly, ...) left out; the last one wins for a name set twice.
     */
    Map<String, String> cookies();
}
