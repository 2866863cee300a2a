package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.WebSocketClient;

/**
 * Changes the client's builder after the {@code websocket.client.*} properties are applied.
 * Beans of this type are applied in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface WebSocketClientCustomizer {

    void customize(WebSocketClient.Builder builder);
}
