package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.WebSocketServer;

/**
 * Changes the server's builder after the {@code websocket.server.*} properties and the
 * {@code @WsHandler} routes are applied: interceptors, accept filters, extra routes, listeners.
 * Beans of this type are applied in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface WebSocketServerCustomizer {

    void customize(WebSocketServer.Builder builder);
}
