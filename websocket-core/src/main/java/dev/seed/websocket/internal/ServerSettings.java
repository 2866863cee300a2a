package dev.seed.websocket.internal;

import dev.seed.websocket.HandshakeInterceptor;
import dev.seed.websocket.protocol.handshake.WebSocketVersion;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Server-only options, resolved. Immutable. */
public record ServerSettings(
        String host,
        int port,
        int backlog,
        Router router,
        Set<String> allowedOrigins,
        boolean requireOrigin,
        HandshakeInterceptor interceptor,
        int maxConnections,
        int maxConnectionsPerAddress,
        Duration maxLifetime,
        Predicate<InetSocketAddress> acceptFilter,
        Set<WebSocketVersion> versions,
        List<Tick> ticks) {

    /** A periodic task on the server's loops (the seed's on_tick). */
    public record Tick(Duration every, Runnable task) {
    }
}
