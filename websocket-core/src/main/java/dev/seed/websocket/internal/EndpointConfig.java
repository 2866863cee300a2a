package dev.seed.websocket.internal;

import dev.seed.websocket.BackpressurePolicy;
import dev.seed.websocket.ClientAuth;
import dev.seed.websocket.FrameListener;
import dev.seed.websocket.protocol.ProtocolConfig;
import dev.seed.websocket.protocol.extension.ExtensionFactory;
import dev.seed.websocket.protocol.extension.Extensions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/** The resolved options shared by server and client connections. Immutable. */
public record EndpointConfig(
        ProtocolConfig protocol,
        List<ExtensionFactory> extensions,
        Duration idleTimeout,
        Duration pingInterval,
        Duration pongTimeout,
        Duration handshakeTimeout,
        Duration closeTimeout,
        boolean tcpNoDelay,
        long backpressureLimit,
        BackpressurePolicy backpressurePolicy,
        long maxSendSize,
        Executor handlerExecutor,
        boolean ownsHandlerExecutor,
        int eventLoops,
        ConnectionListeners connectionListeners,
        FrameListener frameListener,
        int maxHeaderSize,
        Supplier<SSLContext> sslContextSource,
        List<String> tlsProtocols,
        List<String> tlsCipherSuites,
        ClientAuth clientAuth,
        Duration compressionIdleRelease) {

    /**
     * The TLS context for a new connection, or null without TLS: asked again for each, so that a
     * renewed certificate serves new connections while open ones keep theirs.
     */
    public SSLContext sslContext() {
        return sslContextSource == null ? null : sslContextSource.get();
    }

    /** Shuts down the handler executor when the endpoint created it. */
    public void releaseOwnedExecutor() {
        if (ownsHandlerExecutor && handlerExecutor instanceof java.util.concurrent.ExecutorService e) {
            e.shutdown();
        }
    }

    /** Resolves extension configuration written in header syntax. */
    public static List<ExtensionFactory> parseExtensions(List<String> elements, int compressionThreshold,
            dev.seed.websocket.CompressionMode mode, int windowBits, int peerWindowBits) {
        if (elements.isEmpty()) {
            return List.of();
        }
        return Extensions.fromConfig(elements, compressionThreshold, mode, windowBits, peerWindowBits);
    }
}
