package dev.seed.websocket.redis;

import dev.seed.websocket.cluster.Broker;
import dev.seed.websocket.cluster.ClusterException;
import dev.seed.websocket.cluster.HistoryPolicy;
import dev.seed.websocket.cluster.PresenceManager;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * A server's cluster on Redis: a {@link Broker} (topics, user sends, broadcasts and histories) and
 * a {@link PresenceManager} that share two connections to one Redis, made through Lettuce: one
 * for commands (publish, history, presence; each change a Lua script, so it is atomic) and one
 * for PUB/SUB, which listens only to the channels of the topics and users this instance has
 * connections for.
 *
 * <pre>{@code
 * RedisEngine redis = RedisEngine.builder(RedisURI.create("redis://127.0.0.1:6379"))
 *         .history(HistoryPolicy.all(100, Duration.ofMinutes(10)))
 *         .build();
 * WebSocketServer server = WebSocketServer.builder()
 *         .broker(redis.broker()).presence(redis.presence())
 *         ...
 * }</pre>
 *
 * When Redis goes away: commands fail at once (they are not queued), so a publication still
 * reaches this instance's connections and its future fails; Lettuce reconnects with backoff, the
 * engine listens again to every channel it needs, and presence members that Redis lost meanwhile
 * join again. Redis Cluster is not supported (the scripts touch keys of several topics); a
 * standalone Redis, or one behind Sentinel, is. Thread safe.
 */
public final class RedisEngine {

    private static final System.Logger LOG = System.getLogger(RedisEngine.class.getName());

    private final RedisURI uri;
    private final RedisKeys keys;
    private final HistoryPolicy history;
    private final Duration presenceTtl;
    private final Duration commandTimeout;
    private final SslOptions sslOptions;
    private final RedisBroker broker;
    private final RedisPresence presence;

    // guarded by this
    private RedisClient client;
    private int users;
    private volatile StatefulRedisConnection<byte[], byte[]> commands;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
    private volatile boolean commandsUp;
    private volatile boolean pubsubUp;
    /** Set when a command timed out (Redis hung, or the network to it): cleared by the next command that succeeds. */
    private volatile boolean stalled;
    private volatile boolean reported = true;
    /** Whether open() has finished: what Lettuce reports while it connects is not a change. */
    private volatile boolean started;
    /** Channels an UNSUBSCRIBE did not reach (Redis was away): unsubscribed after the reconnection. */
    private final Set<ChannelKey> unsubscribeLater = ConcurrentHashMap.newKeySet();
    /** The channels this instance must listen to, said again after each reconnection. */
    private final Set<ChannelKey> channels = ConcurrentHashMap.newKeySet();
    private final Set<BiConsumer<byte[], byte[]>> messageHandlers = ConcurrentHashMap.newKeySet();
    private final Set<java.util.function.Consumer<Boolean>> stateHandlers = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, String> digests = new ConcurrentHashMap<>();

    private RedisEngine(Builder b) {
        this.uri = b.uri;
        this.keys = new RedisKeys(b.prefix);
        this.history = b.history;
        this.presenceTtl = b.presenceTtl;
        this.commandTimeout = b.commandTimeout;
        this.sslOptions = b.sslOptions;
        this.broker = new RedisBroker(this);
        this.presence = new RedisPresence(this);
    }

    public static Builder builder(RedisURI uri) {
        return new Builder(uri);
    }

    /** The broker to give a server ({@code WebSocketServer.Builder#broker}). */
    public Broker broker() {
        return broker;
    }

    /** The presence to give the same server ({@code WebSocketServer.Builder#presence}). */
    public PresenceManager presence() {
        return presence;
    }

    /** Whether both connections to Redis are up and its last command did not time out. */
    public boolean isConnected() {
        return commandsUp && pubsubUp && !stalled;
    }

    /** "redis 127.0.0.1:6379" (never the password). */
    public String describe() {
        return "redis " + (uri.getSentinelMasterId() != null
                ? "sentinel master " + uri.getSentinelMasterId() : uri.getHost() + ":" + uri.getPort());
    }

    RedisKeys keys() {
        return keys;
    }

    HistoryPolicy history() {
        return history;
    }

    Duration presenceTtl() {
        return presenceTtl;
    }

    StatefulRedisConnection<byte[], byte[]> commands() {
        StatefulRedisConnection<byte[], byte[]> c = commands;
        if (c == null) {
            throw new ClusterException("The Redis engine is not started (" + describe() + ")");
        }
        return c;
    }

