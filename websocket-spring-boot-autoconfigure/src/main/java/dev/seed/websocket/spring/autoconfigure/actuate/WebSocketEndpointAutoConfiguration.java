package dev.seed.websocket.spring.autoconfigure.actuate;

import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.spring.autoconfigure.WebSocketRoutes;
import dev.seed.websocket.spring.autoconfigure.WebSocketServerAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code websocket} Actuator endpoint (routes and open connections per
 * route), when Actuator is present, a WebSocket server exists and the endpoint is exposed
 * ({@code management.endpoints.web.exposure.include=websocket}).
 */
@AutoConfiguration(after = WebSocketServerAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(WebSocketServer.class)
@ConditionalOnAvailableEndpoint(WebSocketEndpoint.class)
public final class WebSocketEndpointAutoConfiguration {

    WebSocketEndpointAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    WebSocketEndpoint webSocketEndpoint(WebSocketServer server, ObjectProvider<WebSocketRoutes> routes) {
        return new WebSocketEndpoint(server, routes.getIfAvailable());
    }
}
