package dev.seed.websocket.protocol.handshake;

import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.ExtensionFactory;
import dev.seed.websocket.protocol.extension.ExtensionParameters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The server's side of the opening handshake (RFC 6455 section 4.2): checks the client's request
 * and builds the 101 answer, or refuses with a {@link HandshakeException} naming the HTTP status.
 * RFC 6455 is always enabled; hybi drafts 7 and 8 (same framing, same accept key) and hixie-76
 * (its own framing and MD5 challenge) only when configured.
 *
 * <p>Immutable and thread safe: one instance serves every connection.
 */
public final class ServerHandshake {

    /** RFC 6455 section 1.3: the GUID appended to the key before hashing. */
    public static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** RFC 6455 section 4.1: "a randomly selected 16-byte value that has been base64-encoded". */
    static final int KEY_LENGTH = 16;

    /** The versions accepted; always holds RFC_6455. Unmodifiable. */
    private final Set<WebSocketVersion> versions;
    /** The extensions negotiated, in order of preference. Unmodifiable. */
    private final List<ExtensionFactory> extensions;

    private ServerHandshake(Builder builder) {
        this.versions = Collections.unmodifiableSet(EnumSet.copyOf(builder.versions));
        this.extensions = List.copyOf(builder.extensions);
    }

    /** A builder with the defaults: RFC 6455 only, no extension. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.versions = EnumSet.copyOf(versions);
        b.extensions = new ArrayList<>(extensions);
        return b;
    }

    /** The enabled versions. */
    public Set<WebSocketVersion> versions() {
        return versions;
    }

    /** The extensions negotiated, in order of preference. */
    public List<ExtensionFactory> extensions() {
        return extensions;
    }

    /** {@link #accept(HttpRequest, List, boolean)} on a connection without TLS. */
    public Accepted accept(HttpRequest request, List<String> supportedSubprotocols) throws HandshakeException {
        return accept(request, supportedSubprotocols, false);
    }

    /**
     * Checks the client's opening handshake (RFC 6455 section 4.2.1) and negotiates the
     * subprotocol and extensions (section 4.2.2). {@code supportedSubprotocols} are the ones the
     * route speaks; {@code secure} says whether the connection uses TLS (hixie-76 names the URL in
     * its answer). Throws with the status to refuse with:
     * <ul>
     *   <li>405 (with {@code Allow: GET}) when the method is not GET: the method is what is wrong,
     *       and RFC 7231 section 6.5.5 has a status for exactly that;</li>
     *   <li>400 for a request that is not HTTP/1.1 or later, or lacks a valid Host, Upgrade,
     *       Connection or key header;</li>
     *   <li>426 (with {@code Sec-WebSocket-Version} listing the enabled versions) when the version
     *       is missing or not enabled.</li>
     * </ul>
     */
    public Accepted accept(HttpRequest request, List<String> supportedSubprotocols, boolean secure)
            throws HandshakeException {
        HttpHeaders h = request.headers();
        // 4.2.1 item 1: "An HTTP/1.1 or higher GET request, including a "Request-URI""
        if (!request.method().equals("GET")) {
            throw new HandshakeException(405, "WebSocket upgrade requires GET.", new HttpHeaders().add("Allow", "GET"));
        }
        if (!HttpRequest.isAtLeastHttp11(request.version())) {
            throw new HandshakeException(400, "WebSocket upgrade requires HTTP/1.1 or later.");
        }
        // 4.2.1 item 2: "A |Host| header field containing the server's authority."
        List<String> hosts = h.getAll("Host");
        if (hosts.isEmpty()) {
            throw new HandshakeException(400, "Missing Host header.");
        }
        if (hosts.size() > 1 || hosts.get(0).isEmpty()) {
            throw new HandshakeException(400, "Invalid Host header.");
        }
        // 4.2.1 item 3: "An |Upgrade| header field containing the value "websocket", treated as an
        // ASCII case-insensitive value."
        requireToken(h, "Upgrade", "websocket");
        // 4.2.1 item 4: "A |Connection| header field that includes the token "Upgrade", treated as
        // an ASCII case-insensitive value."
        requireToken(h, "Connection", "upgrade");
        WebSocketVersion version = version(h);
        if (version == WebSocketVersion.HIXIE_76) {
            return acceptHixie76(request, supportedSubprotocols, secure);
        }
        // 4.2.1 item 5: "A |Sec-WebSocket-Key| header field with a base64-encoded value that, when
        // decoded, is 16 bytes in length."
        String key = key(h);
        HttpHeaders response = new HttpHeaders();
        response.add("Upgrade", "websocket");
        response.add("Connection", "Upgrade");
        response.add("Sec-WebSocket-Accept", acceptKey(key));
        String subprotocol = selectSubprotocol(h, supportedSubprotocols);
        if (subprotocol != null) {
            response.add("Sec-WebSocket-Protocol", subprotocol);
        }
        List<Extension> accepted = negotiateExtensions(h);
        if (!accepted.isEmpty()) {
            List<ExtensionParameters> params = new ArrayList<>(accepted.size());
            for (Extension e : accepted) {
                params.add(e.parameters());
            }
            response.add("Sec-WebSocket-Extensions", ExtensionParameters.toHeader(params));
        }
        return new Accepted(version, subprotocol, accepted, response, "Switching Protocols", new byte[0]);
    }

