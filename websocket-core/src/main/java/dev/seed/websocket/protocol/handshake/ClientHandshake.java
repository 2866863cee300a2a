package dev.seed.websocket.protocol.handshake;

import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.ExtensionFactory;
import dev.seed.websocket.protocol.extension.ExtensionNegotiationException;
import dev.seed.websocket.protocol.extension.ExtensionParameters;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * The client's side of the RFC 6455 opening handshake: the request to send (section 4.1) and the
 * check of the server's answer (section 4.2.2, as the client reads it in section 4.1). Built once
 * per connection; the key is drawn when it is built.
 *
 * <p>Immutable and thread safe.
 */
public final class ClientHandshake {

    /** Header fields this class writes itself; custom headers may not name them. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "upgrade", "connection",
            "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol",
            "sec-websocket-extensions", "origin", "cookie");

    private final URI uri;
    /** The version spoken: RFC 6455 unless a legacy one was asked for. */
    private final WebSocketVersion version;
    /** hixie-76: the digest the server must answer with (section 5.2); null for the other versions. */
    private final byte[] hixieChallenge;
    /** The Origin sent, or null. */
    private final String origin;
    private final String key;
    private final List<String> subprotocols;
    private final List<ExtensionFactory> extensions;
    private final HttpRequest request;

