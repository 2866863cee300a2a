package dev.seed.websocket;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** The HTTP request that opened a server-side connection. Immutable. */
public interface HandshakeRequest {

    /** The request target as a URI (path and query; scheme and host from the Host header). */
    URI uri();

    /** The path, without the query. */
    String path();

    /** The raw query string, or null. */
    String query();

    /** The decoded query parameters. */
    Map<String, List<String>> queryParameters();

    /** The first value of a header (case-insensitive name), or null. */
    String header(String name);

    /** All values of a header (case-insensitive name). */
    List<String> headers(String name);

    /** All headers, names in lower case, in order. */
    Map<String, List<String>> headers();

    /** Cookies sent with the request. */
    Map<String, String> cookies();

    /** The Origin (or for hybi 7/8 Sec-WebSocket-Origin) header, or null. */
    String origin();

    /** The subprotocols the client asked for, in its order. */
    List<String> subprotocols();

    /** Variables of the route's path template, e.g. {@code id} for {@code /rooms/{id}}. */
    Map<String, String> pathVariables();

    /** The peer's address. */
    InetSocketAddress remoteAddress();

    /**
     * Server side: the path template of the route that took the request ({@code /rooms/{id}}): a
     * bounded value for metrics and traces, unlike the path. Null on a client.
     */
    default String routeTemplate() {
        return null;
    }

    /**
     * The user the hosting web server authenticated for this request (Spring Security behind a
     * servlet container, {@code HttpServletRequest.getUserPrincipal()}), or null: always null on
     * our own port, where a handshake interceptor authenticates.
     */
    default java.security.Principal principal() {
        return null;
    }
}
