package dev.seed.websocket;

import dev.seed.websocket.internal.ConnectionListeners;
import dev.seed.websocket.internal.EndpointConfig;
import dev.seed.websocket.protocol.ProtocolConfig;
import dev.seed.websocket.protocol.extension.ExtensionFactory;
import dev.seed.websocket.protocol.extension.PerMessageDeflate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;

/**
 * The options a server and a client share, with their defaults in one place. Not thread safe.
 *
 * @param <B> the concrete builder
 */
public abstract class AbstractEndpointBuilder<B extends AbstractEndpointBuilder<B>> {

    /** Default idle timeout: none (keepalive pings find dead peers). */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ZERO;
    /** Default keepalive ping interval: none. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ZERO;
    /** Default time a keepalive ping waits for its pong. */
    public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(20);
    /** Default time the opening handshake may take. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** Default time the close handshake may take before the TCP connection is dropped. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Default bound on bytes queued for one slow peer: 16 MiB. */
    public static final long DEFAULT_BACKPRESSURE_LIMIT = 16L * 1024 * 1024;
    /** Default bound on the opening handshake's header block: 16 KiB. */
    public static final int DEFAULT_MAX_HEADER_SIZE = 16 * 1024;
    /**
     * Default time after which a connection that compressed nothing frees its compressor's
     * context: 30 s, long past a conversation's burst, short against a connection's life.
     */
    public static final Duration DEFAULT_COMPRESSION_IDLE_RELEASE = Duration.ofSeconds(30);
    /** Default compression threshold: messages under 1 KiB are not worth a deflate call. */
    public static final int DEFAULT_COMPRESSION_THRESHOLD = 1024;

    private final ProtocolConfig.Builder protocol = ProtocolConfig.builder();
    private final List<String> extensionConfig = new ArrayList<>();
    private final List<ExtensionFactory> extensionFactories = new ArrayList<>();
    private int compressionThreshold = DEFAULT_COMPRESSION_THRESHOLD;
    private CompressionMode compressionMode = PerMessageDeflate.DEFAULT_MODE;
    private int compressionWindowBits = PerMessageDeflate.DEFAULT_WINDOW_BITS;
    private int compressionPeerWindowBits = PerMessageDeflate.DEFAULT_PEER_WINDOW_BITS;
    private Duration compressionIdleRelease = DEFAULT_COMPRESSION_IDLE_RELEASE;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration pingInterval = DEFAULT_PING_INTERVAL;
    private Duration pongTimeout = DEFAULT_PONG_TIMEOUT;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private boolean tcpNoDelay = true;
    private long backpressureLimit = DEFAULT_BACKPRESSURE_LIMIT;
    private long maxSendSize;
    private BackpressurePolicy backpressurePolicy = BackpressurePolicy.FAIL_SEND;
    private Executor handlerExecutor;
    private boolean ownHandlerExecutor;
    private int eventLoops;
    private final List<ConnectionListener> connectionListeners = new ArrayList<>();
    private FrameListener frameListener;
    private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
    private Supplier<SSLContext> sslContext;
    private List<String> tlsProtocols = List.of("TLSv1.3", "TLSv1.2");
    private List<String> tlsCipherSuites = List.of();
    /** Server side only (see WebSocketServer.Builder#clientAuth). */
    ClientAuth clientAuth = ClientAuth.NONE;

    protected AbstractEndpointBuilder() {
    }

    @SuppressWarnings("unchecked")
    protected final B self() {
        return (B) this;
    }

    /** Largest frame payload accepted (default 16 MiB); longer frames close with 1009. */
    public B maxFrameSize(long bytes) {
        protocol.maxFrameSize(bytes);
        return self();
    }

    /** Largest message accepted after decompression (default 16 MiB); longer ones close with 1009. */
    public B maxMessageSize(long bytes) {
        protocol.maxMessageSize(bytes);
        return self();
    }

    /** Most frames in one message (default 131072); more close with 1009. */
    public B maxFragments(int count) {
        protocol.maxFragments(count);
        return self();
    }

    /** Whether pings are answered automatically (default true). */
    public B autoPong(boolean autoPong) {
        protocol.autoPong(autoPong);
        return self();
    }

    /** Outgoing messages longer than this are fragmented (default 0: never). */
    public B outgoingFragmentSize(int bytes) {
        protocol.outgoingFragmentSize(bytes);
        return self();
    }