    private ClientHandshake(Builder b) {
        this.uri = b.uri;
        this.version = b.version;
        this.origin = b.origin;
        this.subprotocols = List.copyOf(b.subprotocols);
        this.extensions = version == WebSocketVersion.HIXIE_76 ? List.of() : List.copyOf(b.extensions);
        if (version == WebSocketVersion.HIXIE_76) {
            this.key = null;
            byte[][] challenge = new byte[1][];
            this.request = hixie76Request(b, challenge);
            this.hixieChallenge = challenge[0];
            return;
        }
        this.hixieChallenge = null;
        // 4.1 item 7: "a nonce consisting of a randomly selected 16-byte value that has been
        // base64-encoded"
        byte[] nonce = new byte[ServerHandshake.KEY_LENGTH];
        b.random.nextBytes(nonce);
        this.key = Base64.getEncoder().encodeToString(nonce);

        HttpHeaders h = new HttpHeaders();
        h.add("Host", host(uri));
        h.add("Upgrade", "websocket");
        h.add("Connection", "Upgrade");
        h.add("Sec-WebSocket-Key", key);
        h.add("Sec-WebSocket-Version", Integer.toString(version.wireVersion()));
        if (b.origin != null) {
            // hybi-07/08 section 4.1: a browser's origin went in |Sec-WebSocket-Origin| then
            h.add(version == WebSocketVersion.RFC_6455 ? "Origin" : "Sec-WebSocket-Origin", b.origin);
        }
        if (!subprotocols.isEmpty()) {
            h.add("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
        }
        List<ExtensionParameters> offers = new ArrayList<>();
        for (ExtensionFactory f : extensions) {
            offers.addAll(f.offers());
        }
        if (!offers.isEmpty()) {
            h.add("Sec-WebSocket-Extensions", ExtensionParameters.toHeader(offers));
        }
        for (var field : b.headers) {
            h.add(field.getKey(), field.getValue());
        }
        if (!b.cookies.isEmpty()) {
            StringBuilder cookie = new StringBuilder();
            for (Map.Entry<String, String> c : b.cookies.entrySet()) {
                cookie.append(cookie.length() == 0 ? "" : "; ").append(c.getKey()).append('=').append(c.getValue());
            }
            h.add("Cookie", cookie.toString());
        }
        this.request = new HttpRequest("GET", target(uri), h);
    }

    /**
     * draft-hixie-thewebsocketprotocol-76 section 4.1 (the client's handshake): two keys, each a
     * number times a random count of spaces written with random other characters and those spaces
     * mixed in, and eight random bytes after the head (key3). The server proves it read them with
     * the MD5 of the two numbers and key3 (section 5.2), which {@code challenge[0]} receives.
     */
    private HttpRequest hixie76Request(Builder b, byte[][] challenge) {
        HttpHeaders h = new HttpHeaders();
        h.add("Upgrade", "WebSocket");
        h.add("Connection", "Upgrade");
        h.add("Host", host(uri));
        // the draft requires an Origin; a client that names none sends its own URL's origin
        h.add("Origin", b.origin != null ? b.origin : (secure() ? "https://" : "http://") + host(uri));
        if (!subprotocols.isEmpty()) {
            h.add("Sec-WebSocket-Protocol", subprotocols.get(0)); // one value in this draft
        }
        long[] parts = new long[2];
        for (int i = 0; i < 2; i++) {
            int spaces = 1 + b.random.nextInt(12);
            long max = 0xFFFF_FFFFL / spaces;
            parts[i] = (long) (b.random.nextDouble() * (max + 1)) % (max + 1);
            h.add("Sec-WebSocket-Key" + (i + 1), hixieKey(parts[i] * spaces, spaces, b.random));
        }
        for (var field : b.headers) {
            h.add(field.getKey(), field.getValue());
        }
        if (!b.cookies.isEmpty()) {
            StringBuilder cookie = new StringBuilder();
            for (Map.Entry<String, String> c : b.cookies.entrySet()) {
                cookie.append(cookie.length() == 0 ? "" : "; ").append(c.getKey()).append('=').append(c.getValue());
            }
            h.add("Cookie", cookie.toString());
        }
        byte[] key3 = new byte[HttpRequestParser.HIXIE_KEY3_LENGTH];
        b.random.nextBytes(key3);
        challenge[0] = ServerHandshake.hixieChallenge(parts[0], parts[1], key3);
        return new HttpRequest("GET", target(uri), "HTTP/1.1", h, key3);
    }

    /** Section 4.1 steps 17-22: the product's digits, 1-12 random non-digit characters and the spaces mixed in. */
    private static String hixieKey(long product, int spaces, Random random) {
        StringBuilder key = new StringBuilder(Long.toString(product));
        int noise = 1 + random.nextInt(12);
        for (int i = 0; i < noise; i++) {
            // U+0021 to U+002F and U+003A to U+007E: printable, neither a digit nor a space
            int c = random.nextInt(15 + 69);
            char ch = (char) (c < 15 ? 0x21 + c : 0x3A + c - 15);
            key.insert(random.nextInt(key.length() + 1), ch);
        }
        for (int i = 0; i < spaces; i++) {
            // never first or last
            key.insert(1 + random.nextInt(key.length() - 1), ' ');
        }
        return key.toString();
    }

    /** The version this handshake speaks. */
    public WebSocketVersion version() {
        return version;
    }

    /** hixie-76: the 16 bytes the server must send after its head (section 5.2); else null. */
    public byte[] hixieChallenge() {
        return hixieChallenge == null ? null : hixieChallenge.clone();
    }

    /** A builder for a {@code ws://} or {@code wss://} URI. */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** The URI connected to. */
    public URI uri() {
        return uri;
    }

    /** Whether the URI is {@code wss}: the connection uses TLS. */
    public boolean secure() {
        return uri.getScheme().equalsIgnoreCase("wss");
    }

    /** The port to connect to: the URI's, or 80 ({@code ws}) and 443 ({@code wss}). */
    public int port() {
        return uri.getPort() >= 0 ? uri.getPort() : secure() ? 443 : 80;
    }

    /** The base64 {@code Sec-WebSocket-Key} sent. */
    public String key() {
        return key;
    }

    /** The request. */
    public HttpRequest request() {
        return request;
    }

    /** The request in wire form; a new buffer on each call. */
    public ByteBuffer requestBytes() {
        return request.toBytes();
    }

    /**
     * The request in wire form with {@code extra} headers after its own (names and values checked
     * as {@link HttpHeaders#add} does: a line break fails with IllegalArgumentException).
     */
    public ByteBuffer requestBytes(HttpHeaders extra) {
        if (extra.isEmpty()) {
            return requestBytes();
        }
        HttpHeaders all = new HttpHeaders(request.headers());
        for (var field : extra) {
            all.add(field.getKey(), field.getValue());
        }
        // (the body is hixie-76's key3: it stays after the head)
        return new HttpRequest(request.method(), request.target(), request.version(), all, request.body()).toBytes();
    }

    /**
     * Checks the server's answer as RFC 6455 section 4.1 requires of the client ("the client MUST
     * _Fail the WebSocket Connection_" when any check fails). The failures carry the server's
     * status and header fields: a refusal its error status, an unacceptable 101 status 101.
     * Extensions created before a failure are closed.
     */
    public Result validate(HttpResponse response) throws HandshakeException {
        // "If the status code received from the server is not 101, the client handles the response
        // per HTTP [RFC2616] procedures."
        if (response.status() != 101) {
            throw failure(response, "Server refused the handshake with status " + response.status() + ".");
        }
        if (version == WebSocketVersion.HIXIE_76) {
            return validateHixie76(response);
        }
        HttpHeaders h = response.headers();
        // "If the response lacks an |Upgrade| header field or the |Upgrade| header field contains
        // a value that is not an ASCII case-insensitive match for the value "websocket""
        requireToken(response, "Upgrade", "websocket");
        // "If the response lacks a |Connection| header field or the |Connection| header field
        // doesn't contain a token that is an ASCII case-insensitive match for the value "Upgrade""
        requireToken(response, "Connection", "upgrade");
        // "If the response lacks a |Sec-WebSocket-Accept| header field or the
        // |Sec-WebSocket-Accept| contains a value other than the base64-encoded SHA-1 of the
        // concatenation of the |Sec-WebSocket-Key| (as a string, not base64-decoded) with the
        // string "258EAFA5-E914-47DA-95CA-C5AB0DC85B11""
        List<String> accept = h.getAll("Sec-WebSocket-Accept");
        if (accept.isEmpty()) {
            throw failure(response, "Missing Sec-WebSocket-Accept header.");
        }
        if (accept.size() != 1 || !accept.get(0).equals(ServerHandshake.acceptKey(key))) {
            throw failure(response, "Invalid Sec-WebSocket-Accept header.");
        }
        String subprotocol = subprotocol(response);
        List<Extension> accepted = extensions(response);
        return new Result(subprotocol, accepted, h);
    }

    /**
     * hixie-76 section 4.1 steps 31-41 (the client reads the server's head): Upgrade: WebSocket,
     * Connection: Upgrade, the origin and the location echoed. The 16-byte proof that follows the
     * head is checked by {@link #validateHixie76Challenge}.
     */
    private Result validateHixie76(HttpResponse response) throws HandshakeException {
        HttpHeaders h = response.headers();
        if (!"WebSocket".equals(h.get("Upgrade"))) {
            throw failure(response, "Invalid Upgrade header."); // the draft's exact "WebSocket"
        }
        requireToken(response, "Connection", "upgrade");
        String location = h.get("Sec-WebSocket-Location");
        String expected = (secure() ? "wss://" : "ws://") + host(uri) + target(uri);
        if (location == null || !location.equals(expected)) {
            throw failure(response, "Invalid Sec-WebSocket-Location header.");
        }
        String sentOrigin = request.headers().get("Origin");
        if (!sentOrigin.equals(h.get("Sec-WebSocket-Origin"))) {
            throw failure(response, "Invalid Sec-WebSocket-Origin header.");
        }
        // the one subprotocol sent comes back as it was, or none when none was sent
        String offered = request.headers().get("Sec-WebSocket-Protocol");
        String chosen = h.get("Sec-WebSocket-Protocol");
        if (!java.util.Objects.equals(offered, chosen)) {
            throw failure(response, "Invalid Sec-WebSocket-Protocol header.");
        }
        return new Result(chosen, List.of(), h);
    }

    /** hixie-76 section 4.1 step 42: the 16 bytes after the head must be the expected MD5 digest. */
    public void validateHixie76Challenge(HttpResponse response, byte[] answer) throws HandshakeException {
        if (!java.security.MessageDigest.isEqual(answer, hixieChallenge)) {
            throw failure(response, "Invalid hixie-76 challenge response.");
        }
    }

    /**
     * "If the response includes a |Sec-WebSocket-Protocol| header field and this header field
     * indicates the use of a subprotocol that was not present in the client's handshake (the
     * server has indicated a subprotocol not requested by the client), the client MUST _Fail the
     * WebSocket Connection_."
     */
    private String subprotocol(HttpResponse response) throws HandshakeException {
        List<String> values = response.headers().getAll("Sec-WebSocket-Protocol");
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() != 1) {
            throw failure(response, "Invalid Sec-WebSocket-Protocol header.");
        }
        if (!subprotocols.contains(values.get(0))) {
            throw failure(response, "Server selected a subprotocol that was not offered.");
        }
        return values.get(0);
    }