    /**
     * The {@code Sec-WebSocket-Accept} value for {@code key} (RFC 6455 section 1.3 and 4.2.2 item
     * 5.4); section 4.1 names it "the base64-encoded SHA-1 of the concatenation of the
     * |Sec-WebSocket-Key| (as a string, not base64-decoded) with the string
     * "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"".
     */
    public static String acceptKey(String key) {
        byte[] digest = SHA1.get().digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
        return Base64.getEncoder().encodeToString(digest);
    }

    /**
     * RFC 6455 section 4.2.1 item 6: "A |Sec-WebSocket-Version| header field, with a value of 13";
     * section 4.4: a server that does not speak the client's version "MUST abort the WebSocket
     * handshake ... and instead send an appropriate HTTP error code (such as 426 Upgrade
     * Required) and a |Sec-WebSocket-Version| header field indicating the version(s) the server is
     * capable of understanding."
     */
    private WebSocketVersion version(HttpHeaders h) throws HandshakeException {
        List<String> values = h.getAll("Sec-WebSocket-Version");
        if (values.isEmpty()) {
            // hixie-76 has no version header but sends Sec-WebSocket-Key1 and Key2.
            if (h.contains("Sec-WebSocket-Key1") && h.contains("Sec-WebSocket-Key2")) {
                if (versions.contains(WebSocketVersion.HIXIE_76)) {
                    return WebSocketVersion.HIXIE_76;
                }
                throw upgradeRequired("Unsupported WebSocket version.");
            }
            throw upgradeRequired("Missing Sec-WebSocket-Version header.");
        }
        Optional<WebSocketVersion> v = values.size() == 1 ? WebSocketVersion.fromHeader(values.get(0)) : Optional.empty();
        if (v.isEmpty() || !versions.contains(v.get())) {
            throw upgradeRequired("Unsupported WebSocket version.");
        }
        return v.get();
    }

    private HandshakeException upgradeRequired(String message) {
        StringBuilder list = new StringBuilder();
        WebSocketVersion[] all = WebSocketVersion.values();
        for (int i = all.length - 1; i >= 0; i--) {
            if (all[i].hybiFraming() && versions.contains(all[i])) {
                list.append(list.length() == 0 ? "" : ", ").append(all[i].wireVersion());
            }
        }
        HttpHeaders headers = new HttpHeaders();
        if (list.length() > 0) {
            headers.add("Sec-WebSocket-Version", list.toString());
        }
        return new HandshakeException(426, message, headers);
    }

    private static void requireToken(HttpHeaders h, String name, String token) throws HandshakeException {
        if (!h.contains(name)) {
            throw new HandshakeException(400, "Missing " + name + " header.");
        }
        if (!h.containsToken(name, token)) {
            throw new HandshakeException(400, "Invalid " + name + " header.");
        }
    }

    private static String key(HttpHeaders h) throws HandshakeException {
        List<String> keys = h.getAll("Sec-WebSocket-Key");
        if (keys.isEmpty()) {
            throw new HandshakeException(400, "Missing Sec-WebSocket-Key header.");
        }
        String key = keys.get(0);
        // 24 base64 characters encode exactly 16 bytes ("==" padded).
        if (keys.size() != 1 || key.length() != 24 || decodedLength(key) != KEY_LENGTH) {
            throw new HandshakeException(400, "Invalid Sec-WebSocket-Key header.");
        }
        return key;
    }