    /**
     * Extensions, each written in {@code Sec-WebSocket-Extensions} syntax, e.g.
     * {@code "permessage-deflate; client_max_window_bits"}. Replaces earlier calls.
     */
    public B extensions(String... elements) {
        extensionConfig.clear();
        for (String e : elements) {
            extensionConfig.add(Objects.requireNonNull(e, "extension"));
        }
        return self();
    }

    /** As {@link #extensions(String...)}. */
    public B extensions(List<String> elements) {
        return extensions(elements.toArray(new String[0]));
    }

    /** Adds an extension implementation of the application's own. */
    public B extension(ExtensionFactory factory) {
        extensionFactories.add(Objects.requireNonNull(factory, "factory"));
        return self();
    }

    /**
     * Messages shorter than this many bytes are sent uncompressed (default 1024); a message of
     * exactly this many bytes is compressed (the Perl seed compresses only above it).
     */
    public B compressionThreshold(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("compressionThreshold must not be negative: " + bytes);
        }
        this.compressionThreshold = bytes;
        return self();
    }

    /**
     * How permessage-deflate spends memory (default {@link CompressionMode#WINDOWED}): see
     * {@link CompressionMode} and the README's table of memory, ratio and CPU per mode.
     */
    public B compressionMode(CompressionMode mode) {
        this.compressionMode = Objects.requireNonNull(mode, "compressionMode");
        return self();
    }

    /**
     * Our compressor's LZ77 window in {@link CompressionMode#WINDOWED}, 9 to 15 bits (default
     * {@value PerMessageDeflate#DEFAULT_WINDOW_BITS}: 16 KiB), announced as server_max_window_bits;
     * between messages a connection keeps 2^bits bytes of history for it.
     */
    public B compressionWindowBits(int bits) {
        if (bits < 9 || bits > 15) {
            throw new IllegalArgumentException("compressionWindowBits must be 9 to 15: " + bits);
        }
        this.compressionWindowBits = bits;
        return self();
    }

    /**
     * The window {@link CompressionMode#WINDOWED} asks of a client that offers
     * client_max_window_bits, 9 to 15 bits (default {@value PerMessageDeflate#DEFAULT_PEER_WINDOW_BITS}:
     * 4 KiB): the buffer a connection keeps for the client's context.
     */
    public B compressionPeerWindowBits(int bits) {
        if (bits < 9 || bits > 15) {
            throw new IllegalArgumentException("compressionPeerWindowBits must be 9 to 15: " + bits);
        }
        this.compressionPeerWindowBits = bits;
        return self();
    }

    /**
     * A connection that has compressed nothing for this long frees its compressor's context
     * (default 30 s; 0: never): the next message refers to nothing before it, which every peer
     * decodes (RFC 7692 lets a compressor stop referring back at any time), so an idle
     * compressed connection keeps only what the peer's context needs.
     */
    public B compressionIdleRelease(Duration after) {
        this.compressionIdleRelease = nonNegative(after, "compressionIdleRelease");
        return self();
    }

    /** Close a connection after this long without receiving anything (0: never). */
    public B idleTimeout(Duration timeout) {
        this.idleTimeout = nonNegative(timeout, "idleTimeout");
        return self();
    }

    /** Send a keepalive ping this often (0: never); a missing pong closes the connection. */
    public B pingInterval(Duration interval) {
        this.pingInterval = nonNegative(interval, "pingInterval");
        return self();
    }

    /** How long a keepalive ping waits for its pong (default 20 s). */
    public B pongTimeout(Duration timeout) {
        this.pongTimeout = positive(timeout, "pongTimeout");
        return self();
    }

    /** How long the opening handshake may take (default 10 s). */
    public B handshakeTimeout(Duration timeout) {
        this.handshakeTimeout = positive(timeout, "handshakeTimeout");
        return self();
    }

    /** How long the close handshake may take before TCP is dropped (default 5 s). */
    public B closeTimeout(Duration timeout) {
        this.closeTimeout = positive(timeout, "closeTimeout");
        return self();
    }

    /** TCP_NODELAY on every connection (default true). */
    public B tcpNoDelay(boolean noDelay) {
        this.tcpNoDelay = noDelay;
        return self();
    }

    /** Bytes a connection may queue for its peer before the backpressure policy acts (default 16 MiB). */
    /**
     * The largest message a send may carry, in payload bytes (UTF-8 for text) before compression
     * (the seed's max_send_size); a larger one fails its future at once, nothing is sent. A
     * message sent in parts is checked part by part. 0 (the default): no bound.
     */
    public B maxSendSize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxSendSize must not be negative: " + bytes);
        }
        this.maxSendSize = bytes;
        return self();
    }

    public B backpressureLimit(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("backpressureLimit must be positive: " + bytes);
        }
        this.backpressureLimit = bytes;
        return self();
    }

    /** What happens past the backpressure limit (default: the send fails). */
    public B backpressurePolicy(BackpressurePolicy policy) {
        this.backpressurePolicy = Objects.requireNonNull(policy, "policy");
        return self();
    }

    /**
     * Runs handlers on this executor instead of the event loop, for handlers that block. Events of
     * one connection stay in order and never overlap.
     */
    public B handlerExecutor(Executor executor) {
        this.handlerExecutor = executor;
        this.ownHandlerExecutor = false;
        return self();
    }

    /**
     * Runs handlers on an executor of the endpoint's own, for handlers that block: virtual
     * threads on a JVM that has them, else a cached pool of daemon threads. The endpoint shuts it
     * down when it stops.
     */
    public B blockingHandlers() {
        this.handlerExecutor = null;
        this.ownHandlerExecutor = true;
        return self();
    }

    /** Number of event loop threads (0, the default: one per core). */
    public B eventLoops(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("eventLoops must not be negative: " + count);
        }
        this.eventLoops = count;
        return self();
    }

    /** Adds a listener of connection events (metrics, logs). */
    public B connectionListener(ConnectionListener listener) {
        connectionListeners.add(Objects.requireNonNull(listener, "listener"));
        return self();
    }

    /** Sets the listener of every frame in and out (debugging, wire logs). */
    public B frameListener(FrameListener listener) {
        this.frameListener = listener;
        return self();
    }

    /** Bound on the opening handshake's header block (default 16 KiB). */
    public B maxHeaderSize(int bytes) {
        if (bytes < 256) {
            throw new IllegalArgumentException("maxHeaderSize must be at least 256 bytes: " + bytes);
        }
        this.maxHeaderSize = bytes;
        return self();
    }

    /** TLS (wss) with this context. */
    public B sslContext(SSLContext context) {
        this.sslContext = context == null ? null : () -> context;
        return self();
    }

    /**
     * TLS (wss) with the context {@code source} gives, asked for each new connection: return a new
     * one when the certificate is renewed (a reloaded key store), and new connections use it while
     * open ones keep the one they started with. Return the same object otherwise: creating a context
     * is costly.
     */
    public B sslContext(Supplier<SSLContext> source) {
        this.sslContext = source;
        return self();
    }

    /** TLS cipher suites enabled, in preference order (default: the JVM's defaults for the protocols). */
    public B tlsCipherSuites(String... suites) {
        this.tlsCipherSuites = List.of(suites);
        return self();
    }

    /** TLS protocol versions enabled (default TLSv1.3 and TLSv1.2). */
    public B tlsProtocols(String... protocols) {
        if (protocols.length == 0) {
            throw new IllegalArgumentException("tlsProtocols must name at least one protocol");
        }
        this.tlsProtocols = List.of(protocols);
        return self();
    }

    /** Builds the shared part of the configuration; fails with IllegalArgumentException on bad extension syntax. */
    protected final EndpointConfig endpointConfig() {
        List<ExtensionFactory> factories = new ArrayList<>(
                EndpointConfig.parseExtensions(extensionConfig, compressionThreshold, compressionMode,
                        compressionWindowBits, compressionPeerWindowBits));
        factories.addAll(extensionFactories);
        Executor executor = ownHandlerExecutor ? HandlerExecutors.newBlockingHandlerExecutor() : handlerExecutor;
        return new EndpointConfig(protocol.build(), factories, idleTimeout, pingInterval, pongTimeout,
                handshakeTimeout, closeTimeout, tcpNoDelay, backpressureLimit, backpressurePolicy, maxSendSize,
                executor, ownHandlerExecutor, eventLoops, new ConnectionListeners(connectionListeners), frameListener, maxHeaderSize,
                sslContext, tlsProtocols, tlsCipherSuites, clientAuth, compressionIdleRelease);
    }

    private static Duration nonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
        return d;
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }
}