    /**
     * "If the response includes a |Sec-WebSocket-Extensions| header field and this header field
     * indicates the use of an extension that was not present in the client's handshake (the
     * server has indicated an extension not requested by the client), the client MUST _Fail the
     * WebSocket Connection_." Each element goes to the factory of its name, at most once.
     */
    private List<Extension> extensions(HttpResponse response) throws HandshakeException {
        List<String> values = response.headers().getAll("Sec-WebSocket-Extensions");
        if (values.isEmpty()) {
            return List.of();
        }
        List<Extension> accepted = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int usedBits = 0;
        try {
            for (String value : values) {
                List<ExtensionParameters> elements;
                try {
                    elements = ExtensionParameters.parseHeader(value);
                } catch (IllegalArgumentException e) {
                    throw failure(response, "Invalid Sec-WebSocket-Extensions header.");
                }
                for (ExtensionParameters element : elements) {
                    String name = ServerHandshake.lowerAscii(element.name());
                    ExtensionFactory factory = factory(name);
                    if (factory == null) {
                        throw failure(response, "Server accepted an extension that was not offered.");
                    }
                    if (!seen.add(name)) {
                        throw failure(response, "Server accepted an extension twice.");
                    }
                    Extension e;
                    try {
                        e = factory.accept(element);
                    } catch (ExtensionNegotiationException ex) {
                        throw failure(response, ex.getMessage());
                    }
                    accepted.add(e);
                    if ((e.reservedBits() & usedBits) != 0) {
                        throw failure(response, "Extensions use the same reserved bits.");
                    }
                    usedBits |= e.reservedBits();
                }
            }
        } catch (HandshakeException | RuntimeException e) {
            accepted.forEach(Extension::close);
            throw e;
        }
        return Collections.unmodifiableList(accepted);
    }

