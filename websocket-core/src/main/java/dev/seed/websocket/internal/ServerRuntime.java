package dev.seed.websocket.internal;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.ConnectionListener;
import dev.seed.websocket.SubscribeOptions;
import dev.seed.websocket.SubscribeResult;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.cluster.Broker;
import dev.seed.websocket.cluster.History;
import dev.seed.websocket.cluster.PresenceMember;
import dev.seed.websocket.protocol.WireFormat;
import dev.seed.websocket.protocol.handshake.ServerHandshake;
import dev.seed.websocket.transport.EventLoop;
import dev.seed.websocket.transport.EventLoopGroup;
import dev.seed.websocket.transport.SocketTransport;
import dev.seed.websocket.transport.Transport;
import dev.seed.websocket.protocol.Hixie76Protocol;
import dev.seed.websocket.protocol.ProtocolEngine;
import dev.seed.websocket.protocol.Role;
import dev.seed.websocket.protocol.WebSocketProtocol;
import dev.seed.websocket.protocol.handshake.WebSocketVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.net.ssl.SSLEngine;

/** The running part of a server: sockets, loops, connections, topics. Thread safe. */
public final class ServerRuntime implements ConnectionOwner {

    private static final System.Logger LOG = System.getLogger(ServerRuntime.class.getName());

    private final EndpointConfig config;
    private final ServerSettings settings;
    private final ServerHandshake handshake;
    /**
     * The open connections: a slot each (see {@link ConnectionRegistry}), not a map by id (a map
     * would box each id), and a look-up by id is rare; see {@link #connection(String)}.
     */
    private final ConnectionRegistry connections = new ConnectionRegistry();
    /** What the connections of each route share (one object per route, not fields on every connection). */
    private final Map<Router.Route, ConnectionSetup> setups = new ConcurrentHashMap<>();
    /** Accepted sockets, handshaking or open: what max-connections bounds. */
    private final AtomicInteger accepted = new AtomicInteger();
    /** Accepted sockets per remote address, for the per-address cap. */
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    /** Topics, users and broadcasts, through the broker. */
    private final ServerCluster cluster;
    private volatile EventLoopGroup group;
    private ServerSocketChannel serverChannel;
    private EventLoop acceptLoop;
    private volatile boolean accepting;
    private volatile InetSocketAddress boundAddress;
    /** The way in for a web server that shares its port; null while this server listens itself. */
    private volatile HostedServerUpgrades hosted;

    /** The public face of this server, given to ticks and shutdown hooks. */
    private final WebSocketServer server;

    public ServerRuntime(EndpointConfig config, ServerSettings settings, WebSocketServer server) {
        this.server = server;
        this.config = config;
        this.settings = settings;
        this.handshake = ServerHandshake.builder().versions(settings.versions()).extensions(config.extensions()).build();
        this.cluster = new ServerCluster(settings.cluster(), connections);
    }

    EndpointConfig config() {
        return config;
    }

    Router router() {
        return settings.router();
    }

    ServerHandshake handshake() {
        return handshake;
    }

    ServerSettings settings() {
        return settings;
    }

    dev.seed.websocket.RefusalFormat refusalFormat() {
        return settings.refusalFormat();
    }

    dev.seed.websocket.AsyncHandshakeInterceptor interceptor() {
        return settings.interceptor();
    }

    Duration maxLifetime() {
        return settings.maxLifetime();
    }

