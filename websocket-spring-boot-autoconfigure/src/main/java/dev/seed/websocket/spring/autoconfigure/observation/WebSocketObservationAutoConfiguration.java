package dev.seed.websocket.spring.autoconfigure.observation;

import dev.seed.websocket.spring.autoconfigure.WebSocketHandlerDecorator;
import dev.seed.websocket.spring.autoconfigure.WebSocketProperties;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Observes the {@code @WsHandler} routes when the application has an {@link ObservationRegistry}
 * (Spring Boot makes one with the actuator or Micrometer Tracing): a {@code websocket.connection}
 * observation per connection and, with {@code websocket.observations.messages=true}, a
 * {@code websocket.message} one per received message. {@link WebSocketConnectionObservationConvention}
 * and {@link WebSocketMessageObservationConvention} beans replace the names and tags.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnProperty(prefix = "websocket.observations", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(WebSocketProperties.class)
public final class WebSocketObservationAutoConfiguration {

    @Bean
    WebSocketHandlerDecorator webSocketObservationDecorator(ObservationRegistry registry,
            ObjectProvider<WebSocketConnectionObservationConvention> connectionConvention,
            ObjectProvider<WebSocketMessageObservationConvention> messageConvention, WebSocketProperties properties) {
        WebSocketConnectionObservationConvention connections = connectionConvention.getIfAvailable();
        WebSocketMessageObservationConvention messages = messageConvention.getIfAvailable();
        boolean observeMessages = properties.getObservations().isMessages();
        return (route, handler) -> registry.isNoop() ? handler
                : new ObservedWebSocketHandler(handler, route, registry, connections, messages, observeMessages);
    }
}