    private ExtensionFactory factory(String lowerName) {
        for (ExtensionFactory f : extensions) {
            if (ServerHandshake.lowerAscii(f.name()).equals(lowerName)) {
                return f;
            }
        }
        return null;
    }

    private static void requireToken(HttpResponse response, String name, String token) throws HandshakeException {
        if (!response.headers().contains(name)) {
            throw failure(response, "Missing " + name + " header.");
        }
        if (!response.headers().containsToken(name, token)) {
            throw failure(response, "Invalid " + name + " header.");
        }
    }

    private static HandshakeException failure(HttpResponse response, String message) {
        return new HandshakeException(response.status(), message, response.headers());
    }

    /**
     * RFC 6455 section 4.1 item 4: "The request MUST contain a |Host| header field whose value
     * contains /host/ plus optionally ":" followed by /port/ (when not using the default port)."
     */
    static String host(URI uri) {
        int port = uri.getPort();
        boolean secure = uri.getScheme().equalsIgnoreCase("wss");
        if (port < 0 || port == (secure ? 443 : 80)) {
            return uri.getHost();
        }
        return uri.getHost() + ":" + port;
    }

    /** Section 3: the resource name is the path ("/" when empty) and the query. */
    static String target(URI uri) {
        String path = uri.getRawPath();
        String target = path == null || path.isEmpty() ? "/" : path;
        return uri.getRawQuery() == null ? target : target + "?" + uri.getRawQuery();
    }

    /** What the server agreed to. */
    public static final class Result {

        private final String subprotocol;
        private final List<Extension> extensions;
        private final HttpHeaders headers;

        Result(String subprotocol, List<Extension> extensions, HttpHeaders headers) {
            this.subprotocol = subprotocol;
            this.extensions = extensions;
            this.headers = headers;
        }

        /** The subprotocol the server selected, or null. */
        public String subprotocol() {
            return subprotocol;
        }

        /** The extensions in use, in the order of the server's header. */
        public List<Extension> extensions() {
            return extensions;
        }

        /** The server's header fields (read-only), e.g. for {@code Set-Cookie}. */
        public HttpHeaders headers() {
            return headers;
        }
    }

    /** Configures a {@link ClientHandshake}. This class is not thread safe. */
    public static final class Builder {