    /** Binds and starts accepting. Throws UncheckedIOException naming the address when the bind fails. */
    public void start() {
        if (config.sslContextSource() != null) {
            // Protocols and cipher suites are checked now, not on the first connection: a name the
            // JVM does not know fails the start, with the names in the message.
            Tls.serverEngine(config);
        }
        // the broker first: a cluster that cannot be reached fails the start before a socket is bound
        cluster.start();
        group = new EventLoopGroup(config.eventLoops(), "websocket-server");
        acceptLoop = group.loops().get(0);
        if (!settings.listen()) {
            // Upgrades come through hostedUpgrades() from the web server that owns the port.
            hosted = new HostedServerUpgrades(this);
            accepting = true;
            HostedServerUpgrades h = hosted;
            EventLoop sweeper = acceptLoop;
            sweeper.execute(() -> h.sweep(sweeper));
            startTicks();
            return;
        }
        InetSocketAddress address = settings.host() == null
                ? new InetSocketAddress(settings.port()) : new InetSocketAddress(settings.host(), settings.port());
        try {
            if (settings.channel() != null) {
                // the application's own listening socket (socket activation, an inherited descriptor)
                serverChannel = settings.channel();
                serverChannel.configureBlocking(false);
            } else {
                serverChannel = ServerSocketChannel.open();
                serverChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                serverChannel.bind(address, settings.backlog());
            }
            boundAddress = (InetSocketAddress) serverChannel.getLocalAddress();
            if (boundAddress == null) {
                throw new IOException("the given channel is not bound");
            }
        } catch (IOException e) {
            group.shutdown(Duration.ofSeconds(1));
            closeQuietly();
            cluster.stop();
            String what = (settings.host() == null ? "*" : settings.host()) + ":" + settings.port();
            String message = e instanceof BindException
                    ? "Cannot bind " + what + ": " + e.getMessage() + " (is the port already in use?)"
                    : "Cannot bind " + what + ": " + e.getMessage();
            throw new UncheckedIOException(message, e);
        }
        accepting = true;
        CompletableFuture<Void> registered = new CompletableFuture<>();
        acceptLoop.execute(() -> {
            try {
                acceptLoop.register(serverChannel, SelectionKey.OP_ACCEPT, new Acceptor());
                registered.complete(null);
            } catch (IOException | RuntimeException e) {
                registered.completeExceptionally(e);
            }
        });
        registered.join();
        startTicks();
    }

    private void startTicks() {
        // Once per period for the server, each tick on a loop of its own (round robin).
        for (ServerSettings.Tick tick : settings.ticks()) {
            EventLoop loop = group.next();
            loop.execute(() -> scheduleTick(loop, tick));
        }
    }

    private void scheduleTick(EventLoop loop, ServerSettings.Tick tick) {
        loop.schedule(() -> {
            if (!accepting) {
                return;
            }
            try {
                tick.task().accept(server);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a tick task threw", e);
            } finally {
                scheduleTick(loop, tick);
            }
        }, tick.every().toNanos());
    }

    /** Upgrades received by the web server this server is hosted in (see {@code listen(false)}). */
    public dev.seed.websocket.HostedUpgrades hostedUpgrades() {
        HostedServerUpgrades h = hosted;
        if (h == null) {
            throw new IllegalStateException("This server listens on its own port; hosted upgrades need listen(false)");
        }
        return h;
    }

    /** Counts an upgrade request that came through the hosting web server, as accept() counts a socket. */
    void hostedRequestArrived(InetSocketAddress remote) {
        accepted.incrementAndGet();
        if (remote != null && remote.getAddress() != null) {
            perAddress.computeIfAbsent(remote.getAddress(), a -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** Releases what {@link #hostedRequestArrived} counted (a refusal, or an upgrade that did not happen). */
    void hostedRequestEnded(InetSocketAddress remote) {
        released(remote);
    }

    /** A loop for a hosted connection, or null once the server has stopped. */
    EventLoop nextLoopOrNull() {
        EventLoopGroup g = group;
        return g == null ? null : g.next();
    }

    /** The bound address (with the chosen port when 0 was asked; null when the server does not listen). */
    public InetSocketAddress address() {
        return boundAddress;
    }

    /** Whether the server is accepting connections. */
    public boolean isRunning() {
        return accepting;
    }

    private final class Acceptor implements EventLoop.IoHandler {
        @Override
        public void onReady(SelectionKey key, int readyOps) throws IOException {
            for (int i = 0; i < 256 && accepting; i++) {
                SocketChannel ch = serverChannel.accept();
                if (ch == null) {
                    return;
                }
                accept(ch);
            }
        }

        @Override
        public void onError(Throwable error) {
            LOG.log(Level.ERROR, "accept failed", error);
        }
    }

    private void accept(SocketChannel ch) {
        InetSocketAddress remote;
        try {
            remote = (InetSocketAddress) ch.getRemoteAddress();
            if (settings.acceptFilter() != null && !settings.acceptFilter().test(remote)) {
                ch.close();
                return;
            }
            if (settings.socketFilter() != null && !settings.socketFilter().test(ch)) {
                ch.close();
                return;
            }
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, config.tcpNoDelay());
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // gone anyway
            }
            return;
        }
        SSLEngine tls = null;
        if (config.sslContextSource() != null) {
            try {
                tls = Tls.serverEngine(config);
            } catch (RuntimeException e) {
                // a context that fails now (a reloaded one): this socket goes, the server stays
                LOG.log(Level.WARNING, "TLS engine for an accepted connection failed", e);
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // gone anyway
                }
                return;
            }
        }
        accepted.incrementAndGet();
        perAddress.computeIfAbsent(remote.getAddress(), a -> new AtomicInteger()).incrementAndGet();
        EventLoop loop = group.next();
        SocketTransport transport = new SocketTransport(loop, ch, tls);
        try {
            loop.execute(() -> new ServerUpgrade(this, transport).start());
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // gone anyway
            }
            released(remote);
        }
    }

