package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.protocol.extension.Extensions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Checks bound {@link WebSocketProperties} against what the engine accepts, so that a bad value
 * fails the start right after binding with a message that names its key (and, through Spring
 * Boot's failure analysis, where it was set) rather than deep inside a bean.
 */
final class WebSocketPropertiesValidator {

    /** Syntax reminder appended to extension errors. */
    static final String EXTENSION_SYNTAX = "Write each extension in Sec-WebSocket-Extensions syntax, e.g."
            + " 'permessage-deflate; client_max_window_bits'.";

    /** One bad value. */
    private record Violation(String key, Object value, String reason) {
    }

    private final WebSocketProperties properties;
    private final List<Violation> violations = new ArrayList<>();

    WebSocketPropertiesValidator(WebSocketProperties properties) {
        this.properties = properties;
    }

    /**
     * Throws {@link InvalidConfigurationPropertyValueException} for the first bad value, its reason
     * listing the keys of any others.
     */
    void validate() {
        check();
        if (!violations.isEmpty()) {
            Violation first = violations.get(0);
            String reason = first.reason();
            if (violations.size() > 1) {
                List<String> others = violations.subList(1, violations.size()).stream()
                        .map(v -> "websocket." + v.key()).toList();
                reason += " (also invalid: " + String.join(", ", others) + ")";
            }
            throw new InvalidConfigurationPropertyValueException("websocket." + first.key(), first.value(), reason);
        }
    }

    private void check() {
        cluster(properties.getCluster());
        WebSocketProperties.Server server = properties.getServer();
        endpoint("server", server);
        if (server.getPort() != null && (server.getPort() < 0 || server.getPort() > 65535)) {
            reject("server.port", server.getPort(), "It must be 0-65535 (0: a free port).");
        }
        if (server.getBacklog() < 1) {
            reject("server.backlog", server.getBacklog(), "It must be positive.");
        }
        notNegative("server.max-connections", server.getMaxConnections());
        notNegative("server.max-connections-per-address", server.getMaxConnectionsPerAddress());
        notNegative("server.max-lifetime", server.getMaxLifetime());
        if (properties.getClient().getSsl().getClientAuth() != null
                && properties.getClient().getSsl().getClientAuth() != dev.seed.websocket.ClientAuth.NONE) {
            reject("client.ssl.client-auth", properties.getClient().getSsl().getClientAuth(),
                    "It is a server setting: a client presents the key store of its bundle when asked.");
        }
        positive("server.origin-check-timeout", server.getOriginCheckTimeout());
        positive("server.interceptor-timeout", server.getInterceptorTimeout());
        if (server.getRefusalFormat() == null) {
            reject("server.refusal-format", null, "It must be text or json.");
        }
        notNegative("server.shutdown-grace", server.getShutdownGrace());
        List<String> origins = server.getAllowedOrigins();
        for (int i = 0; i < origins.size(); i++) {
            if (origins.get(i) == null || origins.get(i).isBlank()) {
                reject("server.allowed-origins[" + i + "]", origins.get(i), "An origin must not be blank.");
            }
        }
        WebSocketProperties.Client client = properties.getClient();
        endpoint("client", client);
        positive("client.connect-timeout", client.getConnectTimeout());
        List<Integer> codes = properties.getMetrics().getCloseCodes();
        for (int i = 0; i < codes.size(); i++) {
            Integer code = codes.get(i);
            if (code == null || code < 3000 || code > 4999) {
                reject("metrics.close-codes[" + i + "]", code,
                        "It must be an application close code, 3000-4999; registered codes are always tagged as"
                                + " themselves.");
            }
        }
    }

    private void endpoint(String side, WebSocketProperties.Endpoint e) {
        int threshold = intSize(side + ".compression-threshold", e.getCompressionThreshold(), 0);
        if (e.getCompressionMode() == null) {
            reject(side + ".compression-mode", null, "It must be one of windowed, shared, full.");
        }
        if (e.getCompressionWindowBits() < 9 || e.getCompressionWindowBits() > 15) {
            reject(side + ".compression-window-bits", e.getCompressionWindowBits(),
                    "It must be 9 to 15 (a window of 512 bytes to 32 KiB).");
        }
        if (e.getCompressionPeerWindowBits() < 9 || e.getCompressionPeerWindowBits() > 15) {
            reject(side + ".compression-peer-window-bits", e.getCompressionPeerWindowBits(),
                    "It must be 9 to 15 (a window of 512 bytes to 32 KiB).");
        }
        List<String> extensions = e.getExtensions();
        for (int i = 0; i < extensions.size(); i++) {
            String element = extensions.get(i);
            String key = side + ".extensions[" + i + "]";
            if (element == null || element.isBlank()) {
                reject(key, element, "An extension must not be blank. " + EXTENSION_SYNTAX);
                continue;
            }
            try {
                Extensions.fromConfig(List.of(element), Math.max(threshold, 0));
            } catch (IllegalArgumentException ex) {
                reject(key, element, "Not a valid extension: " + ex.getMessage() + " " + EXTENSION_SYNTAX);
            }
        }
        if (size(e.getMaxFrameSize()) < 125) {
            reject(side + ".max-frame-size", e.getMaxFrameSize(), "It must be at least 125 bytes.");
        }
        if (size(e.getMaxMessageSize()) < 1) {
            reject(side + ".max-message-size", e.getMaxMessageSize(), "It must be positive.");
        }
        if (e.getMaxFragments() < 1) {
            reject(side + ".max-fragments", e.getMaxFragments(), "It must be positive.");
        }
        intSize(side + ".outgoing-fragment-size", e.getOutgoingFragmentSize(), 0);
        notNegative(side + ".idle-timeout", e.getIdleTimeout());
        notNegative(side + ".compression-idle-release", e.getCompressionIdleRelease());
        notNegative(side + ".ping-interval", e.getPingInterval());
        positive(side + ".pong-timeout", e.getPongTimeout());
        positive(side + ".handshake-timeout", e.getHandshakeTimeout());
        positive(side + ".close-timeout", e.getCloseTimeout());
        if (size(e.getMaxSendSize()) < 0) {
            reject(side + ".max-send-size", e.getMaxSendSize(), "It must not be negative (0: no bound).");
        }
        if (size(e.getBackpressureLimit()) < 1) {
            reject(side + ".backpressure-limit", e.getBackpressureLimit(), "It must be positive.");
        }
        if (e.getBackpressurePolicy() == null) {
            reject(side + ".backpressure-policy", null, "It must be fail-send or close.");
        }
        String executor = e.getHandlerExecutor();
        if (executor == null || executor.isBlank()) {
            reject(side + ".handler-executor", executor,
                    "It must be loop, virtual, pool or the name of an Executor bean.");
        } else if (WebSocketHandlerExecutor.VIRTUAL.equals(executor)
                && !WebSocketHandlerExecutor.virtualThreadsAvailable()) {
            reject(side + ".handler-executor", executor, "Virtual threads need Java 21 or later and this is Java "
                    + Runtime.version().feature() + "; use 'pool' (handler-pool-size threads) or the name of an"
                    + " Executor bean.");
        }
        notNegative(side + ".handler-pool-size", e.getHandlerPoolSize());
        if (e.getEventLoops() != null && e.getEventLoops() < 0) {
            reject(side + ".event-loops", e.getEventLoops(), "It must not be negative (0: one per core).");
        }
        intSize(side + ".max-header-size", e.getMaxHeaderSize(), 256);
        String bundle = e.getSsl().getBundle();
        if (bundle != null && bundle.isBlank()) {
            reject(side + ".ssl.bundle", bundle, "It must name an SSL bundle (spring.ssl.bundle.*).");
        }
    }

    /** Checks a size that the engine takes as an int; returns it, or -1 after rejecting it. */
    private int intSize(String key, DataSize value, long min) {
        long bytes = size(value);
        if (bytes < min || bytes > Integer.MAX_VALUE) {
            reject(key, value, "It must be " + (min == 0 ? "0" : min + " bytes") + " to 2GB.");
            return -1;
        }
        return (int) bytes;
    }

    private static long size(DataSize value) {
        return value == null ? -1 : value.toBytes();
    }

    private void notNegative(String key, int value) {
        if (value < 0) {
            reject(key, value, "It must not be negative.");
        }
    }

    private void notNegative(String key, Duration value) {
        if (value == null || value.isNegative()) {
            reject(key, value, "It must not be negative (0: off).");
        }
    }

    private void positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            reject(key, value, "It must be positive.");
        }
    }

    /** Records a bad value of {@code key} (kebab case, under {@code websocket.}). */
    private void reject(String key, Object value, String reason) {
        violations.add(new Violation(key, value, reason));
    }

    private void cluster(WebSocketProperties.Cluster cluster) {
        if (cluster.getType() == WebSocketProperties.Cluster.Type.REDIS) {
            ClassLoader loader = getClass().getClassLoader();
            if (!org.springframework.util.ClassUtils.isPresent("dev.seed.websocket.redis.RedisEngine", loader)) {
                reject("cluster.type", "redis", "It needs the module dev.seed.websocket:websocket-redis on the class path.");
            } else if (!org.springframework.util.ClassUtils.isPresent(
                    "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails", loader)) {
                reject("cluster.type", "redis", "It uses the application's Redis connection (spring.data.redis.*): "
                        + "add org.springframework.boot:spring-boot-starter-data-redis.");
            }
        }
        String id = cluster.getInstanceId();
        if (id != null && (id.isEmpty() || id.chars().anyMatch(ch -> ch <= ' ' || ch == '/' || ch == '|'))) {
            reject("cluster.instance-id", id, "It must be non-empty, without spaces, '/' or '|'.");
        }
        String prefix = cluster.getKeyPrefix();
        if (prefix == null || prefix.isEmpty() || prefix.contains(":")) {
            reject("cluster.key-prefix", prefix, "It must be non-empty, without ':'.");
        }
        if (cluster.getPresenceTtl() == null || cluster.getPresenceTtl().compareTo(Duration.ofMillis(300)) < 0) {
            reject("cluster.presence-ttl", cluster.getPresenceTtl(), "It must be at least 300ms.");
        }
        if (cluster.getCommandTimeout() == null || cluster.getCommandTimeout().isNegative()
                || cluster.getCommandTimeout().isZero()) {
            reject("cluster.command-timeout", cluster.getCommandTimeout(), "It must be positive.");
        }
        WebSocketProperties.Cluster.History history = cluster.getHistory();
        if (history.getSize() < 0) {
            reject("cluster.history.size", history.getSize(), "It must be 0 (no history) or more.");
        }
        if (history.getAge() == null || history.getAge().isNegative() || history.getAge().isZero()) {
            reject("cluster.history.age", history.getAge(), "It must be positive.");
        }
        if (history.getTopicPrefix() == null) {
            reject("cluster.history.topic-prefix", null, "It must be set (empty: every topic).");
        }
    }
}
