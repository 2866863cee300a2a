package dev.seed.websocket.spring.autoconfigure.actuate;

import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.spring.autoconfigure.WebSocketServerAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code websocket} health contributor, when Spring Boot's health support
 * is present and a WebSocket server exists, and of {@code websocketCluster}, the reachability of its
 * cluster broker. Off with {@code management.health.websocket.enabled=false} (and
 * {@code management.health.websocket-cluster.enabled=false}).
 */
@AutoConfiguration(after = WebSocketServerAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(WebSocketServer.class)
@ConditionalOnEnabledHealthIndicator("websocket")
public final class WebSocketHealthContributorAutoConfiguration {

    WebSocketHealthContributorAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean(name = "websocketHealthIndicator")
    WebSocketHealthIndicator websocketHealthIndicator(WebSocketServer server) {
        return new WebSocketHealthIndicator(server);
    }

    @Bean
    @ConditionalOnMissingBean(name = "websocketClusterHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("websocket-cluster")
    WebSocketClusterHealthIndicator websocketClusterHealthIndicator(WebSocketServer server) {
        return new WebSocketClusterHealthIndicator(server);
    }
}
