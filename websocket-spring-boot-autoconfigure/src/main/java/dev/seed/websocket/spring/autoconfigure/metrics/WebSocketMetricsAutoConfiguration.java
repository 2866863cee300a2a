package dev.seed.websocket.spring.autoconfigure.metrics;

import dev.seed.websocket.ConnectionListener.Side;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.spring.autoconfigure.WebSocketClientCustomizer;
import dev.seed.websocket.spring.autoconfigure.WebSocketProperties;
import dev.seed.websocket.spring.autoconfigure.WebSocketServerCustomizer;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of WebSocket meters: only when Micrometer is on the class path and a
 * {@link MeterRegistry} bean exists (it runs after Spring Boot's metrics auto-configuration made
 * one). Adds the {@link WebSocketMetrics} listener to the server and the client; the engine itself
 * never sees Micrometer.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, WebSocketServer.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "websocket.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WebSocketProperties.class)
public final class WebSocketMetricsAutoConfiguration {

    WebSocketMetricsAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    WebSocketMetrics webSocketMetrics(WebSocketProperties properties) {
        return new WebSocketMetrics(properties.getMetrics().getCloseCodes());
    }

    @Bean
    WebSocketServerCustomizer webSocketServerMetricsCustomizer(WebSocketMetrics metrics) {
        return builder -> builder.connectionListener(metrics.listener(Side.SERVER));
    }

    @Bean
    @ConditionalOnMissingBean
    ClusterMeters webSocketClusterMeters() {
        return new ClusterMeters();
    }

    @Bean
    WebSocketServerCustomizer webSocketServerClusterMetricsCustomizer(ClusterMeters meters) {
        return builder -> builder.clusterListener(meters);
    }

    @Bean
    WebSocketClientCustomizer webSocketClientMetricsCustomizer(WebSocketMetrics metrics) {
        return builder -> builder.connectionListener(metrics.listener(Side.CLIENT));
    }
}
