package dev.seed.websocket.internal;

import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.HandshakeFailedException;
import dev.seed.websocket.HostResolver;
import dev.seed.websocket.ReconnectPolicy;
import dev.seed.websocket.ReconnectingConnection;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketException;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.CloseCause;
import dev.seed.websocket.transport.EventLoop;
import dev.seed.websocket.transport.EventLoopGroup;
import dev.seed.websocket.transport.SocketTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/** The running part of a client: its loops and connections. Thread safe. */
public final class ClientRuntime implements ConnectionOwner {

    /** Lookups that may run at once; more wait in line. */
    private static final int RESOLVER_THREADS = 4;
    private static final java.util.regex.Pattern IPV4_LITERAL = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final EndpointConfig config;
    private final Duration connectTimeout;
    private final EventLoopGroup group;
    /** The reconnecting handles not ended yet: closing the client ends them. */
    private final java.util.Set<ReconnectingSession> sessions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final HostResolver resolver;
    /** Runs host name lookups, which may block, off the event loops; threads end when idle. */
    private final ThreadPoolExecutor resolverThreads;
    private final Set<WsConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public ClientRuntime(EndpointConfig config, Duration connectTimeout, HostResolver resolver) {
        this.config = config;
        this.connectTimeout = connectTimeout;
        this.resolver = resolver;
        this.group = new EventLoopGroup(config.eventLoops(), "websocket-client");
        AtomicInteger n = new AtomicInteger();
        this.resolverThreads = new ThreadPoolExecutor(RESOLVER_THREADS, RESOLVER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "websocket-client-resolver-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.resolverThreads.allowCoreThreadTimeOut(true);
    }

    EndpointConfig config() {
        return config;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    SSLContext sslContext() {
        SSLContext configured = config.sslContext();
        if (configured != null) {
            return configured;
        }
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("No default TLS context", e);
        }
    }

    /** Opens a connection; with a reconnect policy the handler keeps being served by new connections. */
    public CompletableFuture<WebSocketConnection> connect(URI uri, ConnectOptions options, WebSocketHandler handler) {
        checkUri(uri);
        CompletableFuture<WebSocketConnection> result = new CompletableFuture<>();
        ReconnectPolicy policy = options.reconnect();
        WebSocketHandler h = policy == null ? handler : new Reconnecting(uri, options, handler, policy);
        connect(uri, options, h, result, options.maxRedirects());
        return result;
    }

    /**
     * Opens a connection that reconnects as {@code options}' policy says (the default exponential
     * policy when it has none) and stays one handle across its connections.
     */
    public ReconnectingConnection connectReconnecting(URI uri, ConnectOptions options, WebSocketHandler handler) {
        checkUri(uri);
        if (closed) {
            throw new IllegalStateException("Client is closed.");
        }
        ReconnectPolicy policy = options.reconnect() != null ? options.reconnect() : ReconnectPolicy.exponential();
        ReconnectingSession session = new ReconnectingSession(this, uri, options, handler, policy);
        sessions.add(session);
        if (closed) {
            session.clientClosed();
        } else {
            session.start();
        }
        return session;
    }

    /** A reconnecting handle ended: the client forgets it. */
    void sessionEnded(ReconnectingSession session) {
        sessions.remove(session);
    }

    /** One of the client's loops, for timers. */
    EventLoop anyLoop() {
        return group.next();
    }

    private static void checkUri(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("WebSocket URI scheme must be ws or wss: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("WebSocket URI has no host: " + uri);
        }
        if (uri.getFragment() != null) {
            throw new IllegalArgumentException("WebSocket URI must not have a fragment (RFC 6455 3): " + uri);
        }
    }

    /**
     * Connects: first the address of the host (or of the proxy), looked up on the resolver threads
     * unless it is a literal IP address, then the socket. Called from any thread, event loops
     * included (reconnections, redirects): nothing here blocks.
     */
    void connect(URI uri, ConnectOptions options, WebSocketHandler handler,
            CompletableFuture<WebSocketConnection> result, int redirectsLeft) {
        if (closed) {
            result.completeExceptionally(new WebSocketException("Client is closed."));
            return;
        }
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
        InetSocketAddress proxy = options.proxy();
        String host = proxy != null ? proxy.getHostString() : uri.getHost();
        int targetPort = proxy != null ? proxy.getPort() : port;
        if (proxy != null && !proxy.isUnresolved()) {
            open(uri, options, handler, result, redirectsLeft, secure, port, proxy);
        } else if (isIpLiteral(host)) {
            open(uri, options, handler, result, redirectsLeft, secure, port, new InetSocketAddress(host, targetPort));
        } else {
            // The connect timeout covers the lookup too: a resolver that never answers fails the connect.
            Duration timeout = options.connectTimeout() != null ? options.connectTimeout() : connectTimeout;
            CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(() ->
                    result.completeExceptionally(new WebSocketException("Looking up host " + host + " timed out.")));
            try {
                resolverThreads.execute(() -> {
                    InetAddress[] addresses;
                    try {
                        addresses = resolver.resolve(host);
                        if (addresses == null || addresses.length == 0) {
                            throw new UnknownHostException(host);
                        }
                    } catch (Throwable e) {
                        result.completeExceptionally(new WebSocketException("Cannot resolve host " + host + ".", e));
                        return;
                    }
                    if (!result.isDone()) {
                        open(uri, options, handler, result, redirectsLeft, secure, port,
                                new InetSocketAddress(addresses[0], targetPort));
                    }
                });
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new WebSocketException("Client is closed.", e));
            }
        }
    }

