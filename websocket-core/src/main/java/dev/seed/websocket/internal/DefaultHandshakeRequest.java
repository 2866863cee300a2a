package dev.seed.websocket.internal;

import dev.seed.websocket.HandshakeRequest;
import dev.seed.websocket.HandshakeResponse;
import dev.seed.websocket.protocol.handshake.HttpHeaders;
import dev.seed.websocket.protocol.handshake.HttpRequest;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The public view of a parsed upgrade request. Immutable. */
public final class DefaultHandshakeRequest implements HandshakeRequest {

    private final URI uri;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers;
    private final Map<String, String> cookies;
    private final String origin;
    private final List<String> subprotocols;
    private final Map<String, String> pathVariables;
    private final InetSocketAddress remoteAddress;
    /** The web server's authenticated user (a servlet container's), or null. */
    private final java.security.Principal principal;
    /** A client's view: the server's 101 answer, set once before the connection opens; else null. */
    private volatile HandshakeResponse response;

    public DefaultHandshakeRequest(URI uri, String path, String query, HttpHeaders httpHeaders, Map<String, String> cookies,
            String origin, Map<String, String> pathVariables, InetSocketAddress remoteAddress) {
        this(uri, path, query, httpHeaders, cookies, origin, pathVariables, remoteAddress, null);
    }

    private DefaultHandshakeRequest(URI uri, String path, String query, HttpHeaders httpHeaders,
            Map<String, String> cookies, String origin, Map<String, String> pathVariables,
            InetSocketAddress remoteAddress, java.security.Principal principal) {
        this.principal = principal;
        this.uri = uri;
        this.path = path;
        this.query = query;
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (String name : httpHeaders.names()) {
            h.put(name.toLowerCase(Locale.ROOT), List.copyOf(httpHeaders.getAll(name)));
        }
        this.headers = Collections.unmodifiableMap(h);
        this.cookies = Map.copyOf(cookies);
        this.origin = origin;
        this.subprotocols = List.copyOf(httpHeaders.tokens("Sec-WebSocket-Protocol"));
        this.pathVariables = Map.copyOf(pathVariables);
        this.remoteAddress = remoteAddress;
    }

    /** The view of a request a server received: the URI from its Host header and target. */
    static DefaultHandshakeRequest ofServerRequest(HttpRequest request, Map<String, String> pathVariables,
            InetSocketAddress remoteAddress) {
        return ofServerRequest(request, pathVariables, remoteAddress, null);
    }

    /** As above, with the user the hosting web server authenticated (or null). */
    static DefaultHandshakeRequest ofServerRequest(HttpRequest request, Map<String, String> pathVariables,
            InetSocketAddress remoteAddress, java.security.Principal principal) {
        return new DefaultHandshakeRequest(serverUri(request), request.path(), request.query(), request.headers(),
                request.cookies(), request.origin(), pathVariables, remoteAddress, principal);
    }

    @Override
    public java.security.Principal principal() {
        return principal;
    }

    private static URI serverUri(HttpRequest request) {
        String host = request.headers().get("Host");
        try {
            return URI.create("ws://" + (host == null ? "localhost" : host) + request.target());
        } catch (IllegalArgumentException e) {
            return URI.create("/");
        }
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    @Override
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    @Override
    public Map<String, List<String>> headers() {
        return headers;
    }

    @Override
    public Map<String, String> cookies() {
        return cookies;
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public List<String> subprotocols() {
        return subprotocols;
    }

    /** A client's view: the server's 101 answer, or null. */
    HandshakeResponse response() {
        return response;
    }

    void response(HandshakeResponse response) {
        this.response = response;
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
        return "HandshakeRequest[" + path + "]";
    }
}