    /** Opens the connections for the first of broker and presence to start. */
    synchronized void open(BiConsumer<byte[], byte[]> onMessage, java.util.function.Consumer<Boolean> onState) {
        messageHandlers.add(onMessage);
        stateHandlers.add(onState);
        if (users++ > 0) {
            return;
        }
        RedisClient c = RedisClient.create(uri);
        // keepalive: a peer that vanished without a FIN (a partition) is found by the OS too
        ClientOptions.Builder options = ClientOptions.builder()
                .socketOptions(io.lettuce.core.SocketOptions.builder().keepAlive(true).build());
        if (sslOptions != null) {
            options.sslOptions(sslOptions);
        }
        c.setOptions(options
                .autoReconnect(true)
                // fail at once while disconnected: a publication must reach local connections now,
                // not when Redis comes back
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
        c.addListener(new StateListener());
        try {
            commands = c.connect(ByteArrayCodec.INSTANCE);
            commandsUp = true;
            StatefulRedisPubSubConnection<byte[], byte[]> ps = c.connectPubSub(ByteArrayCodec.INSTANCE);
            ps.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    for (BiConsumer<byte[], byte[]> h : messageHandlers) {
                        h.accept(channel, message);
                    }
                }
            });
            pubsub = ps;
            pubsubUp = true;
        } catch (RedisException e) {
            users = 0;
            commands = null;
            commandsUp = false;
            messageHandlers.clear();
            stateHandlers.clear();
            closeQuietly(c);
            throw new ClusterException("Cannot connect to " + describe() + ": " + rootMessage(e), e);
        }
        client = c;
        started = true;
    }

    /** Closes the connections when the last of broker and presence stops. */
    synchronized void close(BiConsumer<byte[], byte[]> onMessage, java.util.function.Consumer<Boolean> onState) {
        messageHandlers.remove(onMessage);
        stateHandlers.remove(onState);
        if (users == 0 || --users > 0) {
            return;
        }
        started = false;
        reported = true;
        RedisClient c = client;
        client = null;
        commands = null;
        pubsub = null;
        channels.clear();
        unsubscribeLater.clear();
        closeQuietly(c);
    }

    private static void closeQuietly(RedisClient c) {
        if (c != null) {
            try {
                c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the Redis client", e);
            }
        }
    }

    /** A channel to listen to; kept by its bytes' value. */
    private record ChannelKey(String name) {
        byte[] bytes() {
            return name.getBytes(StandardCharsets.ISO_8859_1);
        }

        static ChannelKey of(byte[] channel) {
            return new ChannelKey(new String(channel, StandardCharsets.ISO_8859_1));
        }
    }

    CompletableFuture<Void> subscribe(byte[] channel) {
        channels.add(ChannelKey.of(channel));
        StatefulRedisPubSubConnection<byte[], byte[]> ps = pubsub;
        if (ps == null) {
            return CompletableFuture.completedFuture(null);
        }
        return ps.async().subscribe(channel).toCompletableFuture().handle((v, e) -> {
            if (e != null) {
                // said again when the connection comes back
                LOG.log(System.Logger.Level.DEBUG, "SUBSCRIBE failed; listening again on reconnection", e);
            }
            return null;
        });
    }

    void unsubscribe(byte[] channel) {
        ChannelKey key = ChannelKey.of(channel);
        channels.remove(key);
        StatefulRedisPubSubConnection<byte[], byte[]> ps = pubsub;
        if (ps != null) {
            ps.async().unsubscribe(channel).toCompletableFuture().exceptionally(e -> {
                // Lettuce would subscribe it again on reconnection: undone then
                unsubscribeLater.add(key);
                return null;
            });
        }
    }

    /**
     * After a reconnection, once Lettuce has said again what it knew: unsubscribes the channels
     * whose UNSUBSCRIBE failed meanwhile and that no one wants again since.
     */
    private void unsubscribeLeftovers() {
        StatefulRedisPubSubConnection<byte[], byte[]> ps = pubsub;
        if (ps == null) {
            return;
        }
        for (ChannelKey key : List.copyOf(unsubscribeLater)) {
            unsubscribeLater.remove(key);
            if (!channels.contains(key)) {
                ps.async().unsubscribe(key.bytes()).toCompletableFuture().exceptionally(e -> {
                    unsubscribeLater.add(key);
                    return null;
                });
            }
        }
    }

    /**
     * Runs a script whole (EVAL): for the publication script, whose calls must reach Redis in the
     * order they are made. A digest that Redis lost (a restart) would send one call back as an
     * EVAL after later calls went through, and reorder them.
     */
    <T> CompletableFuture<T> runInOrder(String script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        return observed(commands().async().<T>eval(script, type, keys, args).toCompletableFuture());
    }

    /**
     * Follows whether Redis answers: a command that times out marks the engine down (a hung Redis
     * keeps its TCP connection open), the next one that succeeds marks it up again.
     */
    <T> CompletableFuture<T> observed(CompletableFuture<T> command) {
        command.whenComplete((r, e) -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof io.lettuce.core.RedisCommandTimeoutException) {
                if (!stalled) {
                    stalled = true;
                    report();
                }
            } else if (e == null && stalled) {
                stalled = false;
                report();
            }
        });
        return command;
    }

    /**
     * Runs a script by its digest, loading it when Redis does not have it (first use, or after a
     * restart of Redis); for scripts whose calls may complete in any order.
     */
    <T> CompletableFuture<T> run(String script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        String digest = digests.computeIfAbsent(script, RedisEngine::sha1);
        CompletableFuture<T> bySha = observed(commands().async().<T>evalsha(digest, type, keys, args).toCompletableFuture());
        return bySha.handle((r, e) -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
            if (cause instanceof RedisNoScriptException) {
                return commands().async().<T>eval(script, type, keys, args).toCompletableFuture();
            }
            return e == null ? CompletableFuture.completedFuture(r) : CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A failure of a Redis command, as the application sees it. */
    ClusterException failure(String what, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return new ClusterException(what + " failed on " + describe() + ": " + rootMessage(cause), cause);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private final class StateListener implements RedisConnectionStateListener {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
            if (connection == pubsub) {
                pubsubUp = true;
                // Lettuce says again what it knew to be subscribed; say everything we need
                StatefulRedisPubSubConnection<byte[], byte[]> ps = pubsub;
                byte[][] all = channels.stream().map(ChannelKey::bytes).toArray(byte[][]::new);
                if (ps != null && all.length > 0) {
                    ps.async().subscribe(all).toCompletableFuture().exceptionally(e -> null);
                }
                if (!unsubscribeLater.isEmpty()) {
                    CompletableFuture.runAsync(RedisEngine.this::unsubscribeLeftovers,
                            CompletableFuture.delayedExecutor(500, java.util.concurrent.TimeUnit.MILLISECONDS));
                }
            } else if (connection == commands) {
                commandsUp = true;
            }
            report();
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection == pubsub) {
                pubsubUp = false;
            } else if (connection == commands) {
                commandsUp = false;
            }
            report();
        }
    }

    private void report() {
        if (!started) {
            return;
        }
        boolean now = isConnected();
        if (now != reported) {
            reported = now;
            if (now) {
                LOG.log(System.Logger.Level.INFO, "Reconnected to " + describe());
            } else {
                LOG.log(System.Logger.Level.WARNING, "Lost the connection to " + describe() + "; reconnecting");
            }
            for (java.util.function.Consumer<Boolean> h : stateHandlers) {
                h.accept(now);
            }
        }
    }

    /** Options of an engine. */
    public static final class Builder {
        private final RedisURI uri;
        private String prefix = "ws";
        private HistoryPolicy history = HistoryPolicy.none();
        private Duration presenceTtl = Duration.ofSeconds(30);
        private Duration commandTimeout = Duration.ofSeconds(5);
        private SslOptions sslOptions;

        private Builder(RedisURI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
        }

        /** The prefix of every key and channel (default {@code ws}); applications sharing a Redis use different ones. */
        public Builder keyPrefix(String prefix) {
            if (prefix == null || prefix.isEmpty() || prefix.contains(":")) {
                throw new IllegalArgumentException("key prefix must be non-empty, without ':': " + prefix);
            }
            this.prefix = prefix;
            return this;
        }

        /** Which topics keep a history in Redis streams (default: none). */
        public Builder history(HistoryPolicy policy) {
            this.history = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * How long after an instance stops beating (a crash) its presence members leave (default
         * 30 s): it beats every third of this, and the others remove it when two thirds have passed
         * since its last beat.
         */
        public Builder presenceTtl(Duration ttl) {
            if (ttl.compareTo(Duration.ofMillis(300)) < 0) {
                throw new IllegalArgumentException("presence ttl must be at least 300ms: " + ttl);
            }
            this.presenceTtl = ttl;
            return this;
        }

        /** How long a Redis command may take before its future fails (default 5 s). */
        public Builder commandTimeout(Duration timeout) {
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("command timeout must be positive: " + timeout);
            }
            this.commandTimeout = timeout;
            return this;
        }

        /** Key and trust material for a URI with TLS ({@code rediss://}); the JDK's defaults without. */
        public Builder sslOptions(SslOptions options) {
            this.sslOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        public RedisEngine build() {
            return new RedisEngine(this);
        }
    }
}
