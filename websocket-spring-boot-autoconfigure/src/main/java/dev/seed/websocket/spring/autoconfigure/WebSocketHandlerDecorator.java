package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.WebSocketHandler;

/**
 * Wraps the handler of each {@code @WsHandler} route before the server is built (observation,
 * tracing, an application's own concerns). Beans of this type are applied in order.
 */
@FunctionalInterface
public interface WebSocketHandlerDecorator {

    /** The handler to serve {@code route} (a path template such as {@code /rooms/{id}}) with. */
    WebSocketHandler decorate(String route, WebSocketHandler handler);
}
