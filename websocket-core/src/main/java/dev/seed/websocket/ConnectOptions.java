package dev.seed.websocket;

import dev.seed.websocket.protocol.handshake.WebSocketVersion;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-connection options of a client connect: headers, Origin, cookies, subprotocols, timeouts,
 * proxy, redirects and reconnection. Immutable; build with {@link #builder()}.
 */
public final class ConnectOptions {

    private static final ConnectOptions DEFAULTS = builder().build();

    private final Map<String, List<String>> headers;
    private final String origin;
    private final Map<String, String> cookies;
    private final List<String> subprotocols;
    private final Duration connectTimeout;
    private final Duration handshakeTimeout;
    private final int maxRedirects;
    private final InetSocketAddress proxy;
    private final String proxyUser;
    private final String proxyPassword;
    private final ReconnectPolicy reconnect;
    private final boolean allowInsecureRedirects;
    private final ReconnectListener reconnectListener;
    private final BeforeHandshake beforeHandshake;
    private final WebSocketVersion version;
    private final HandshakeResponseCheck responseCheck;
    private final int reconnectQueueMessages;
    private final long reconnectQueueBytes;

    /** Default bound of the messages a {@link ReconnectingConnection} queues while not connected. */
    public static final int DEFAULT_RECONNECT_QUEUE_MESSAGES = 1000;
    /** Default bound of the bytes (UTF-16 chars count two) it queues. */
    public static final long DEFAULT_RECONNECT_QUEUE_BYTES = 1024 * 1024;

    private ConnectOptions(Builder b) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        b.headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
        this.headers = java.util.Collections.unmodifiableMap(h);
        this.origin = b.origin;
        this.cookies = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.cookies));
        this.subprotocols = List.copyOf(b.subprotocols);
        this.connectTimeout = b.connectTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.maxRedirects = b.maxRedirects;
        this.proxy = b.proxy;
        this.proxyUser = b.proxyUser;
        this.proxyPassword = b.proxyPassword;
        this.reconnect = b.reconnect;
        this.allowInsecureRedirects = b.allowInsecureRedirects;
        this.reconnectListener = b.reconnectListener;
        this.beforeHandshake = b.beforeHandshake;
        this.version = b.version;
        this.responseCheck = b.responseCheck;
        this.reconnectQueueMessages = b.reconnectQueueMessages;
        this.reconnectQueueBytes = b.reconnectQueueBytes;
    }

    /** No headers, no subprotocols, the client's timeouts, no proxy, no redirects, no reconnection. */
    public static ConnectOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<String, List<String>> headers() {
        return headers;
    }

    public String origin() {
        return origin;
    }

    public Map<String, String> cookies() {
        return cookies;
    }

    public List<String> subprotocols() {
        return subprotocols;
    }

    /** Null: the client's default. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Null: the client's default. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public int maxRedirects() {
        return maxRedirects;
    }

    public InetSocketAddress proxy() {
        return proxy;
    }

    public String proxyUser() {
        return proxyUser;
    }

    public String proxyPassword() {
        return proxyPassword;
    }

    public ReconnectPolicy reconnect() {
        return reconnect;
    }

    /** The protocol version spoken (RFC 6455 unless a legacy one was asked for). */
    public WebSocketVersion version() {
        return version;
    }

    /** Called right before the handshake is sent, or null. */
    public BeforeHandshake beforeHandshake() {
        return beforeHandshake;
    }

    /** Looks at the server's 101 answer before the connection opens, or null. */
    public HandshakeResponseCheck responseCheck() {
        return responseCheck;
    }

    /** Told when a {@link ReconnectingConnection} reconnects and when it gives up; null: nobody. */
    public ReconnectListener reconnectListener() {
        return reconnectListener;
    }

    /** How many messages a {@link ReconnectingConnection} queues while it is not connected. */
    public int reconnectQueueMessages() {
        return reconnectQueueMessages;
    }

    /** How many bytes of messages a {@link ReconnectingConnection} queues while it is not connected. */
    public long reconnectQueueBytes() {
        return reconnectQueueBytes;
    }

    /** Whether a redirect from wss to ws is followed. */
    public boolean allowInsecureRedirects() {
        return allowInsecureRedirects;
    }

    /** A builder holding these options, to derive others. */
    public Builder toBuilder() {
        Builder b = new Builder();
        headers.forEach((name, values) -> b.headers.put(name, new ArrayList<>(values)));
        b.origin = origin;
        b.cookies.putAll(cookies);
        b.subprotocols.addAll(subprotocols);
        b.connectTimeout = connectTimeout;
        b.handshakeTimeout = handshakeTimeout;
        b.maxRedirects = maxRedirects;
        b.proxy = proxy;
        b.proxyUser = proxyUser;
        b.proxyPassword = proxyPassword;
        b.reconnect = reconnect;
        b.allowInsecureRedirects = allowInsecureRedirects;
        b.reconnectListener = reconnectListener;
        b.beforeHandshake = beforeHandshake;
        b.version = version;
        b.responseCheck = responseCheck;
        b.reconnectQueueMessages = reconnectQueueMessages;
        b.reconnectQueueBytes = reconnectQueueBytes;
        return b;
    }

    /** Builder of {@link ConnectOptions}. Not thread safe. */
    public static final class Builder {
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private String origin;
        private final Map<String, String> cookies = new LinkedHashMap<>();
        private final List<String> subprotocols = new ArrayList<>();
        private Duration connectTimeout;
        private Duration handshakeTimeout;
        private int maxRedirects;
        private InetSocketAddress proxy;
        private String proxyUser;
        private String proxyPassword;
        private ReconnectPolicy reconnect;
        private boolean allowInsecureRedirects;
        private ReconnectListener reconnectListener;
        private BeforeHandshake beforeHandshake;
        private WebSocketVersion version = WebSocketVersion.RFC_6455;
        private HandshakeResponseCheck responseCheck;
        private int reconnectQueueMessages = DEFAULT_RECONNECT_QUEUE_MESSAGES;
        private long reconnectQueueBytes = DEFAULT_RECONNECT_QUEUE_BYTES;

        private Builder() {
        }

        /** Adds a request header. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("Header " + name + " contains CR or LF");
            }
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }

        /** Removes every value of a request header (names compare without case). */
        public Builder removeHeader(String name) {
            headers.keySet().removeIf(n -> n.equalsIgnoreCase(name));
            return this;
        }

        /** Removes every cookie. */
        public Builder clearCookies() {
            cookies.clear();
            return this;
        }

        /** The Origin header. */
        public Builder origin(String origin) {
            this.origin = origin;
            return this;
        }

        /** Adds a cookie. */
        public Builder cookie(String name, String value) {
            cookies.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The subprotocols to offer, most preferred first. */
        public Builder subprotocols(String... protocols) {
            subprotocols.clear();
            subprotocols.addAll(List.of(protocols));
            return this;
        }

        /** TCP connect timeout (default: the client's). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Opening handshake timeout (default: the client's). */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * Follow up to this many HTTP redirects during the handshake (default 0: none). A redirect
         * to another origin (scheme, host or port) does not carry the credentials: the
         * Authorization, Proxy-Authorization and Cookie headers and the cookies are dropped, as
         * browsers and OkHttp do. A redirect from wss to ws is refused unless
         * {@link #allowInsecureRedirects(boolean)}.
         */
        public Builder followRedirects(int max) {
            if (max < 0 || max > 20) {
                throw new IllegalArgumentException("followRedirects must be 0-20: " + max);
            }
            this.maxRedirects = max;
            return this;
        }

        /**
         * Whether a redirect from a secure (wss, https) to a plain (ws, http) location is followed
         * (default false: the connect fails, saying so). Following it sends the request, and
         * whatever the application sends next, in clear text.
         */
        public Builder allowInsecureRedirects(boolean allow) {
            this.allowInsecureRedirects = allow;
            return this;
        }

        /** Tunnels through an HTTP CONNECT proxy. */
        public Builder proxy(InetSocketAddress proxy) {
            this.proxy = proxy;
            return this;
        }

        /** Tunnels through an HTTP CONNECT proxy with basic credentials. */
        public Builder proxy(InetSocketAddress proxy, String user, String password) {
            this.proxy = proxy;
            this.proxyUser = user;
            this.proxyPassword = password;
            return this;
        }

        /** Reconnects automatically after an abnormal close, with this policy. */
        public Builder reconnect(ReconnectPolicy policy) {
            this.reconnect = policy;
            return this;
        }

        /**
         * The protocol version to speak: RFC 6455 (the default), or for legacy servers the hybi
         * drafts 07 and 08 (same framing, version 7 or 8 and {@code Sec-WebSocket-Origin}) or
         * draft-hixie-76 (its own handshake and framing: text only, no close codes, no extensions).
         */
        public Builder version(WebSocketVersion version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /** Called once the socket is connected, right before the handshake is sent (the seed's on_connect). */
        public Builder beforeHandshake(BeforeHandshake hook) {
            this.beforeHandshake = hook;
            return this;
        }

        /** Looks at the server's 101 answer and may refuse the connection (the seed's client on_handshake). */
        public Builder responseCheck(HandshakeResponseCheck check) {
            this.responseCheck = check;
            return this;
        }

        /** Told when a {@link ReconnectingConnection} reconnects and when it gives up. */
        public Builder reconnectListener(ReconnectListener listener) {
            this.reconnectListener = listener;
            return this;
        }

        /**
         * Bounds what a {@link ReconnectingConnection} queues while it is not connected (default
         * 1,000 messages, 1 MiB): a send beyond either fails at once.
         */
        public Builder reconnectQueue(int maxMessages, long maxBytes) {
            if (maxMessages < 0 || maxBytes < 0) {
                throw new IllegalArgumentException("reconnectQueue bounds must not be negative");
            }
            this.reconnectQueueMessages = maxMessages;
            this.reconnectQueueBytes = maxBytes;
            return this;
        }

        public ConnectOptions build() {
            return new ConnectOptions(this);
        }
    }
}
