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
 * fields in one UTF-8 array ({@link #keep}), which the connection holds alone, and this view of it,
 * made on each {@code request()} and read back into a {@link DefaultHandshakeRequest} on each call.
 * An idle connection so holds one array about the size of the request head instead of a map,
 * lists and strings for every header, the URI and the cookies (about 1.5 KB for a small request),
 * or a view object. The route's template, its path variables and the remote address (the socket's
 * own object) come from what the connection has anyway.
 * Immutable.
 *
 * <p>The array: the target, LF, then each field in order. A target that is an exact route's path
 * (most WebSocket endpoints: {@code /chat}, no query) is one byte that says so. The fields every WebSocket client sends
 * the same way ({@code Upgrade: websocket}, {@code Sec-WebSocket-Version: 13}, a browser's
 * {@code Sec-WebSocket-Extensions} offer) take one byte each, and common field names one byte too:
 * a control character where a field begins, which no field name can (RFC 9110 section 5.1, a
 * token; {@link HttpHeaders} holds only tokens); a value ends with LF, which no value holds (RFC
 * 9110 section 5.5). The {@code Sec-WebSocket-Key} nonce, 16 random bytes in 24 characters of
 * base64 (RFC 6455 section 4.1), is kept as its 16 bytes when it is written the one way base64
 * writes them. Lossless: the view is the request's as it was. A minimal client's request keeps 43
 * bytes instead of 143.
 */
final class RetainedHandshakeRequest implements HandshakeRequest {

    /** Ends the target and each value. */
    private static final byte LF = '\n';
    /** The whole target, when it is the route's path (no target begins with a control character). */
    private static final byte ROUTE_PATH = 0;
    /** Where a field begins: the {@code Sec-WebSocket-Key} field, its nonce's 16 bytes after it. */
    private static final byte NONCE = 0;
    private static final int NONCE_BYTES = 16;
    private static final String KEY_FIELD = "Sec-WebSocket-Key";

    /**
     * Whole field lines kept as one byte: {@code (char) (1 + index)}. Exactly as clients send them
     * (a field that differs in any byte is kept as it is). At most 15.
     */
    private static final String[] COMMON_LINES = {
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Version: 13",
        "Connection: keep-alive, Upgrade",
        "Pragma: no-cache",
        "Cache-Control: no-cache",
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
        "Sec-WebSocket-Extensions: permessage-deflate",
        "Accept-Encoding: gzip, deflate, br, zstd",
        "Accept-Encoding: gzip, deflate, br",
        "Sec-Fetch-Dest: empty",
        "Sec-Fetch-Mode: websocket",
        "Sec-Fetch-Site: same-origin",
        "Sec-Fetch-Site: cross-site",
        "Accept: */*",
    };
    /** Field names kept as one byte, {@code (char) (0x10 + index)}, the value and LF after it. At most 16. */
    private static final String[] COMMON_NAMES = {
        "Host", "Origin", "User-Agent", "Cookie", "Sec-WebSocket-Key", "Sec-WebSocket-Protocol",
        "Sec-WebSocket-Extensions", "Authorization", "Accept-Language", "Accept-Encoding",
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded", "Cache-Control", "Pragma",
    };
    /** {@link #COMMON_LINES}' codes by field name, then value: no string is made to look one up. */
    private static final Map<String, Map<String, Character>> LINE_CODES = lineCodes();
    private static final Map<String, Character> NAME_CODES = nameCodes();

    private static Map<String, Map<String, Character>> lineCodes() {
        Map<String, Map<String, Character>> codes = new java.util.HashMap<>();
        for (int i = 0; i < COMMON_LINES.length; i++) {
            String line = COMMON_LINES[i];
            int colon = line.indexOf(':');
            codes.computeIfAbsent(line.substring(0, colon), n -> new java.util.HashMap<>())
                    .put(line.substring(colon + 2), (char) (1 + i));
        }
        codes.replaceAll((name, values) -> Map.copyOf(values));
        return Map.copyOf(codes);
    }

    private static Map<String, Character> nameCodes() {
        Map<String, Character> codes = new java.util.HashMap<>();
        for (int i = 0; i < COMMON_NAMES.length; i++) {
            codes.put(COMMON_NAMES[i], (char) (0x10 + i));
        }
        return Map.copyOf(codes);
    }

    /** The target and the fields, in order, as {@link #keep} writes them. */
    private final byte[] head;
    /** The route that took the request; null outside a server (tests). */
    private final Router.Route route;
    private final InetSocketAddress remoteAddress;
    /** Who is authenticated (the web server's user, or an interceptor's); null when anonymous. */
    private final java.security.Principal principal;
    private final Map<String, String> pathVariables;

    /**
     * A view of a kept request.
     *
     * @param head what {@link #keep} made of the request
     * @param route the route that took it (its template; its path, when {@link #keep} wrote it as one byte)
     * @param pathVariables the variables the router matched in the path
     */
    RetainedHandshakeRequest(byte[] head, Router.Route route, InetSocketAddress remoteAddress,
            java.security.Principal principal, Map<String, String> pathVariables) {
        this.head = head;
        this.route = route;
        this.remoteAddress = remoteAddress;
        this.principal = principal;
        this.pathVariables = pathVariables;
    }

    @Override
    public String routeTemplate() {
        return route == null ? null : route.path().pattern();
    }

    /**
     * The request's target and fields as an open connection keeps them, in as few bytes as they
     * losslessly fit; {@code route}: the route that took it (null: none), given again to the view.
     */
    static byte[] keep(HttpRequest request, Router.Route route) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(128);
        if (route != null && route.path().isExact() && request.target().equals(route.path().pattern())) {
            out.write(ROUTE_PATH);
        } else {
            out.writeBytes(request.target().getBytes(StandardCharsets.UTF_8));
            out.write(LF);
        }
        for (Map.Entry<String, String> field : request.headers()) {
            String name = field.getKey();
            String value = field.getValue();
            Map<String, Character> lines = LINE_CODES.get(name);
            Character line = lines == null ? null : lines.get(value);
            if (line != null) {
                out.write(line);
                continue;
            }
            byte[] nonce = name.equals(KEY_FIELD) ? nonce(value) : null;
            if (nonce != null) {
                out.write(NONCE);
                out.writeBytes(nonce);
                continue;
            }
            Character code = NAME_CODES.get(name);
            if (code != null) {
                out.write(code);
            } else {
                out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
                out.write(':');
                out.write(' ');
            }
            out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            out.write(LF);
        }
        return out.toByteArray();
    }

    /** The 16 bytes a key names, when base64 writes them back as exactly this key; else null. */
    private static byte[] nonce(String key) {
        if (key.length() != 24) {
            return null;
        }
        try {
            byte[] nonce = java.util.Base64.getDecoder().decode(key);
            return nonce.length == NONCE_BYTES && java.util.Base64.getEncoder().encodeToString(nonce).equals(key)
                    ? nonce : null;
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    /** The size of the kept head in bytes (tests). */
    int headBytes() {
        return head.length;
    }

    /** The full view, parsed again from {@link #head}. */
    DefaultHandshakeRequest expand() {
        HttpRequest request = new HttpRequest("GET", target(), fields());
        return DefaultHandshakeRequest.ofServerRequest(request, pathVariables, remoteAddress, principal);
    }

    /** The request's target. */
    private String target() {
        if (head[0] == ROUTE_PATH) {
            return route.path().pattern();
        }
        return new String(head, 0, endOfValue(0), StandardCharsets.UTF_8);
    }

    /** Where the fields begin: after the target. */
    private int fieldsStart() {
        return head[0] == ROUTE_PATH ? 1 : endOfValue(0) + 1;
    }

    /** Where the value that starts at {@code from} ends: at its LF. */
    private int endOfValue(int from) {
        int end = from;
        while (head[end] != LF) {
            end++;
        }
        return end;
    }

    /** The field lines, in order, as the request had them. */
    HttpHeaders fields() {
        HttpHeaders headers = new HttpHeaders();
        int at = fieldsStart();
        while (at < head.length) {
            byte first = head[at];
            if (first == NONCE) {
                byte[] nonce = java.util.Arrays.copyOfRange(head, at + 1, at + 1 + NONCE_BYTES);
                headers.add(KEY_FIELD, java.util.Base64.getEncoder().encodeToString(nonce));
                at += 1 + NONCE_BYTES;
            } else if (first < 0x10) {
                String line = COMMON_LINES[first - 1];
                int colon = line.indexOf(':');
                headers.add(line.substring(0, colon), line.substring(colon + 2));
                at++;
            } else if (first < 0x20) {
                int end = endOfValue(at + 1);
                headers.add(COMMON_NAMES[first - 0x10], new String(head, at + 1, end - at - 1, StandardCharsets.UTF_8));
                at = end + 1;
            } else {
                int colon = at;
                while (head[colon] != ':') {
                    colon++;
                }
                int end = endOfValue(colon + 2);
                headers.add(new String(head, at, colon - at, StandardCharsets.UTF_8),
                        new String(head, colon + 2, end - colon - 2, StandardCharsets.UTF_8));
                at = end + 1;
            }
        }
        return headers;
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
