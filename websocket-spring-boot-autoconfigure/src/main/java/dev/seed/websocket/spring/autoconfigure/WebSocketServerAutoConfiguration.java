package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.AsyncHandshakeInterceptor;
import dev.seed.websocket.HandshakeInterceptor;
import dev.seed.websocket.OriginCheck;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.cluster.Broker;
import dev.seed.websocket.cluster.PresenceManager;
import dev.seed.websocket.spring.WsHandler;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the WebSocket server: the servlet web server's port (Tomcat, Jetty, while
 * {@code websocket.server.port} is unset) or its own, one route per {@link WsHandler} bean,
 * options from {@code websocket.server.*}, then {@link WebSocketServerCustomizer} beans; started
 * and stopped by {@link WebSocketServerLifecycle}. Without a {@code @WsHandler} bean, or with
 * {@code websocket.server.enabled=false}, no server is made and no port opened. Every bean backs
 * off when the application defines its own.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnClass(WebSocketServer.class)
@ConditionalOnBooleanProperty(name = "websocket.server.enabled", matchIfMissing = true)
@ConditionalOnBean(annotation = WsHandler.class)
@EnableConfigurationProperties(WebSocketProperties.class)
@Import(WebSocketServletHostingConfiguration.class)
public final class WebSocketServerAutoConfiguration {

    /** Name of the bean that holds the server's handler executor. */
    public static final String HANDLER_EXECUTOR_BEAN = "webSocketServerHandlerExecutor";

    WebSocketServerAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    WebSocketRoutes webSocketRoutes(ListableBeanFactory beanFactory) {
        return WebSocketRoutes.from(beanFactory);
    }

    @Bean(HANDLER_EXECUTOR_BEAN)
    @ConditionalOnMissingBean(name = HANDLER_EXECUTOR_BEAN)
    WebSocketHandlerExecutor webSocketServerHandlerExecutor(WebSocketProperties properties,
            ListableBeanFactory beanFactory, Environment environment) {
        return WebSocketHandlerExecutor.resolve("server", properties.getServer(), beanFactory, environment);
    }

    @Bean
    @ConditionalOnMissingBean
    WebSocketServer webSocketServer(WebSocketProperties properties, WebSocketRoutes routes,
            @Qualifier(HANDLER_EXECUTOR_BEAN) WebSocketHandlerExecutor handlerExecutor,
            ObjectProvider<SslBundles> sslBundles, ObjectProvider<WebSocketServerCustomizer> customizers,
            ObjectProvider<OriginCheck> originCheck, ObjectProvider<WebSocketHandlerDecorator> decorators,
            ObjectProvider<Broker> broker, ObjectProvider<PresenceManager> presence,
            ObjectProvider<WebSocketHosting> hosting, ObjectProvider<HandshakeInterceptor> interceptor,
            ObjectProvider<AsyncHandshakeInterceptor> asyncInterceptor) {
        WebSocketServer.Builder builder = WebSocketServer.builder();
        BuilderConfigurer.server(builder, properties.getServer(), handlerExecutor, sslBundles.getIfAvailable());
        if (hosting.getIfAvailable() != null) {
            builder.listen(false); // the web server's port: see WebSocketServletHostingConfiguration
            // The web application's cookies authenticate the handshake there: without an
            // allowed-origins list, only the application's own pages may open a connection.
            builder.sameOriginOnly(true);
        }
        cluster(builder, properties.getCluster(), broker.getIfUnique(), presence.getIfUnique());
        originCheck.ifUnique(builder::originCheck); // an OriginCheck bean decides on origins after the allow-list
        // a HandshakeInterceptor bean (or an AsyncHandshakeInterceptor for one that does I/O) sees each upgrade
        interceptor.ifUnique(builder::interceptor);
        asyncInterceptor.ifUnique(builder::asyncInterceptor);
        for (WebSocketRoute route : routes.routes()) {
            try {
                dev.seed.websocket.WebSocketHandler handler = route.handler();
                for (WebSocketHandlerDecorator d : decorators.orderedStream().toList()) {
                    handler = d.decorate(route.path(), handler);
                }
                builder.route(route.path(), handler, route.subprotocols());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("@WsHandler bean '" + route.beanName() + "' has an invalid path "
                        + route.path() + ": " + e.getMessage(), e);
            }
        }
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }

    /**
     * A Broker bean (the Redis cluster's, or the application's own) carries topics, user sends and
     * broadcasts; without one, the in-memory broker keeps the configured history.
     */
    private static void cluster(WebSocketServer.Builder builder, WebSocketProperties.Cluster cluster, Broker broker,
            PresenceManager presence) {
        if (cluster.getInstanceId() != null) {
            builder.instanceId(cluster.getInstanceId());
        }
        if (broker != null) {
            builder.broker(broker);
        } else {
            builder.history(cluster.getHistory().policy());
        }
        if (presence != null) {
            builder.presence(presence);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    WebSocketServerLifecycle webSocketServerLifecycle(WebSocketServer server, WebSocketProperties properties,
            ApplicationEventPublisher events, Environment environment, ObjectProvider<WebSocketHosting> hosting) {
        return new WebSocketServerLifecycle(server, properties.getServer().getShutdownGrace(),
                properties.getServer().listenPort(), events,
                environment instanceof ConfigurableEnvironment c ? c : null, hosting.getIfAvailable());
    }
}
