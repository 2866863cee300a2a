package dev.seed.websocket;

import dev.seed.websocket.cluster.Broker;
import dev.seed.websocket.cluster.ClusterListener;
import dev.seed.websocket.cluster.History;
import dev.seed.websocket.cluster.HistoryPolicy;
import dev.seed.websocket.cluster.InMemoryBroker;
import dev.seed.websocket.cluster.InMemoryPresence;
import dev.seed.websocket.cluster.PresenceEvent;
import dev.seed.websocket.cluster.PresenceManager;
import dev.seed.websocket.cluster.PresenceMember;
import dev.seed.websocket.internal.ClusterSettings;
import dev.seed.websocket.internal.EndpointConfig;
import dev.seed.websocket.internal.Router;
import dev.seed.websocket.internal.ServerRuntime;
import dev.seed.websocket.internal.ServerSettings;
import dev.seed.websocket.protocol.handshake.WebSocketVersion;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A WebSocket server on its own port, on plain Java NIO.
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.builder()
 *         .host("127.0.0.1").port(0)
 *         .extensions("permessage-deflate; client_max_window_bits")
 *         .route("/echo", new EchoHandler())
 *         .build()
 *         .start();
 * int port = server.port();
 * server.shutdown(Duration.ofSeconds(5));
 * }</pre>
 *
 * Thread safe.
 */
public final class WebSocketServer implements AutoCloseable {

    private final EndpointConfig config;
    private final ServerSettings settings;
    private volatile ServerRuntime runtime;