    private static int decodedLength(String base64) {
        try {
            return Base64.getDecoder().decode(base64).length;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /**
     * RFC 6455 section 4.2.2 item 5.4 /subprotocol/: "Either a single value representing the
     * subprotocol the server is ready to use or null. The value chosen MUST be derived from the
     * client's handshake, specifically by selecting one of the values from the
     * |Sec-WebSocket-Protocol| field". The server's preference decides among the client's offers,
     * as Jakarta WebSocket and Spring do: the first of the route's subprotocols that the client
     * offers; null (no header) when it offers none of them.
     */
    private static String selectSubprotocol(HttpHeaders h, List<String> supported) {
        List<String> offered = h.tokens("Sec-WebSocket-Protocol");
        if (offered.isEmpty()) {
            return null;
        }
        for (String preferred : supported) {
            if (offered.contains(preferred)) {
                return preferred;
            }
        }
        return null;
    }

    /**
     * RFC 6455 section 9.1: the client's offers, grouped by extension name in order of first
     * appearance, each group given to the configured factory of that name. An extension whose RSV
     * bits are taken by one accepted before is declined: two extensions cannot share a bit.
     */
    private List<Extension> negotiateExtensions(HttpHeaders h) throws HandshakeException {
        List<String> values = h.getAll("Sec-WebSocket-Extensions");
        if (values.isEmpty() || extensions.isEmpty()) {
            return List.of();
        }
        Map<String, List<ExtensionParameters>> offersByName = new LinkedHashMap<>();
        for (String value : values) {
            List<ExtensionParameters> elements;
            try {
                elements = ExtensionParameters.parseOffers(value);
            } catch (IllegalArgumentException e) {
                throw new HandshakeException(400, "Invalid Sec-WebSocket-Extensions header.");
            }
            for (ExtensionParameters offer : elements) {
                offersByName.computeIfAbsent(lowerAscii(offer.name()), k -> new ArrayList<>()).add(offer);
            }
        }
        List<Extension> accepted = new ArrayList<>();
        int usedBits = 0;
        try {
            for (Map.Entry<String, List<ExtensionParameters>> group : offersByName.entrySet()) {
                for (ExtensionFactory factory : extensions) {
                    if (!lowerAscii(factory.name()).equals(group.getKey())) {
                        continue;
                    }
                    Optional<Extension> extension = factory.negotiate(Collections.unmodifiableList(group.getValue()));
                    if (extension.isEmpty()) {
                        continue;
                    }
                    Extension e = extension.get();
                    if ((e.reservedBits() & usedBits) != 0) {
                        e.close();
                        continue;
                    }
                    usedBits |= e.reservedBits();
                    accepted.add(e);
                    break;
                }
            }
        } catch (RuntimeException e) {
            accepted.forEach(Extension::close);
            throw e;
        }
        return Collections.unmodifiableList(accepted);
    }

    /**
     * hixie-76 section 5.2: the answer echoes the origin, names the URL, and proves that the server
     * read the keys with the MD5 digest of key1's part, key2's part and key3.
     */
    private Accepted acceptHixie76(HttpRequest request, List<String> supportedSubprotocols, boolean secure)
            throws HandshakeException {
        HttpHeaders h = request.headers();
        long part1 = hixieKeyPart(h.getAll("Sec-WebSocket-Key1"), "Sec-WebSocket-Key1");
        long part2 = hixieKeyPart(h.getAll("Sec-WebSocket-Key2"), "Sec-WebSocket-Key2");
        byte[] key3 = request.body();
        if (key3.length != HttpRequestParser.HIXIE_KEY3_LENGTH) {
            throw new HandshakeException(400, "Invalid hixie-76 key3.");
        }
        String origin = h.get("Origin");
        if (origin == null) {
            throw new HandshakeException(400, "Missing Origin header.");
        }
        HttpHeaders response = new HttpHeaders();
        response.add("Upgrade", "WebSocket");
        response.add("Connection", "Upgrade");
        response.add("Sec-WebSocket-Origin", origin);
        String resource = request.path() + (request.query() == null ? "" : "?" + request.query());
        response.add("Sec-WebSocket-Location", (secure ? "wss://" : "ws://") + h.get("Host") + resource);
        String subprotocol = selectSubprotocol(h, supportedSubprotocols);
        if (subprotocol != null) {
            response.add("Sec-WebSocket-Protocol", subprotocol);
        }
        return new Accepted(WebSocketVersion.HIXIE_76, subprotocol, List.of(), response,
                "WebSocket Protocol Handshake", hixieChallenge(part1, part2, key3));
    }

    /**
     * hixie-76 section 5.2 steps 4 to 6, in short: the key number is the key's digits read as a
     * base ten integer, ignoring every other character; it is divided by the number of spaces in
     * the key. No space ("a symptom of a cross-protocol attack"), a number that is not an
     * integral multiple of the spaces, or a part over 32 bits aborts the handshake.
     */
    static long hixieKeyPart(List<String> values, String name) throws HandshakeException {
        if (values.size() != 1) {
            throw new HandshakeException(400, "Invalid " + name + " header.");
        }
        String key = values.get(0);
        long number = 0;
        int spaces = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c >= '0' && c <= '9') {
                if (number > (0xFFFF_FFFFL * 12 * 10)) { // far beyond any valid key number
                    throw new HandshakeException(400, "Invalid " + name + " header.");
                }
                number = number * 10 + (c - '0');
            } else if (c == ' ') {
                spaces++;
            }
        }
        if (spaces == 0 || number % spaces != 0 || number / spaces > 0xFFFF_FFFFL) {
            throw new HandshakeException(400, "Invalid " + name + " header.");
        }
        return number / spaces;
    }

