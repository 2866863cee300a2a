package dev.seed.websocket.protocol.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP/1.1 request head (RFC 7230 section 3.1.1: {@code method SP request-target SP
 * HTTP-version}) and its header fields. The body is empty except for a hixie-76 opening handshake,
 * whose client sends 8 bytes (key3) after the header block. Immutable.
 */
public final class HttpRequest {

    /** The body of a request without one; never handed out (body() returns a copy). */
    static final byte[] NO_BODY = new byte[0];

    /** A token. */
    private final String method;
    /** Visible ASCII, not empty. */
    private final String target;
    /** Of the form {@code HTTP/1.1}. */
    private final String version;
    /** Read-only. */
    private final HttpHeaders headers;
    /** Owned by this request alone, never changed. */
    private final byte[] body;
    /** The raw path of {@link #target}. */
    private final String path;
    /** The raw query of {@link #target}, or null. */
    private final String query;

    /**
     * A request. {@code method} is a token, {@code target} visible ASCII, {@code version} of the
     * form {@code HTTP/1.1}; anything else throws IllegalArgumentException. The headers and body
     * are copied.
     */
    public HttpRequest(String method, String target, String version, HttpHeaders headers, byte[] body) {
        this(checkMethod(method), checkTarget(target), checkVersion(version), body.clone(), headers.readOnlyCopy());
    }

    /** A {@code HTTP/1.1} request without body. */
    public HttpRequest(String method, String target, HttpHeaders headers) {
        this(method, target, "HTTP/1.1", headers, new byte[0]);
    }

    /** A request from checked parts, taking them as they are: nothing is checked or copied. */
    private HttpRequest(String method, String target, String version, byte[] body, HttpHeaders readOnlyHeaders) {
        this.method = method;
        this.target = target;
        this.version = version;
        this.headers = readOnlyHeaders;
        this.body = body;
        String pathAndQuery = originForm(target);
        int q = pathAndQuery.indexOf('?');
        this.path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        this.query = q < 0 ? null : pathAndQuery.substring(q + 1);
    }

    /**
     * The request a parser has read: {@code method}, {@code target} and {@code version} are valid,
     * and neither {@code headers} nor {@code body} will change again (the request keeps them
     * without a copy).
     */
    static HttpRequest parsed(String method, String target, String version, HttpHeaders headers, byte[] body) {
        return new HttpRequest(method, target, version, body, headers.readOnlyView());
    }

    private static String checkMethod(String method) {
        if (method == null || !HttpHeaders.isToken(method)) {
            throw new IllegalArgumentException("Invalid method.");
        }
        return method;
    }

    private static String checkTarget(String target) {
        if (target == null || !isTarget(target)) {
            throw new IllegalArgumentException("Invalid request target.");
        }
        return target;
    }

    private static String checkVersion(String version) {
        if (version == null || !isHttpVersion(version)) {
            throw new IllegalArgumentException("Invalid HTTP version.");
        }
        return version;
    }

    /** The method, e.g. {@code GET} (case-sensitive, RFC 7231 section 4.1). */
    public String method() {
        return method;
    }

    /** The request-target as sent, e.g. {@code /chat?room=1}. */
    public String target() {
        return target;
    }

    /**
     * The raw (still percent-encoded) path of the target: the origin-form's path, or the path of an
     * absolute-form target ({@code /} when it has none).
     */
    public String path() {
        return path;
    }

    /** The raw query of the target without {@code ?}, or null when there is none. */
    public String query() {
        return query;
    }

    /** The HTTP version, e.g. {@code HTTP/1.1}. */
    public String version() {
        return version;
    }

    /** The header fields (read-only). */
    public HttpHeaders headers() {
        return headers;
    }

    /** The bytes after the header block: hixie-76's 8-byte key3, else empty. A copy. */
    public byte[] body() {
        return body.clone();
    }

    /** The first value of the header field {@code name}, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /**
     * The origin of the page that opened the connection, or null when the client sent none. RFC
     * 6455 section 4.1 and hixie-76 send {@code Origin}; hybi drafts 7 and 8 send
     * {@code Sec-WebSocket-Origin} instead.
     */
    public String origin() {
        WebSocketVersion v = WebSocketVersion.fromHeader(headers.get("Sec-WebSocket-Version")).orElse(null);
        if (v == WebSocketVersion.HYBI_07 || v == WebSocketVersion.HYBI_08) {
            return headers.get("Sec-WebSocket-Origin");
        }
        return headers.get("Origin");
    }

    /**
     * The cookies of every {@code Cookie} field in order (RFC 6265 section 4.2.1: {@code
     * cookie-pair *( ";" SP cookie-pair )}), name to raw value. Pairs without {@code =} or with an
     * empty name are skipped; when a name repeats the first value wins (RFC 6265 section 5.4 sends
     * the cookie with the longest path first). Read-only.
     */
    public Map<String, String> cookies() {
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String header : headers.getAll("Cookie")) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String name = HttpHeaders.trimWhitespace(pair.substring(0, eq));
                if (!name.isEmpty()) {
                    cookies.putIfAbsent(name, HttpHeaders.trimWhitespace(pair.substring(eq + 1)));
                }
            }
        }
        return Collections.unmodifiableMap(cookies);
    }

    /** The request in wire form: request line, header fields, empty line, body. */
    public ByteBuffer toBytes() {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(target).append(' ').append(version).append("\r\n");
        headers.appendTo(sb);
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(head.length + body.length);
        out.put(head).put(body).flip();
        return out;
    }

    @Override
    public String toString() {
        return method + " " + target + " " + version + " " + headers;
    }

    /** The origin-form ({@code path?query}) of a target in origin- or absolute-form. */
    private static String originForm(String target) {
        if (target.startsWith("/")) {
            return target;
        }
        int scheme = target.indexOf("://");
        if (scheme > 0) {
            int slash = target.indexOf('/', scheme + 3);
            int question = target.indexOf('?', scheme + 3);
            if (slash < 0 || (question >= 0 && question < slash)) {
                return question < 0 ? "/" : "/" + target.substring(question);
            }
            return target.substring(slash);
        }
        return target; // authority-form or asterisk-form
    }

    static boolean isTarget(String target) {
        if (target.isEmpty()) {
            return false;
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** RFC 7230 section 2.6: {@code HTTP-version = "HTTP/" DIGIT "." DIGIT}. */
    static boolean isHttpVersion(String v) {
        return v.length() == 8 && v.startsWith("HTTP/") && isDigit(v.charAt(5)) && v.charAt(6) == '.'
                && isDigit(v.charAt(7));
    }

    /** Whether an {@link #isHttpVersion} string is HTTP/1.1 or later. */
    static boolean isAtLeastHttp11(String v) {
        int major = v.charAt(5) - '0';
        int minor = v.charAt(7) - '0';
        return major > 1 || (major == 1 && minor >= 1);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpRequest r && method.equals(r.method) && target.equals(r.target)
                && version.equals(r.version) && headers.equals(r.headers) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, target, version, headers) * 31 + Arrays.hashCode(body);
    }
}