    /** Null when the server may take this connection, else the refusal message (503). */
    String capacityRefusal(InetSocketAddress remote) {
        if (!accepting) {
            return "Server is shutting down.";
        }
        if (settings.maxConnections() > 0 && accepted.get() > settings.maxConnections()) {
            return "Server at its connection limit.";
        }
        if (settings.maxConnectionsPerAddress() > 0 && remote != null) {
            AtomicInteger n = perAddress.get(remote.getAddress());
            if (n != null && n.get() > settings.maxConnectionsPerAddress()) {
                return "Too many connections from this address.";
            }
        }
        return null;
    }

    /**
     * The origin check (RFC 6455 section 10.2): browsers always send Origin, so an Origin not on
     * the allow list is refused. A request without Origin comes from a non-browser client, which
     * could send any Origin it likes: it is let through unless the server requires Origin.
     */
    boolean originAllowed(String origin, String host) {
        Set<String> allowed = settings.allowedOrigins();
        if (origin == null) {
            return !settings.requireOrigin();
        }
        if (allowed.isEmpty()) {
            return !settings.sameOriginOnly() || sameOrigin(origin, host);
        }
        if (allowed.contains("*")) {
            return true;
        }
        return allowed.contains(origin.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Whether {@code origin} (RFC 6454: scheme "://" host [":" port]) names the host and port of
     * the request's Host field; the scheme's default port may be left out on either side.
     */
    static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        int sep = origin.indexOf("://");
        if (sep < 0) {
            return false; // "null" (an opaque origin) or malformed: not ours
        }
        String scheme = origin.substring(0, sep).toLowerCase(java.util.Locale.ROOT);
        String defaultPort = scheme.equals("https") ? ":443" : scheme.equals("http") ? ":80" : null;
        if (defaultPort == null) {
            return false;
        }
        String a = origin.substring(sep + 3).toLowerCase(java.util.Locale.ROOT);
        String b = host.trim().toLowerCase(java.util.Locale.ROOT);
        return withoutPort(a, defaultPort).equals(withoutPort(b, defaultPort));
    }

    private static String withoutPort(String authority, String defaultPort) {
        return authority.endsWith(defaultPort) ? authority.substring(0, authority.length() - defaultPort.length())
                : authority;
    }

    void handshakeRefused(int status) {
        config.connectionListeners().onHandshakeRefused(ConnectionListener.Side.SERVER, status);
    }

    void handshakeEnded(Transport transport) {
        released(transport.remoteAddress());
    }

    /**
     * Opens the WebSocket connection of an accepted request over {@code transport}, whose 101 is
     * sent (or given to the hosting web server). Loop thread. {@code rest}: bytes read after the
     * request, if any.
     */
    WsConnection open(UpgradeDecision.Accepted accepted, Transport transport, ByteBuffer rest,
            java.security.Principal hostPrincipal) {
        ServerHandshake.Accepted handshake = accepted.handshake();
        WsConnection connection = new WsConnection(transport, setup(accepted.match().route()),
                RetainedHandshakeRequest.keep(accepted.request(), accepted.match().route()), accepted.extras(hostPrincipal),
                handshake.subprotocol(), settings.maxLifetime());
        accepted.interception().attributes.forEach(connection::attribute);
        ProtocolEngine engine = handshake.version() == WebSocketVersion.HIXIE_76
                ? new Hixie76Protocol(connection, connection, config.protocol().maxMessageSize())
                : new WebSocketProtocol(Role.SERVER, config.protocol(), handshake.extensions(), connection, connection);
        connectionOpened(connection);
        connection.open(engine, rest);
        return connection;
    }

    /** The setup the connections of a route share, made when the route first opens one. */
    private ConnectionSetup setup(Router.Route route) {
        ConnectionSetup s = setups.get(route);
        return s != null ? s : setups.computeIfAbsent(route, r -> ConnectionSetup.server(config, r, this));
    }

    void connectionOpened(WsConnection c) {
        connections.add(c);
        cluster.connectionOpened(c);
    }

    @Override
    public void connectionFinished(WsConnection c) {
        if (connections.remove(c)) {
            released(c.remoteAddress());
        }
        cluster.connectionFinished(c);
    }

    private void released(java.net.SocketAddress address) {
        accepted.decrementAndGet();
        if (address instanceof InetSocketAddress a && a.getAddress() != null) {
            AtomicInteger n = perAddress.get(a.getAddress());
            if (n != null && n.decrementAndGet() <= 0) {
                perAddress.remove(a.getAddress(), n);
            }
        }
    }

    /** The open connections. */
    public Collection<WebSocketConnection> connections() {
        return List.copyOf(connections);
    }

    /**
     * The open connection with this {@link WebSocketConnection#id()}, or null. A scan of the open
     * connections (about 2 ns each), which keeps idle connections small; the user-id index serves
     * addressing that is frequent.
     */
    public WebSocketConnection connection(String id) {
        if (id == null || !id.startsWith("s-")) {
            return null;
        }
        long number;
        try {
            number = Long.parseLong(id, 2, id.length(), 10);
        } catch (NumberFormatException e) {
            return null;
        }
        for (WsConnection c : connections) {
            if (c.idNumber() == number) {
                return c;
            }
        }
        return null;
    }

    /** The open connections of a user id on this instance. */
    public Set<WebSocketConnection> connectionsOfUser(String userId) {
        return cluster.connectionsOfUser(userId);
    }

    /** Sends a text message to every connection of a user id on every instance (see Broker#sendToUser). */
    public CompletableFuture<Integer> sendToUser(String userId, String text) {
        return cluster.sendToUser(userId, true, ServerCluster.utf8(text));
    }

    /** Sends a binary message to every connection of a user id on every instance. */
    public CompletableFuture<Integer> sendToUser(String userId, ByteBuffer data) {
        return cluster.sendToUser(userId, false, LentBuffers.keepable(data.duplicate()));
    }

    /** Number of sockets accepted and not yet closed (handshaking or open). */
    public int acceptedCount() {
        return accepted.get();
    }

    // ------------------------------------------------------------------ broadcast and topics

    /** Sends one text message to every connection on every instance (see Broker#broadcast). */
    public CompletableFuture<Integer> broadcast(String text) {
        return cluster.broadcast(true, ServerCluster.utf8(text));
    }

    /** Sends one binary message to every connection on every instance. */
    public CompletableFuture<Integer> broadcast(ByteBuffer data) {
        return cluster.broadcast(false, LentBuffers.keepable(data.duplicate()));
    }

    /**
     * Sends one text message to every open connection of this instance that passes the filter,
     * encoding it once (a filter cannot travel to other instances).
     */
    public CompletableFuture<Integer> broadcast(String text, Predicate<WebSocketConnection> filter) {
        return broadcastHere(WireFormat.OPCODE_TEXT, ServerCluster.utf8(text), filter);
    }

    /** Sends one binary message to every open connection of this instance that passes the filter. */
    public CompletableFuture<Integer> broadcast(ByteBuffer data, Predicate<WebSocketConnection> filter) {
        return broadcastHere(WireFormat.OPCODE_BINARY, data.duplicate(), filter);
    }

    /**
     * Subscribes an open connection of this server to {@code topic}; false when it is not open (or
     * closed meanwhile) or not this server's (a client's or another server's connection would not
     * tell this server when it ends, and would stay subscribed). The connection keeps its own
     * topics, which it leaves when it ends.
     */
    @Override
    public boolean subscribe(WebSocketConnection c, String topic) {
        if (!(c instanceof WsConnection w) || !w.reportsTo(this) || !w.isOpen()) {
            return false;
        }
        CompletableFuture<SubscribeResult> r = cluster.subscribe(w, topic, SubscribeOptions.plain());
        return !r.isDone() || r.getNow(SubscribeResult.notSubscribed()).subscribed();
    }

    @Override
    public CompletableFuture<SubscribeResult> subscribe(WebSocketConnection c, String topic, SubscribeOptions options) {
        if (!(c instanceof WsConnection w) || !w.reportsTo(this) || !w.isOpen()) {
            return CompletableFuture.completedFuture(SubscribeResult.notSubscribed());
        }
        return cluster.subscribe(w, topic, options);
    }

    @Override
    public void unsubscribe(WebSocketConnection c, String topic) {
        if (c instanceof WsConnection w && w.reportsTo(this)) {
            cluster.unsubscribe(w, topic);
        }
    }

    /** Topics with at least one subscriber on this instance. */
    public int topicCount() {
        return cluster.topicCount();
    }

    /** The connections of this instance subscribed to a topic. */
    public Set<WebSocketConnection> subscribers(String topic) {
        return cluster.subscribers(topic);
    }

    /** Publishes a text message to a topic's subscribers on every instance but {@code except} (null: all of them). */
    public CompletableFuture<Integer> publish(String topic, String text, WebSocketConnection except) {
        return cluster.publish(topic, true, ServerCluster.utf8(text), except);
    }

    /** Publishes a binary message to a topic's subscribers on every instance but {@code except}. */
    public CompletableFuture<Integer> publish(String topic, ByteBuffer data, WebSocketConnection except) {
        return cluster.publish(topic, false, LentBuffers.keepable(data.duplicate()), except);
    }

    /** The members of a topic's presence, on every instance. */
    public CompletableFuture<List<PresenceMember>> presence(String topic) {
        return cluster.presence(topic);
    }

    /** The newest {@code limit} publications of a topic's history. */
    public CompletableFuture<History> history(String topic, int limit) {
        return cluster.history(topic, limit);
    }

    /** This instance's id in the cluster. */
    public String instanceId() {
        return cluster.instanceId();
    }

    /** The broker topics and user sends go through. */
    public Broker broker() {
        return cluster.broker();
    }

    private CompletableFuture<Integer> broadcastHere(int opcode, ByteBuffer payload, Predicate<WebSocketConnection> filter) {
        SharedMessage message = new SharedMessage(opcode, payload);
        DeliveryCount count = new DeliveryCount();
        for (WsConnection c : connections) {
            if (c.isOpen() && (filter == null || filter.test(c))) {
                count.add(message.sendTo(c));
            }
        }
        return count.done();
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Graceful shutdown: stop accepting, send 1001 to every peer, wait for their close up to
     * {@code grace}, then close what is left and stop the loops. Returns whether every connection
     * closed within the grace period.
     */
    public boolean shutdown(Duration grace) {
        if (group == null) {
            return true;
        }
        accepting = false;
        closeAcceptor();
        for (java.util.function.Consumer<WebSocketServer> hook : settings.shutdownHooks()) {
            try {
                hook.accept(server);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a shutdown hook threw", e);
            }
        }
        for (WsConnection c : connections) {
            c.closeWith(CloseCodes.WS_GONE, "Server shutting down.", CloseCause.SHUTDOWN);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (accepted.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean clean = connections.isEmpty();
        for (WsConnection c : connections) {
            c.abort();
        }
        // give aborted connections a moment to report their close
        long abortDeadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (!connections.isEmpty() && System.nanoTime() < abortDeadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        group.shutdown(Duration.ofSeconds(5));
        group = null;
        try {
            cluster.stop();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "stopping the cluster broker failed", e);
        }
        config.releaseOwnedExecutor();
        return clean;
    }

    private void closeAcceptor() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        acceptLoop.run(() -> {
            closeQuietly();
            done.complete(null);
        });
        if (!acceptLoop.inLoop()) {
            done.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    private void closeQuietly() {
        try {
            if (serverChannel != null) {
                serverChannel.close();
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing server socket", e);
        }
    }
}
