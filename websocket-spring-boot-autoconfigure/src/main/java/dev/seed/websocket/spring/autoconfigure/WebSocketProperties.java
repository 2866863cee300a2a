package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.BackpressurePolicy;
import dev.seed.websocket.ClientAuth;
import dev.seed.websocket.CompressionMode;
import dev.seed.websocket.RefusalFormat;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the WebSocket server, client and metrics, under the {@code websocket} prefix.
 * Checked right after binding: a bad value fails the start with an
 * {@link org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException}
 * that names its key (Spring Boot's failure analysis adds where it was set).
 */
@ConfigurationProperties("websocket")
public class WebSocketProperties implements InitializingBean, EnvironmentAware {

    /** Where the keys come from: a key that binds to nothing fails the start. */
    private Environment environment;

    private final Server server = new Server();

    private final Client client = new Client();

    private final Metrics metrics = new Metrics();

    private final Observations observations = new Observations();

    private final Cluster cluster = new Cluster();

    public Cluster getCluster() {
        return cluster;
    }

    public Observations getObservations() {
        return observations;
    }

    public Server getServer() {
        return server;
    }

    public Client getClient() {
        return client;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /** Checks the bound values; throws for the first bad one, naming its key. */
    @Override
    public void afterPropertiesSet() {
        UnknownPropertyCheck.check(environment);
        new WebSocketPropertiesValidator(this).validate();
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    /** What a server and a client share. */
    public abstract static class Endpoint {

        /**
         * Extensions, each in Sec-WebSocket-Extensions syntax, e.g. "permessage-deflate;
         * client_max_window_bits"; the server accepts them, the client offers them.
         */
        private List<String> extensions = new ArrayList<>();

        /** Messages shorter than this are sent uncompressed; one of exactly this size is compressed. */
        private DataSize compressionThreshold = DataSize.ofKilobytes(1);

        /**
         * How permessage-deflate spends memory: "windowed" (small windows both ways, about 20 KiB
         * per connection), "shared" (no context takeover our way, about 3 KiB per connection) or
         * "full" (zlib's 32 KiB windows, about 125 KiB per connection).
         */
        private CompressionMode compressionMode = CompressionMode.WINDOWED;

        /** Our compressor's LZ77 window in the windowed compression mode, 9 to 15 bits (512 bytes to 32 KiB). */
        private int compressionWindowBits = 14;

        /** LZ77 window the windowed compression mode asks of clients that offer one, 9 to 15 bits. */
        private int compressionPeerWindowBits = 12;

        /** A connection that compressed nothing for this long frees its compressor's context (0: never). */
        private Duration compressionIdleRelease = Duration.ofSeconds(30);

        /** Largest frame payload accepted; a longer frame closes the connection with 1009. */
        private DataSize maxFrameSize = DataSize.ofMegabytes(16);

        /** Largest message accepted after decompression; a longer one closes the connection with 1009. */
        private DataSize maxMessageSize = DataSize.ofMegabytes(16);

        /** Most frames in one message; more close the connection with 1009. */
        private int maxFragments = 131072;

        /** Outgoing messages longer than this are sent in fragments of this size (0: never fragment). */
        private DataSize outgoingFragmentSize = DataSize.ofBytes(0);

        /** Whether pings are answered with a pong automatically. */
        private boolean autoPong = true;

        /** Close a connection after this long without receiving anything (0: never). */
        private Duration idleTimeout = Duration.ZERO;

        /** Send a keepalive ping this often (0: never); a missing pong closes the connection. */
        private Duration pingInterval = Duration.ZERO;

        /** How long a keepalive ping waits for its pong. */
        private Duration pongTimeout = Duration.ofSeconds(20);

        /** How long the opening handshake may take. */
        private Duration handshakeTimeout = Duration.ofSeconds(10);

        /** How long the close handshake may take before the TCP connection is dropped. */
        private Duration closeTimeout = Duration.ofSeconds(5);

        /** Whether TCP_NODELAY is set on every connection. */
        private boolean tcpNoDelay = true;

        /** Bytes a connection may queue for a slow peer before the backpressure policy acts. */
        private DataSize backpressureLimit = DataSize.ofMegabytes(16);

        /** The largest message one send may carry (larger ones fail at once); 0 for no bound. */
        private DataSize maxSendSize = DataSize.ofBytes(0);

        /** What a send past the backpressure limit does: fail the send, or close the connection with 1008. */
        private BackpressurePolicy backpressurePolicy = BackpressurePolicy.FAIL_SEND;

        /**
         * Where handlers run: "loop" (the connection's event loop, handlers must not block),
         * "virtual" (a virtual thread per task, Java 21+), "pool" (a fixed pool of
         * handler-pool-size threads) or the name of an Executor bean.
         */
        private String handlerExecutor = "loop";

        /** Threads of the "pool" handler executor (0: two per core, at least 4). */
        private int handlerPoolSize;

        /** Number of event loop threads (unset: one per core for the server, up to two for the client). */
        private Integer eventLoops;

        /** Largest header block of the opening handshake; a larger one is refused (431). */
        private DataSize maxHeaderSize = DataSize.ofKilobytes(16);

        /** TLS settings. */
        private final Ssl ssl = new Ssl();

        public List<String> getExtensions() {
            return extensions;
        }

        public void setExtensions(List<String> extensions) {
            this.extensions = extensions;
        }

        public CompressionMode getCompressionMode() {
            return compressionMode;
        }

        public void setCompressionMode(CompressionMode compressionMode) {
            this.compressionMode = compressionMode;
        }

        public int getCompressionWindowBits() {
            return compressionWindowBits;
        }

        public void setCompressionWindowBits(int compressionWindowBits) {
            this.compressionWindowBits = compressionWindowBits;
        }

        public int getCompressionPeerWindowBits() {
            return compressionPeerWindowBits;
        }

        public void setCompressionPeerWindowBits(int compressionPeerWindowBits) {
            this.compressionPeerWindowBits = compressionPeerWindowBits;
        }

        public Duration getCompressionIdleRelease() {
            return compressionIdleRelease;
        }

        public void setCompressionIdleRelease(Duration compressionIdleRelease) {
            this.compressionIdleRelease = compressionIdleRelease;
        }

        public DataSize getCompressionThreshold() {
            return compressionThreshold;
        }

        public void setCompressionThreshold(DataSize compressionThreshold) {
            this.compressionThreshold = compressionThreshold;
        }

        public DataSize getMaxFrameSize() {
            return maxFrameSize;
        }

        public void setMaxFrameSize(DataSize maxFrameSize) {
            this.maxFrameSize = maxFrameSize;
        }

        public DataSize getMaxMessageSize() {
            return maxMessageSize;
        }

        public void setMaxMessageSize(DataSize maxMessageSize) {
            this.maxMessageSize = maxMessageSize;
        }

        public int getMaxFragments() {
            return maxFragments;
        }

        public void setMaxFragments(int maxFragments) {
            this.maxFragments = maxFragments;
        }

        public DataSize getOutgoingFragmentSize() {
            return outgoingFragmentSize;
        }

        public void setOutgoingFragmentSize(DataSize outgoingFragmentSize) {
            this.outgoingFragmentSize = outgoingFragmentSize;
        }

        public boolean isAutoPong() {
            return autoPong;
        }

        public void setAutoPong(boolean autoPong) {
            this.autoPong = autoPong;
        }

        public Duration getIdleTimeout() {
            return idleTimeout;
        }

        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        public Duration getPingInterval() {
            return pingInterval;
        }

        public void setPingInterval(Duration pingInterval) {
            this.pingInterval = pingInterval;
        }

        public Duration getPongTimeout() {
            return pongTimeout;
        }

        public void setPongTimeout(Duration pongTimeout) {
            this.pongTimeout = pongTimeout;
        }

        public Duration getHandshakeTimeout() {
            return handshakeTimeout;
        }

        public void setHandshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = handshakeTimeout;
        }

        public Duration getCloseTimeout() {
            return closeTimeout;
        }

        public void setCloseTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
        }

        public boolean isTcpNoDelay() {
            return tcpNoDelay;
        }

        public void setTcpNoDelay(boolean tcpNoDelay) {
            this.tcpNoDelay = tcpNoDelay;
        }

        public DataSize getBackpressureLimit() {
            return backpressureLimit;
        }

        public DataSize getMaxSendSize() {
            return maxSendSize;
        }

        public void setMaxSendSize(DataSize maxSendSize) {
            this.maxSendSize = maxSendSize;
        }

        public void setBackpressureLimit(DataSize backpressureLimit) {
            this.backpressureLimit = backpressureLimit;
        }

        public BackpressurePolicy getBackpressurePolicy() {
            return backpressurePolicy;
        }

        public void setBackpressurePolicy(BackpressurePolicy backpressurePolicy) {
            this.backpressurePolicy = backpressurePolicy;
        }

        public String getHandlerExecutor() {
            return handlerExecutor;
        }

        public void setHandlerExecutor(String handlerExecutor) {
            this.handlerExecutor = handlerExecutor;
        }

        public int getHandlerPoolSize() {
            return handlerPoolSize;
        }

        public void setHandlerPoolSize(int handlerPoolSize) {
            this.handlerPoolSize = handlerPoolSize;
        }

        public Integer getEventLoops() {
            return eventLoops;
        }

        public void setEventLoops(Integer eventLoops) {
            this.eventLoops = eventLoops;
        }

        public DataSize getMaxHeaderSize() {
            return maxHeaderSize;
        }

        public void setMaxHeaderSize(DataSize maxHeaderSize) {
            this.maxHeaderSize = maxHeaderSize;
        }

        public Ssl getSsl() {
            return ssl;
        }
    }

    /** The server: its own port, its routes are the {@code @WsHandler} beans. */
    public static class Server extends Endpoint {

        /** Whether the server starts (it needs at least one @WsHandler bean as well). */
        private boolean enabled = true;

        /** The address to bind (unset: all interfaces). */
        private InetAddress address;

        /**
         * A port of the routes' own (0: a free port; published as local.websocket.server.port).
         * Unset: the servlet web server's port when there is one (Tomcat or Jetty, see
         * share-web-server-port), else 8081.
         */
        private Integer port;

        /**
         * Whether, while websocket.server.port is unset, the routes are served on the servlet web
         * server's own port and paths (server.port, server.ssl, behind its filters and Spring
         * Security) through the Servlet API's HTTP upgrade (Jetty: its own connection upgrade).
         * Tomcat and Jetty 12; false: a port of their own (8081).
         */
        private boolean shareWebServerPort = true;

        /** The listen backlog: connections the operating system queues before they are accepted. */
        private int backlog = 1024;

        /** Origins allowed to connect, e.g. https://example.com (empty: any); others are refused with 403. */
        private List<String> allowedOrigins = new ArrayList<>();

        /** Whether a handshake without an Origin header (a non-browser client) is refused with 403. */
        private boolean requireOrigin;

        /** Most connections at once (0: no limit); past it new peers are refused with 503. */
        private int maxConnections;

        /** Most connections at once from one remote address (0: no limit); past it 503. */
        private int maxConnectionsPerAddress;

        /** Connections older than this are closed with 1001 (0: never). */
        private Duration maxLifetime = Duration.ZERO;

        /** How long a shutdown waits for peers to answer the 1001 close before it drops what is left. */
        private Duration shutdownGrace = Duration.ofSeconds(10);

        /** The body of handshake refusals: text (a line) or json (status, error and message). */
        private RefusalFormat refusalFormat = RefusalFormat.TEXT;

        /** How long an OriginCheck bean may take to decide before the request is refused with 408. */
        private Duration originCheckTimeout = Duration.ofSeconds(2);

        /** How long an AsyncHandshakeInterceptor bean may take before the request is refused with 408. */
        private Duration interceptorTimeout = Duration.ofSeconds(5);

        /** Pre-RFC protocol versions. */
        private final Legacy legacy = new Legacy();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public InetAddress getAddress() {
            return address;
        }

        public void setAddress(InetAddress address) {
            this.address = address;
        }

        public boolean isShareWebServerPort() {
            return shareWebServerPort;
        }

        public void setShareWebServerPort(boolean shareWebServerPort) {
            this.shareWebServerPort = shareWebServerPort;
        }

        /** The port of the server's own listener when none is set. */
        public static final int DEFAULT_PORT = 8081;

        /** The configured port, or null when websocket.server.port is not set. */
        public Integer getPort() {
            return port;
        }

        /** The port our own listener binds: the configured one, else {@link #DEFAULT_PORT}. */
        public int listenPort() {
            return port != null ? port : DEFAULT_PORT;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public int getBacklog() {
            return backlog;
        }

        public void setBacklog(int backlog) {
            this.backlog = backlog;
        }

        public List<String> getAllowedOrigins() {
            return allowedOrigins;
        }

        public void setAllowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = allowedOrigins;
        }

        public boolean isRequireOrigin() {
            return requireOrigin;
        }

        public void setRequireOrigin(boolean requireOrigin) {
            this.requireOrigin = requireOrigin;
        }

        public int getMaxConnections() {
            return maxConnections;
        }

        public void setMaxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
        }

        public int getMaxConnectionsPerAddress() {
            return maxConnectionsPerAddress;
        }

        public void setMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        }

        public Duration getMaxLifetime() {
            return maxLifetime;
        }

        public void setMaxLifetime(Duration maxLifetime) {
            this.maxLifetime = maxLifetime;
        }

        public RefusalFormat getRefusalFormat() {
            return refusalFormat;
        }

        public void setRefusalFormat(RefusalFormat refusalFormat) {
            this.refusalFormat = refusalFormat;
        }

        public Duration getInterceptorTimeout() {
            return interceptorTimeout;
        }

        public void setInterceptorTimeout(Duration interceptorTimeout) {
            this.interceptorTimeout = interceptorTimeout;
        }

        public Duration getOriginCheckTimeout() {
            return originCheckTimeout;
        }

        public void setOriginCheckTimeout(Duration originCheckTimeout) {
            this.originCheckTimeout = originCheckTimeout;
        }

        public Duration getShutdownGrace() {
            return shutdownGrace;
        }

        public void setShutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = shutdownGrace;
        }

        public Legacy getLegacy() {
            return legacy;
        }
    }

    /** The client bean for outbound connections. */
    public static class Client extends Endpoint {

        /** Whether a WebSocketClient bean is made. */
        private boolean enabled = true;

        /** How long the TCP connect may take. */
        private Duration connectTimeout = Duration.ofSeconds(10);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }
    }

    /** TLS through a Spring Boot SSL bundle. */
    public static class Ssl {

        /**
         * Name of the SSL bundle (spring.ssl.bundle.*): the server's key and certificate, or the
         * client's trust material. Unset: no TLS on the server, the JDK's trust store on the client.
         */
        private String bundle;

        /**
         * Server: whether clients must present a certificate (mutual TLS) trusted by the bundle's
         * trust store: none, want or need, as server.ssl.client-auth.
         */
        private ClientAuth clientAuth = ClientAuth.NONE;

        public String getBundle() {
            return bundle;
        }

        public ClientAuth getClientAuth() {
            return clientAuth;
        }

        public void setClientAuth(ClientAuth clientAuth) {
            this.clientAuth = clientAuth;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }
    }

    /** Protocol versions older than RFC 6455, off by default. */
    public static class Legacy {

        /** Whether the hybi drafts 7 and 8 are accepted. */
        private boolean hybiDrafts;

        /** Whether the hixie-76 protocol of old browsers is accepted. */
        private boolean hixie76;

        public boolean isHybiDrafts() {
            return hybiDrafts;
        }

        public void setHybiDrafts(boolean hybiDrafts) {
            this.hybiDrafts = hybiDrafts;
        }

        public boolean isHixie76() {
            return hixie76;
        }

        public void setHixie76(boolean hixie76) {
            this.hixie76 = hixie76;
        }
    }

    /** Micrometer observations of the routes (when the application has an ObservationRegistry). */
    public static class Observations {

        /** Whether connections of the routes are observed (a span per connection with tracing). */
        private boolean enabled = true;

        /** Whether the handling of each received message is observed too (a span per message). */
        private boolean messages;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isMessages() {
            return messages;
        }

        public void setMessages(boolean messages) {
            this.messages = messages;
        }
    }

    /** Micrometer meters. */
    public static class Metrics {

        /** Whether connection meters are recorded (when a MeterRegistry exists). */
        private boolean enabled = true;

        /**
         * Application close codes (3000-4999) tagged as themselves; others are tagged "3xxx" or
         * "4xxx" so that the tag stays bounded.
         */
        private List<Integer> closeCodes = new ArrayList<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<Integer> getCloseCodes() {
            return closeCodes;
        }

        public void setCloseCodes(List<Integer> closeCodes) {
            this.closeCodes = closeCodes;
        }
    }

    /** Where topics, user sends, broadcasts, presence and history run: this instance, or every instance on Redis. */
    public static class Cluster {

        /** What the cluster runs on. */
        public enum Type {
            /** This instance only, in memory. */
            MEMORY,
            /** Every instance on one Redis, through the application's spring.data.redis.* connection. */
            REDIS
        }

        /**
         * What topics, user sends, broadcasts, presence and history run on: "memory" (this
         * instance only) or "redis" (every instance sharing the application's Redis).
         */
        private Type type = Type.MEMORY;

        /** This instance's id in the cluster (presence members carry it); random when not set. */
        private String instanceId;

        /** Prefix of every Redis key and channel; applications sharing one Redis use different ones. */
        private String keyPrefix = "ws";

        /**
         * How long after an instance stops (a crash) its presence members leave; it beats every
         * third of this.
         */
        private Duration presenceTtl = Duration.ofSeconds(30);

        /** How long a Redis command may take before the operation fails. */
        private Duration commandTimeout = Duration.ofSeconds(5);

        private final History history = new History();

        public Type getType() {
            return type;
        }

        public void setType(Type type) {
            this.type = type;
        }

        public String getInstanceId() {
            return instanceId;
        }

        public void setInstanceId(String instanceId) {
            this.instanceId = instanceId;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public Duration getPresenceTtl() {
            return presenceTtl;
        }

        public void setPresenceTtl(Duration presenceTtl) {
            this.presenceTtl = presenceTtl;
        }

        public Duration getCommandTimeout() {
            return commandTimeout;
        }

        public void setCommandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }

        public History getHistory() {
            return history;
        }

        /** Topic history, for recovery after a reconnection and for what a newcomer is shown. */
        public static class History {

            /** How many publications each topic keeps (0: no history). */
            private int size;

            /** How long a publication is kept. */
            private Duration age = Duration.ofMinutes(10);

            /** Only topics whose name starts with this keep a history (empty: every topic). */
            private String topicPrefix = "";

            public int getSize() {
                return size;
            }

            public void setSize(int size) {
                this.size = size;
            }

            public Duration getAge() {
                return age;
            }

            public void setAge(Duration age) {
                this.age = age;
            }

            public String getTopicPrefix() {
                return topicPrefix;
            }

            public void setTopicPrefix(String topicPrefix) {
                this.topicPrefix = topicPrefix;
            }

            /** The policy these settings make. */
            public dev.seed.websocket.cluster.HistoryPolicy policy() {
                return size == 0 ? dev.seed.websocket.cluster.HistoryPolicy.none()
                        : dev.seed.websocket.cluster.HistoryPolicy.of(
                                new dev.seed.websocket.cluster.HistoryPolicy.Rule(topicPrefix, size, age));
            }
        }
    }
}