        private final URI uri;
        private String origin;
        private List<String> subprotocols = List.of();
        private List<ExtensionFactory> extensions = List.of();
        private final HttpHeaders headers = new HttpHeaders();
        private Map<String, String> cookies = Map.of();
        private Random random;
        private WebSocketVersion version = WebSocketVersion.RFC_6455;

        private Builder(URI uri) {
            this.uri = checkUri(uri);
        }

        /** The version to speak (RFC 6455 by default; hybi-07/08 and hixie-76 for legacy servers). */
        public Builder version(WebSocketVersion version) {
            this.version = java.util.Objects.requireNonNull(version, "version");
            return this;
        }

        /** The {@code Origin} header (RFC 6455 section 4.1 item 8); none by default. */
        public Builder origin(String origin) {
            if (origin != null) {
                HttpHeaders.checkValue(origin);
            }
            this.origin = origin;
            return this;
        }

        /**
         * The subprotocols to offer, most preferred first. Section 4.1 item 10: "The elements that
         * comprise this value MUST be non-empty strings with characters in the range U+0021 to
         * U+007E not including separator characters ... and MUST all be unique strings."
         */
        public Builder subprotocols(List<String> subprotocols) {
            Set<String> unique = new HashSet<>();
            for (String p : subprotocols) {
                if (p == null || !HttpHeaders.isToken(p)) {
                    throw new IllegalArgumentException("Invalid subprotocol.");
                }
                if (!unique.add(p)) {
                    throw new IllegalArgumentException("Repeated subprotocol.");
                }
            }
            this.subprotocols = List.copyOf(subprotocols);
            return this;
        }

        /** The extensions to offer, in order of preference. */
        public Builder extensions(List<ExtensionFactory> extensions) {
            this.extensions = List.copyOf(extensions);
            return this;
        }

        /**
         * Adds a header field to the request, after the handshake's own. The fields the handshake
         * writes (Host, Upgrade, Connection, Origin, Cookie and the Sec-WebSocket-* ones) have
         * their own settings and are refused here.
         */
        public Builder header(String name, String value) {
            if (name != null && RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("Header is set by the handshake: " + name);
            }
            headers.add(name, value);
            return this;
        }

        /**
         * The cookies to send, in one {@code Cookie} header (RFC 6265 section 4.2.1). Names are
         * tokens and values cookie-octets (section 4.1.1), else IllegalArgumentException.
         */
        public Builder cookies(Map<String, String> cookies) {
            for (Map.Entry<String, String> c : cookies.entrySet()) {
                if (c.getKey() == null || !HttpHeaders.isToken(c.getKey())) {
                    throw new IllegalArgumentException("Invalid cookie name.");
                }
                if (c.getValue() == null || !isCookieValue(c.getValue())) {
                    throw new IllegalArgumentException("Invalid cookie value.");
                }
            }
            this.cookies = Collections.unmodifiableMap(new LinkedHashMap<>(cookies));
            return this;
        }

        /** The source of the key; a {@link SecureRandom} by default. */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Builds the handshake and draws its key. */
        public ClientHandshake build() {
            if (random == null) {
                random = new SecureRandom();
            }
            return new ClientHandshake(this);
        }

        /**
         * RFC 6455 section 3: "ws" or "wss" with a host; "Fragment identifiers are meaningless in
         * the context of WebSocket URIs and MUST NOT be used on these URIs."
         */
        private static URI checkUri(URI uri) {
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("ws") || scheme.equalsIgnoreCase("wss"))) {
                throw new IllegalArgumentException("URI scheme must be ws or wss.");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("URI has no host.");
            }
            if (uri.getRawFragment() != null) {
                throw new IllegalArgumentException("URI must not have a fragment.");
            }
            return uri;
        }

        /**
         * RFC 6265 section 4.1.1: {@code cookie-value = *cookie-octet / ( DQUOTE *cookie-octet
         * DQUOTE )}, {@code cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E}.
         */
        private static boolean isCookieValue(String v) {
            String inner = v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            for (int i = 0; i < inner.length(); i++) {
                char c = inner.charAt(i);
                if (c < 0x21 || c > 0x7E || c == '"' || c == ',' || c == ';' || c == '\\') {
                    return false;
                }
            }
            return true;
        }
    }
}