    private WebSocketServer(EndpointConfig config, ServerSettings settings) {
        this.config = config;
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts accepting; returns this server. A port in use fails with an
     * {@link java.io.UncheckedIOException} that names the address.
     */
    public synchronized WebSocketServer start() {
        if (runtime != null) {
            throw new IllegalStateException("Server already started");
        }
        ServerRuntime r = new ServerRuntime(config, settings, this);
        r.start();
        runtime = r;
        return this;
    }

    /**
     * The port the server listens on (the chosen one when 0 was configured). Throws
     * IllegalStateException for a server that does not listen ({@link Builder#listen}).
     */
    public int port() {
        InetSocketAddress a = running().address();
        if (a == null) {
            throw new IllegalStateException("This server does not listen on a port of its own (listen(false))");
        }
        return a.getPort();
    }

    /**
     * The way in for upgrade requests that another web server received on its own port (a
     * servlet container): the same routes, checks, limits and connections as this server's own
     * port. See {@link HostedUpgrades}.
     */
    public HostedUpgrades hostedUpgrades() {
        return running().hostedUpgrades();
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return running().address();
    }

    /**
     * Whether {@code path} (a request target's path, without the query) matches one of the
     * server's routes; the same before {@link #start()} and after a stop.
     */
    public boolean isRoute(String path) {
        return settings.router().match(path) != null;
    }

    /** Whether the server is started and accepting. */
    public boolean isRunning() {
        ServerRuntime r = runtime;
        return r != null && r.isRunning();
    }

    /** The open connections. */
    public Collection<WebSocketConnection> connections() {
        ServerRuntime r = runtime;
        return r == null ? List.of() : r.connections();
    }

    /**
     * How many calls of the {@link ConnectionListener}s threw, since the server was built. A
     * listener that throws is logged (its first failure at WARNING) and counted; the connection
     * goes on.
     */
    public long listenerFailures() {
        return config.connectionListeners().failures();
    }

    /**
     * Sends a text message to every open connection, on every instance of the cluster; the future
     * gives how many receivers got it (connections on a single instance, instances in a cluster; see
     * {@link Broker}).
     */
    public CompletableFuture<Integer> broadcast(String text) {
        return running().broadcast(Objects.requireNonNull(text, "text"));
    }

    /**
     * Sends a text message to the open connections of this instance that pass {@code filter} (a
     * filter cannot travel to other instances).
     */
    public CompletableFuture<Integer> broadcast(String text, Predicate<WebSocketConnection> filter) {
        return running().broadcast(Objects.requireNonNull(text, "text"), filter);
    }

    /** Sends a binary message to every open connection, on every instance of the cluster. */
    public CompletableFuture<Integer> broadcast(ByteBuffer data) {
        return running().broadcast(Objects.requireNonNull(data, "data"));
    }

    /** Sends a binary message to the open connections of this instance that pass {@code filter}. */
    public CompletableFuture<Integer> broadcast(ByteBuffer data, Predicate<WebSocketConnection> filter) {
        return running().broadcast(Objects.requireNonNull(data, "data"), filter);
    }

    /**
     * Subscribes an open connection of this server to a topic; it leaves every topic when it
     * closes. Returns false when the connection is not open (closing, closed, or not this server's).
     */
    public boolean subscribe(WebSocketConnection connection, String topic) {
        return running().subscribe(connection, Objects.requireNonNull(topic, "topic"));
    }

    /**
     * Subscribes an open connection of this server to a topic as {@code options} say (see
     * {@link SubscribeOptions}); the future completes when publications reach it from every
     * instance, and after the recovery when one was asked.
     */
    public CompletableFuture<SubscribeResult> subscribe(WebSocketConnection connection, String topic,
            SubscribeOptions options) {
        return running().subscribe(connection, Objects.requireNonNull(topic, "topic"),
                Objects.requireNonNull(options, "options"));
    }

    /** Unsubscribes a connection from a topic. */
    public void unsubscribe(WebSocketConnection connection, String topic) {
        running().unsubscribe(connection, Objects.requireNonNull(topic, "topic"));
    }

    /** Topics with at least one subscriber (a topic goes when its last subscriber leaves or closes). */
    public int topicCount() {
        ServerRuntime r = runtime;
        return r == null ? 0 : r.topicCount();
    }

    /** The connections of this instance subscribed to a topic. */
    public Set<WebSocketConnection> subscribers(String topic) {
        return running().subscribers(topic);
    }

    /**
     * Sends a text message to every subscriber of {@code topic} on every instance, encoded once on
     * each; the future gives how many receivers got it (connections on a single instance, instances
     * in a cluster) or fails with a {@link dev.seed.websocket.cluster.ClusterException} when the
     * cluster could not be reached (the subscribers of this instance still got it).
     */
    public CompletableFuture<Integer> publish(String topic, String text) {
        return publish(topic, text, null);
    }

    /** Sends a binary message to every subscriber of {@code topic}, encoded once. */
    public CompletableFuture<Integer> publish(String topic, ByteBuffer data) {
        return publish(topic, data, null);
    }

    /**
     * Sends a text message to every subscriber of {@code topic} but {@code except} (typically the
     * sender; null: every subscriber), encoded once.
     */
    public CompletableFuture<Integer> publish(String topic, String text, WebSocketConnection except) {
        return running().publish(Objects.requireNonNull(topic, "topic"), Objects.requireNonNull(text, "text"), except);
    }

    /** Sends a binary message to every subscriber of {@code topic} but {@code except}, encoded once. */
    public CompletableFuture<Integer> publish(String topic, ByteBuffer data, WebSocketConnection except) {
        return running().publish(Objects.requireNonNull(topic, "topic"), Objects.requireNonNull(data, "data"), except);
    }

    /** The members of a topic's presence on every instance (see {@link SubscribeOptions#withPresence}). */
    public CompletableFuture<List<PresenceMember>> presence(String topic) {
        return running().presence(Objects.requireNonNull(topic, "topic"));
    }

    /** The newest {@code limit} publications of a topic's history (see {@link HistoryPolicy}), oldest first. */
    public CompletableFuture<History> history(String topic, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + limit);
        }
        return running().history(Objects.requireNonNull(topic, "topic"), limit);
    }

    /** This instance's id in the cluster (presence members carry it). */
    public String instanceId() {
        return settings.cluster().instanceId();
    }

    /** The broker topics, user sends and broadcasts go through. */
    public Broker broker() {
        return settings.cluster().broker();
    }

    /** The open connection with this {@link WebSocketConnection#id()}, or null. */
    public WebSocketConnection connection(String id) {
        ServerRuntime r = runtime;
        return r == null ? null : r.connection(id);
    }

    /**
     * The open connections of a user id on this instance (set by a handshake interceptor,
     * {@link HandshakeInterceptor.UpgradeResponse#userId}).
     */
    public Set<WebSocketConnection> connectionsOfUser(String userId) {
        return running().connectionsOfUser(Objects.requireNonNull(userId, "userId"));
    }

    /**
     * Sends a text message to every open connection of a user id on every instance, encoded once on
     * each; the future completes as {@link #publish(String, String)}'s.
     */
    public CompletableFuture<Integer> sendToUser(String userId, String text) {
        return running().sendToUser(Objects.requireNonNull(userId, "userId"), Objects.requireNonNull(text, "text"));
    }

    /** Sends a binary message to every open connection of a user id, encoded once. */
    public CompletableFuture<Integer> sendToUser(String userId, ByteBuffer data) {
        return running().sendToUser(Objects.requireNonNull(userId, "userId"), Objects.requireNonNull(data, "data"));
    }

    /**
     * Graceful shutdown: stops accepting, sends 1001 to every peer, waits for their close up to
     * {@code grace}, then closes what is left. Returns whether every connection closed in time.
     */
    public synchronized boolean shutdown(Duration grace) {
        ServerRuntime r = runtime;
        if (r == null) {
            return true;
        }
        boolean clean = r.shutdown(grace);
        runtime = null;
        return clean;
    }

    /** Stops at once: no grace period. */
    public void stop() {
        shutdown(Duration.ZERO);
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(1));
    }

    private ServerRuntime running() {
        ServerRuntime r = runtime;
        if (r == null) {
            throw new IllegalStateException("Server not started");
        }
        return r;
    }

    /** Builder of {@link WebSocketServer}. Not thread safe. */
    public static final class Builder extends AbstractEndpointBuilder<Builder> {

        private String host;
        private int port = 8080;
        private int backlog = 1024;
        private final Router router = new Router();
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private boolean requireOrigin;
        private boolean sameOriginOnly;
        private AsyncHandshakeInterceptor interceptor;
        private Duration interceptorTimeout = Duration.ofSeconds(5);
        private boolean listen = true;
        private int maxConnections;
        private int maxConnectionsPerAddress;
        private Duration maxLifetime;
        private Predicate<InetSocketAddress> acceptFilter;
        private Predicate<SocketChannel> socketFilter;
        private ServerSocketChannel channel;
        private final List<Consumer<WebSocketServer>> shutdownHooks = new ArrayList<>();
        private RefusalFormat refusalFormat = RefusalFormat.TEXT;
        private OriginCheck originCheck;
        private Duration originCheckTimeout = Duration.ofSeconds(2);
        private final Set<WebSocketVersion> versions = EnumSet.of(WebSocketVersion.RFC_6455);
        private final List<ServerSettings.Tick> ticks = new ArrayList<>();
        private Broker broker;
        private PresenceManager presence;
        private HistoryPolicy history;
        private final List<Consumer<PresenceEvent>> presenceListeners = new ArrayList<>();
        private ClusterListener clusterListener = ClusterListener.NONE;
        private String instanceId;

        private Builder() {
        }

        /** The address to bind (default: all interfaces). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The port to bind; 0 picks a free one (see {@link WebSocketServer#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** The listen backlog (default 1024). */
        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        /** Routes {@code path} (exact, or a template such as {@code /rooms/{id}}) to {@code handler}. */
        public Builder route(String path, WebSocketHandler handler) {
            return route(path, handler, List.of());
        }

        /**
         * Routes {@code path} to {@code handler}, which speaks these subprotocols in the server's
         * preference order: the first of them that the client offers is chosen (as Jakarta
         * WebSocket and Spring choose), whatever the order of the client's list.
         */
        public Builder route(String path, WebSocketHandler handler, List<String> subprotocols) {
            router.add(path, Objects.requireNonNull(handler, "handler"), subprotocols);
            return this;
        }

        /**
         * Origins allowed to connect (exact, e.g. {@code https://example.com}); none = any. A
         * request whose Origin is not listed gets 403. Browsers always send Origin; a request
         * without one (a non-browser client) passes unless {@link #requireOrigin(boolean)}.
         */
        public Builder allowedOrigins(String... origins) {
            for (String o : origins) {
                allowedOrigins.add(o.toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** As {@link #allowedOrigins(String...)}. */
        public Builder allowedOrigins(Collection<String> origins) {
            return allowedOrigins(origins.toArray(new String[0]));
        }

        /** Whether a request without an Origin header is refused with 403 (default false). */
        public Builder requireOrigin(boolean require) {
            this.requireOrigin = require;
            return this;
        }

        /**
         * With no {@link #allowedOrigins} list: whether a browser's request from another site is
         * refused with 403, its Origin's host and port not those of its Host header (default
         * false). The defence against cross-site WebSocket hijacking where the handshake is
         * authenticated by cookies (RFC 6455 section 10.2): a page of another site can open a
         * WebSocket with your user's cookies, and CORS does not apply. A request without Origin
         * (not a browser's) still passes unless {@link #requireOrigin}.
         */
        public Builder sameOriginOnly(boolean sameOriginOnly) {
            this.sameOriginOnly = sameOriginOnly;
            return this;
        }

        /** Sees every upgrade request before it is answered (authentication). */
        public Builder interceptor(HandshakeInterceptor interceptor) {
            this.interceptor = interceptor == null ? null : AsyncHandshakeInterceptor.of(interceptor);
            return this;
        }

        /**
         * As {@link #interceptor(HandshakeInterceptor)}, for an interceptor that completes later
         * (authentication that does I/O); see {@link AsyncHandshakeInterceptor}.
         */
        public Builder asyncInterceptor(AsyncHandshakeInterceptor interceptor) {
            this.interceptor = interceptor;
            return this;
        }

        /** How long an {@link AsyncHandshakeInterceptor} may take before the request is refused with 408 (default 5 s). */
        public Builder interceptorTimeout(Duration timeout) {
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("interceptorTimeout must be positive: " + timeout);
            }
            this.interceptorTimeout = timeout;
            return this;
        }

        /**
         * Whether the server binds its own port (default true). False: it binds nothing, and
         * upgrades reach it through {@link WebSocketServer#hostedUpgrades()}, from a web server
         * that shares its port (a servlet container: see the websocket-servlet module).
         */
        public Builder listen(boolean listen) {
            this.listen = listen;
            return this;
        }

        /** Most connections at once (0: no limit); past it new peers get 503. */
        public Builder maxConnections(int max) {
            this.maxConnections = Math.max(0, max);
            return this;
        }

        /** Most connections at once from one remote address (0: no limit); past it 503. */
        public Builder maxConnectionsPerAddress(int max) {
            this.maxConnectionsPerAddress = Math.max(0, max);
            return this;
        }

        /** Connections older than this are closed with 1001 (null or 0: never). */
        public Builder maxLifetime(Duration lifetime) {
            this.maxLifetime = lifetime;
            return this;
        }

        /** Decides on each TCP connection before any byte is read; false closes it. */
        public Builder acceptFilter(Predicate<InetSocketAddress> filter) {
            this.acceptFilter = filter;
            return this;
        }

        /**
         * Decides on each accepted socket, with the socket in hand, before any byte is read (the
         * seed's on_accept): set socket options, look at its addresses, or return false to close it.
         * Runs on the accepting event loop: it must not block. One that throws closes the socket.
         */
        public Builder acceptSocket(Predicate<SocketChannel> filter) {
            this.socketFilter = filter;
            return this;
        }

        /**
         * Serves on a listening socket the application opened and bound (the seed's listen: socket
         * activation, a descriptor inherited with {@code System.inheritedChannel()}); host, port
         * and backlog are then not used. The server owns it from {@link #build()} on and closes
         * it when it stops.
         */
        public Builder channel(ServerSocketChannel channel) {
            this.channel = Objects.requireNonNull(channel, "channel");
            return this;
        }

        /**
         * Decides on each request's Origin, after the allow-list, possibly asynchronously (the seed's
         * on_origin); see {@link OriginCheck}.
         */
        public Builder originCheck(OriginCheck check) {
            this.originCheck = check;
            return this;
        }

        /** How long an {@link OriginCheck} may take before the request is refused with 408 (default 2 s). */
        public Builder originCheckTimeout(Duration timeout) {
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("originCheckTimeout must be positive: " + timeout);
            }
            this.originCheckTimeout = timeout;
            return this;
        }

        /**
         * Whether TLS clients must present a certificate (mutual TLS), as Spring Boot's
         * {@code server.ssl.client-auth}: the trust material is the SSL context's. Default NONE.
         */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /** The body format of handshake refusals (default plain text; JSON as the seed answers). */
        public Builder refusalFormat(RefusalFormat format) {
            this.refusalFormat = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * Runs {@code hook} when the server begins to shut down, before its connections get their
         * 1001 (the seed's on_shutdown): say goodbye, stop producers. Runs on the thread that
         * calls shutdown; one that throws is logged and the shutdown goes on.
         */
        public Builder onShutdown(Consumer<WebSocketServer> hook) {
            shutdownHooks.add(Objects.requireNonNull(hook, "hook"));
            return this;
        }

        /** Whether the hybi drafts 7 and 8 are accepted (default false). */
        public Builder hybiDrafts(boolean enabled) {
            if (enabled) {
                versions.add(WebSocketVersion.HYBI_07);
                versions.add(WebSocketVersion.HYBI_08);
            } else {
                versions.remove(WebSocketVersion.HYBI_07);
                versions.remove(WebSocketVersion.HYBI_08);
            }
            return this;
        }

        /** Whether the legacy hixie-76 protocol is accepted (default false, as in Netty). */
        public Builder hixie76(boolean enabled) {
            if (enabled) {
                versions.add(WebSocketVersion.HIXIE_76);
            } else {
                versions.remove(WebSocketVersion.HIXIE_76);
            }
            return this;
        }

        /**
         * Runs {@code task} once every {@code period} while the server runs, on one of its event
         * loops (it must not block), given the server (the seed's on_tick). One that throws is
         * logged and runs again next period.
         */
        public Builder tick(Duration period, Consumer<WebSocketServer> task) {
            if (period.isZero() || period.isNegative()) {
                throw new IllegalArgumentException("tick period must be positive: " + period);
            }
            ticks.add(new ServerSettings.Tick(period, Objects.requireNonNull(task, "task")));
            return this;
        }

        /** {@link #tick(Duration, Consumer)} for a task that does not need the server. */
        public Builder tick(Duration period, Runnable task) {
            Objects.requireNonNull(task, "task");
            return tick(period, server -> task.run());
        }

        /**
         * The broker topics, user-addressed sends and broadcasts go through (default: an
         * {@link InMemoryBroker}, this instance only). The server starts and stops it; one broker
         * serves one server.
         */
        public Builder broker(Broker broker) {
            this.broker = Objects.requireNonNull(broker, "broker");
            return this;
        }

        /** Where presence lives (default: an {@link InMemoryPresence}, this instance only). The server starts and stops it. */
        public Builder presence(PresenceManager presence) {
            this.presence = Objects.requireNonNull(presence, "presence");
            return this;
        }

        /**
         * Which topics keep a history for the default in-memory broker (default: none); a broker
         * given with {@link #broker} has its own.
         */
        public Builder history(HistoryPolicy policy) {
            this.history = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Told every presence join and leave, on any instance; on the broker's thread, so it must not block. */
        public Builder onPresence(Consumer<PresenceEvent> listener) {
            presenceListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Told what the cluster layer does, for metrics. */
        public Builder clusterListener(ClusterListener listener) {
            this.clusterListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** This instance's id in the cluster (default: random); unique among the instances. */
        public Builder instanceId(String id) {
            if (id == null || id.isEmpty() || id.chars().anyMatch(ch -> ch <= ' ' || ch == '/' || ch == '|')) {
                throw new IllegalArgumentException("instance id must be non-empty, without spaces, '/' or '|': " + id);
            }
            this.instanceId = id;
            return this;
        }

        /** Lets {@code customizer} change this builder (for frameworks). */
        public Builder apply(Consumer<Builder> customizer) {
            customizer.accept(this);
            return this;
        }

        /** Builds the server (not started). Throws IllegalArgumentException for bad configuration. */
        public WebSocketServer build() {
            if (router.routes().isEmpty()) {
                throw new IllegalArgumentException("A server needs at least one route");
            }
            EndpointConfig config = endpointConfig();
            ServerSettings settings = new ServerSettings(host, port, listen, backlog, router, Set.copyOf(allowedOrigins),
                    requireOrigin, sameOriginOnly, interceptor, interceptorTimeout, maxConnections, maxConnectionsPerAddress, maxLifetime, acceptFilter,
                    socketFilter, channel, EnumSet.copyOf(versions), List.copyOf(ticks), List.copyOf(shutdownHooks),
                    refusalFormat, originCheck, originCheckTimeout, clusterSettings());
            return new WebSocketServer(config, settings);
        }

        private ClusterSettings clusterSettings() {
            if (broker != null && history != null) {
                throw new IllegalArgumentException("history(...) configures the default in-memory broker; "
                        + "give the history policy to the broker passed to broker(...)");
            }
            Broker b = broker != null ? broker : new InMemoryBroker(history != null ? history : HistoryPolicy.none());
            PresenceManager p = presence != null ? presence : new InMemoryPresence();
            String id = instanceId != null ? instanceId
                    : Long.toString(new java.security.SecureRandom().nextLong() >>> 1, 36);
            return new ClusterSettings(id, b, p, List.copyOf(presenceListeners), clusterListener);
        }
    }
}