    /**
     * hixie-76 section 5.2 steps 7 to 9, in short: the answer is the MD5 digest of part 1 and
     * part 2, each a big-endian unsigned 32-bit integer, followed by the 8 bytes of key3.
     */
    static byte[] hixieChallenge(long part1, long part2, byte[] key3) {
        ByteBuffer challenge = ByteBuffer.allocate(16);
        challenge.putInt((int) part1).putInt((int) part2).put(key3);
        return digest("MD5", challenge.array());
    }

    /**
     * The thread's SHA-1 (RFC 6455 section 4.2.2, step 5.4), made once: looking the algorithm up
     * among the providers on every handshake cost more than the digest of 60 bytes.
     * {@code digest} resets it after each use.
     */
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from the JDK.", e);
        }
    });

    static byte[] digest(String algorithm, byte[] input) {
        try {
            return MessageDigest.getInstance(algorithm).digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from the JDK.", e);
        }
    }

    static String lowerAscii(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            sb.append(HttpHeaders.toLowerAscii(s.charAt(i)));
        }
        return sb.toString();
    }

    /** Configures a {@link ServerHandshake}. This class is not thread safe. */
    public static final class Builder {

        private EnumSet<WebSocketVersion> versions = EnumSet.of(WebSocketVersion.RFC_6455);
        private List<ExtensionFactory> extensions = new ArrayList<>();

        private Builder() {
        }

        /** The versions to accept (RFC 6455 must be among them). */
        public Builder versions(Set<WebSocketVersion> versions) {
            if (!versions.contains(WebSocketVersion.RFC_6455)) {
                throw new IllegalArgumentException("RFC_6455 must be enabled.");
            }
            this.versions = EnumSet.copyOf(versions);
            return this;
        }

        /** {@link #versions(Set)} from an array. */
        public Builder versions(WebSocketVersion... versions) {
            return versions(versions.length == 0 ? EnumSet.noneOf(WebSocketVersion.class) : EnumSet.of(versions[0], versions));
        }

        /** The extensions to negotiate; when two have the same name, the first that accepts wins. */
        public Builder extensions(List<ExtensionFactory> extensions) {
            for (ExtensionFactory f : extensions) {
                Objects.requireNonNull(f, "extension factory");
            }
            this.extensions = new ArrayList<>(extensions);
            return this;
        }

        public ServerHandshake build() {
            return new ServerHandshake(this);
        }
    }

    /**
     * A request the server accepts: the agreed version, subprotocol and extensions, and the answer
     * to send. The server layer may add header fields (e.g. {@code Set-Cookie}) to
     * {@link #responseHeaders()} before it writes {@link #responseBytes()}.
     *
     * <p>This class is not thread safe (its response headers are mutable). The extensions belong
     * to the connection: the caller closes them if it does not open it.
     */
    public static final class Accepted {

        private final WebSocketVersion version;
        private final String subprotocol;
        private final List<Extension> extensions;
        private final HttpHeaders responseHeaders;
        private final String reason;
        private final byte[] body;

        Accepted(WebSocketVersion version, String subprotocol, List<Extension> extensions,
                HttpHeaders responseHeaders, String reason, byte[] body) {
            this.version = version;
            this.subprotocol = subprotocol;
            this.extensions = extensions;
            this.responseHeaders = responseHeaders;
            this.reason = reason;
            this.body = body;
        }

        /** The version agreed: it decides the framing. */
        public WebSocketVersion version() {
            return version;
        }

        /** The subprotocol selected, or null. */
        public String subprotocol() {
            return subprotocol;
        }

        /** The extensions accepted, in the order of the response header. */
        public List<Extension> extensions() {
            return extensions;
        }

        /** The header fields of the 101 answer; modifiable. */
        public HttpHeaders responseHeaders() {
            return responseHeaders;
        }

        /** The 101 answer with the current header fields (and hixie-76's challenge answer). */
        public HttpResponse response() {
            return new HttpResponse(101, reason, responseHeaders, body);
        }

        /** {@link #response()} in wire form. */
        public ByteBuffer responseBytes() {
            return response().toBytes();
        }
    }
}
