package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.AbstractEndpointBuilder;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketServer;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/** Maps the bound {@code websocket.*} properties onto the engine's builders. Stateless. */
final class BuilderConfigurer {

    private BuilderConfigurer() {
    }

    /** Applies the server's properties (routes and customizers are the caller's). */
    static void server(WebSocketServer.Builder builder, WebSocketProperties.Server properties,
            WebSocketHandlerExecutor executor, SslBundles sslBundles) {
        shared("server", builder, properties, executor, sslBundles);
        dev.seed.websocket.ClientAuth clientAuth = properties.getSsl().getClientAuth();
        if (clientAuth != null && clientAuth != dev.seed.websocket.ClientAuth.NONE) {
            String bundleName = properties.getSsl().getBundle();
            if (bundleName == null) {
                throw new InvalidConfigurationPropertyValueException("websocket.server.ssl.client-auth", clientAuth,
                        "Client authentication needs TLS: set websocket.server.ssl.bundle too.");
            }
            if (bundle("server", bundleName, sslBundles).getStores().getTrustStore() == null) {
                throw new InvalidConfigurationPropertyValueException("websocket.server.ssl.client-auth", clientAuth,
                        "SSL bundle '" + bundleName + "' has no trust store: say which clients' certificates to"
                                + " trust (its truststore), or the JVM's public CAs would be.");
            }
        }
        builder.clientAuth(clientAuth == null ? dev.seed.websocket.ClientAuth.NONE : clientAuth);
        if (properties.getAddress() != null) {
            builder.host(properties.getAddress().getHostAddress());
        }
        builder.port(properties.listenPort())
                .backlog(properties.getBacklog())
                .allowedOrigins(properties.getAllowedOrigins())
                .requireOrigin(properties.isRequireOrigin())
                .maxConnections(properties.getMaxConnections())
                .maxConnectionsPerAddress(properties.getMaxConnectionsPerAddress())
                .maxLifetime(properties.getMaxLifetime().isZero() ? null : properties.getMaxLifetime())
                .refusalFormat(properties.getRefusalFormat())
                .originCheckTimeout(properties.getOriginCheckTimeout())
                .interceptorTimeout(properties.getInterceptorTimeout())
                .hybiDrafts(properties.getLegacy().isHybiDrafts())
                .hixie76(properties.getLegacy().isHixie76());
    }

    /** Applies the client's properties. */
    static void client(WebSocketClient.Builder builder, WebSocketProperties.Client properties,
            WebSocketHandlerExecutor executor, SslBundles sslBundles) {
        shared("client", builder, properties, executor, sslBundles);
        builder.connectTimeout(properties.getConnectTimeout());
    }

    private static void shared(String side, AbstractEndpointBuilder<?> builder, WebSocketProperties.Endpoint p,
            WebSocketHandlerExecutor executor, SslBundles sslBundles) {
        builder.extensions(p.getExtensions())
                .compressionThreshold((int) p.getCompressionThreshold().toBytes())
                .compressionMode(p.getCompressionMode())
                .compressionWindowBits(p.getCompressionWindowBits())
                .compressionPeerWindowBits(p.getCompressionPeerWindowBits())
                .compressionIdleRelease(p.getCompressionIdleRelease())
                .maxFrameSize(p.getMaxFrameSize().toBytes())
                .maxMessageSize(p.getMaxMessageSize().toBytes())
                .maxFragments(p.getMaxFragments())
                .outgoingFragmentSize((int) p.getOutgoingFragmentSize().toBytes())
                .autoPong(p.isAutoPong())
                .idleTimeout(p.getIdleTimeout())
                .pingInterval(p.getPingInterval())
                .pongTimeout(p.getPongTimeout())
                .handshakeTimeout(p.getHandshakeTimeout())
                .closeTimeout(p.getCloseTimeout())
                .tcpNoDelay(p.isTcpNoDelay())
                .backpressureLimit(p.getBackpressureLimit().toBytes())
                .maxSendSize(p.getMaxSendSize().toBytes())
                .backpressurePolicy(p.getBackpressurePolicy())
                .handlerExecutor(executor.executor())
                .maxHeaderSize((int) p.getMaxHeaderSize().toBytes());
        if (p.getEventLoops() != null) {
            builder.eventLoops(p.getEventLoops());
        }
        String bundleName = p.getSsl().getBundle();
        if (bundleName != null) {
            SslBundle bundle = bundle(side, bundleName, sslBundles);
            // The bundle's context now, and a new one each time the bundle reloads (its files
            // changed, reload-on-update): new connections use it, open ones keep theirs.
            AtomicReference<SSLContext> context = new AtomicReference<>(bundle.createSslContext());
            sslBundles.addBundleUpdateHandler(bundleName, updated -> {
                try {
                    context.set(updated.createSslContext());
                } catch (RuntimeException e) {
                    // keep serving with the context that works; other handlers of the bundle still run
                    System.getLogger(BuilderConfigurer.class.getName()).log(System.Logger.Level.ERROR,
                            "SSL bundle '" + bundleName + "' reloaded but its context cannot be made; "
                                    + "new connections keep the previous certificate", e);
                }
            });
            builder.sslContext(context::get);
            String[] protocols = bundle.getOptions().getEnabledProtocols();
            if (protocols != null && protocols.length > 0) {
                builder.tlsProtocols(protocols);
            }
            String[] ciphers = bundle.getOptions().getCiphers();
            if (ciphers != null && ciphers.length > 0) {
                builder.tlsCipherSuites(ciphers);
            }
        }
    }

    private static SslBundle bundle(String side, String name, SslBundles sslBundles) {
        String key = "websocket." + side + ".ssl.bundle";
        if (sslBundles == null) {
            throw new InvalidConfigurationPropertyValueException(key, name,
                    "There are no SSL bundles (spring.ssl.bundle.*) in this application.");
        }
        try {
            return sslBundles.getBundle(name);
        } catch (NoSuchSslBundleException e) {
            throw new InvalidConfigurationPropertyValueException(key, name,
                    "There is no SSL bundle named '" + name + "'; define it under spring.ssl.bundle.jks." + name
                            + " or spring.ssl.bundle.pem." + name + ".");
        }
    }
}
