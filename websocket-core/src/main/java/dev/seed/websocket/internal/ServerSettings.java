package dev.seed.websocket.internal;

import dev.seed.websocket.AsyncHandshakeInterceptor;
import dev.seed.websocket.OriginCheck;
import dev.seed.websocket.RefusalFormat;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.protocol.handshake.WebSocketVersion;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Server-only options, resolved. Immutable. */
public record ServerSettings(
        String host,
        int port,
        boolean listen,
        int backlog,
        Router router,
        Set<String> allowedOrigins,
        boolean requireOrigin,
        boolean sameOriginOnly,
        AsyncHandshakeInterceptor interceptor,
        Duration interceptorTimeout,
        int maxConnections,
        int maxConnectionsPerAddress,
        Duration maxLifetime,
        Predicate<InetSocketAddress> acceptFilter,
        Predicate<SocketChannel> socketFilter,
        ServerSocketChannel channel,
        Set<WebSocketVersion> versions,
        List<Tick> ticks,
        List<Consumer<WebSocketServer>> shutdownHooks,
        RefusalFormat refusalFormat,
        OriginCheck originCheck,
        Duration originCheckTimeout,
        ClusterSettings cluster) {

    /** A periodic task of the server (the seed's on_tick): once per period, given the server. */
    public record Tick(Duration every, Consumer<WebSocketServer> task) {
    }
}