    /** Whether {@code host} is an IPv4 or IPv6 literal: no lookup needed. */
    static boolean isIpLiteral(String host) {
        if (host.startsWith("[") || host.indexOf(':') >= 0) {
            return true;
        }
        if (!IPV4_LITERAL.matcher(host).matches()) {
            return false;
        }
        for (String octet : host.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false; // not an address: a name, which the resolver looks up (and refuses)
            }
        }
        return true;
    }

    private void open(URI uri, ConnectOptions options, WebSocketHandler handler,
            CompletableFuture<WebSocketConnection> result, int redirectsLeft, boolean secure, int port,
            InetSocketAddress target) {
        if (closed) {
            result.completeExceptionally(new WebSocketException("Client is closed."));
            return;
        }
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, config.tcpNoDelay());
            boolean connected = ch.connect(target);
            SSLEngine tls = secure && options.proxy() == null
                    ? Tls.clientEngine(sslContext(), config, uri.getHost(), port) : null;
            EventLoop loop = group.next();
            SocketTransport transport = new SocketTransport(loop, ch, tls);
            loop.execute(() -> new ClientUpgrade(this, uri, options, handler, result, redirectsLeft, transport)
                    .start(!connected));
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // failed anyway
                }
            }
            result.completeExceptionally(new WebSocketException("Cannot connect to " + target + ": " + e.getMessage(), e));
        }
    }

    void connectionOpened(WsConnection c) {
        connections.add(c);
    }

    @Override
    public void connectionFinished(WsConnection c) {
        connections.remove(c);
    }

    @Override
    public boolean subscribe(WebSocketConnection c, String topic) {
        throw new UnsupportedOperationException("Topics are a server's: a client connection has none.");
    }

    @Override
    public java.util.concurrent.CompletableFuture<dev.seed.websocket.SubscribeResult> subscribe(WebSocketConnection c,
            String topic, dev.seed.websocket.SubscribeOptions options) {
        throw new UnsupportedOperationException("Topics are a server's: a client connection has none.");
    }

    @Override
    public void unsubscribe(WebSocketConnection c, String topic) {
        // a client connection is subscribed to nothing
    }

    public Collection<WebSocketConnection> connections() {
        return List.copyOf(connections);
    }

    /** Closes every connection (1001) and stops the loops. */
    public void close(Duration grace) {
        closed = true;
        for (WsConnection c : connections) {
            c.closeWith(dev.seed.websocket.CloseCodes.WS_GONE, "Client closing.", CloseCause.LOCAL_CLOSE);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (WsConnection c : connections) {
            c.abort();
        }
        // Handles waiting for their next attempt: that attempt dies with the loops, so they end here.
        for (ReconnectingSession s : List.copyOf(sessions)) {
            s.clientClosed();
        }
        group.shutdown(Duration.ofSeconds(2));
        resolverThreads.shutdown(); // queued lookups still run: open() then fails their futures
        config.releaseOwnedExecutor();
    }

    /** Calls of the connection listeners that threw (see {@link ConnectionListeners}). */
    public long listenerFailures() {
        return config.connectionListeners().failures();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Serves one application handler across reconnections: after an abnormal close the client
     * waits (exponential backoff with jitter) and connects again, unless the close code says not
     * to come back or the application closed the connection itself.
     */
    private final class Reconnecting implements WebSocketHandler {
        private final URI uri;
        private final ConnectOptions options;
        private final WebSocketHandler delegate;
        private final ReconnectPolicy policy;
        /** Failed attempts in a row; reset by a successful open. */
        private volatile int attempt;

        Reconnecting(URI uri, ConnectOptions options, WebSocketHandler delegate, ReconnectPolicy policy) {
            this.uri = uri;
            this.options = options;
            this.delegate = delegate;
            this.policy = policy;
        }

        @Override
        public void onOpen(WebSocketConnection c) {
            attempt = 0;
            delegate.onOpen(c);
        }

        @Override
        public boolean receivesParts() {
            return delegate.receivesParts();
        }

        @Override
        public boolean autoPong() {
            return delegate.autoPong();
        }

        @Override
        public void onText(WebSocketConnection c, String text) {
            delegate.onText(c, text);
        }

        @Override
        public void onTextPart(WebSocketConnection c, String part, boolean last) {
            delegate.onTextPart(c, part, last);
        }

        @Override
        public void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
            delegate.onBinaryPart(c, part, last);
        }

        @Override
        public void onClosing(WebSocketConnection c, int code, String reason) {
            delegate.onClosing(c, code, reason);
        }

        @Override
        public void onBinary(WebSocketConnection c, ByteBuffer data) {
            delegate.onBinary(c, data);
        }

        @Override
        public void onPing(WebSocketConnection c, ByteBuffer data) {
            delegate.onPing(c, data);
        }

        @Override
        public void onPong(WebSocketConnection c, ByteBuffer data) {
            delegate.onPong(c, data);
        }

        @Override
        public void onError(WebSocketConnection c, Throwable error) {
            delegate.onError(c, error);
        }

        @Override
        public void onClose(WebSocketConnection c, int code, String reason) {
            delegate.onClose(c, code, reason);
            boolean localClose = c.closeCause() == CloseCause.LOCAL_CLOSE;
            if (!closed && !localClose && policy.shouldReconnect(code, attempt + 1)) {
                scheduleAttempt();
            }
        }

        private void scheduleAttempt() {
            int n = ++attempt;
            Duration delay = policy.delay(n);
            EventLoop loop = group.next();
            loop.scheduleFromAnyThread(() -> {
                if (closed) {
                    return;
                }
                CompletableFuture<WebSocketConnection> next = new CompletableFuture<>();
                next.whenComplete((c, e) -> {
                    int status = e instanceof HandshakeFailedException refused ? refused.status() : 0;
                    if (e != null && !closed && policy.shouldRetryAfterFailedAttempt(status, attempt)) {
                        scheduleAttempt();
                    }
                });
                ClientRuntime.this.connect(uri, options, this, next, options.maxRedirects());
            }, delay.toNanos());
        }
    }
}
