package dev.seed.websocket.internal;

import dev.seed.websocket.HandshakeRequest;
import dev.seed.websocket.protocol.handshake.HttpHeaders;
import dev.seed.websocket.protocol.handshake.HttpRequest;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The upgrade request an open server connection keeps for the application: its target and header
 * fields in one UTF-8 array, read back into a {@link DefaultHandshakeRequest} on each call. An idle
 * connection so holds one array about the size of the request head instead of a map, lists and
 * strings for every header, the URI and the cookies (about 1.5 KB for a small request). Path
 * variables and the remote address (the socket's own object) are kept as they are, so
 * {@code pathVariable(name)} costs nothing. Immutable.
 */
final class RetainedHandshakeRequest implements HandshakeRequest {

    private static final String CRLF = "\r\n";

    /** {@code target CRLF} then {@code name ": " value CRLF} for each field, in order; UTF-8. */
    private final byte[] head;
    private final Map<String, String> pathVariables;
    private final InetSocketAddress remoteAddress;
    /** The route's template, shared with the router (no copy per connection). */
    private final String routeTemplate;
    /** Whose connection this is, as a handshake interceptor said; null when none did. */
    private final String userId;
    /** Who is authenticated (the web server's user, or an interceptor's); null when anonymous. */
    private final java.security.Principal principal;

    private RetainedHandshakeRequest(byte[] head, Map<String, String> pathVariables,
            InetSocketAddress remoteAddress, String routeTemplate, String userId, java.security.Principal principal) {
        this.principal = principal;
        this.head = head;
        this.pathVariables = pathVariables;
        this.remoteAddress = remoteAddress;
        this.routeTemplate = routeTemplate;
        this.userId = userId;
    }

    /** Whose connection this is (see HandshakeInterceptor.UpgradeResponse#userId), or null. */
    String userId() {
        return userId;
    }

    @Override
    public String routeTemplate() {
        return routeTemplate;
    }

    /** Keeps what {@link HandshakeRequest} needs of a request a server accepted. */
    static RetainedHandshakeRequest of(HttpRequest request, Map<String, String> pathVariables,
            InetSocketAddress remoteAddress) {
        return of(request, pathVariables, remoteAddress, null, null, null);
    }

    /** As {@link #of(HttpRequest, Map, InetSocketAddress)}, with the template of the route that took it. */
    static RetainedHandshakeRequest of(HttpRequest request, Map<String, String> pathVariables,
            InetSocketAddress remoteAddress, String routeTemplate, String userId, java.security.Principal principal) {
        StringBuilder sb = new StringBuilder(256).append(request.target()).append(CRLF);
        for (Map.Entry<String, String> field : request.headers()) {
            // Field names hold no ':' and values no CR or LF (RFC 7230 section 3.2), so the
            // first ": " and each CRLF split the string back unambiguously.
            sb.append(field.getKey()).append(": ").append(field.getValue()).append(CRLF);
        }
        return new RetainedHandshakeRequest(sb.toString().getBytes(StandardCharsets.UTF_8), Map.copyOf(pathVariables),
                remoteAddress, routeTemplate, userId, principal);
    }

    /** The full view, parsed again from {@link #head}. */
    DefaultHandshakeRequest expand() {
        String head = new String(this.head, StandardCharsets.UTF_8);
        int end = head.indexOf(CRLF);
        String target = head.substring(0, end);
        HttpHeaders headers = new HttpHeaders();
        int start = end + CRLF.length();
        while (start < head.length()) {
            end = head.indexOf(CRLF, start);
            int colon = head.indexOf(':', start);
            headers.add(head.substring(start, colon), head.substring(colon + 2, end));
            start = end + CRLF.length();
        }
        HttpRequest request = new HttpRequest("GET", target, headers);
        return DefaultHandshakeRequest.ofServerRequest(request, pathVariables, remoteAddress, principal);
    }

    @Override
    public java.security.Principal principal() {
        return principal;
    }

    @Override
    public URI uri() {
        return expand().uri();
    }

    @Override
    public String path() {
        return expand().path();
    }

    @Override
    public String query() {
        return expand().query();
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        return expand().queryParameters();
    }

    @Override
    public String header(String name) {
        return expand().header(name);
    }

    @Override
    public List<String> headers(String name) {
        return expand().headers(name);
    }

    @Override
    public Map<String, List<String>> headers() {
        return expand().headers();
    }

    @Override
    public Map<String, String> cookies() {
        return expand().cookies();
    }

    @Override
    public String origin() {
        return expand().origin();
    }

    @Override
    public List<String> subprotocols() {
        return expand().subprotocols();
    }

    @Override
    public Map<String, String> pathVariables() {
        return pathVariables;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        return "HandshakeRequest[" + path() + "]";
    }
}
