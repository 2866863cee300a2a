package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.WebSocketHandler;
import java.util.List;

/**
 * One route of the server, from a {@code @WsHandler} bean.
 *
 * @param path the path or path template, e.g. {@code /rooms/{id}}
 * @param subprotocols the subprotocols the handler speaks, in preference order
 * @param beanName the handler bean's name
 * @param beanType the handler bean's class (the user class, not a proxy)
 * @param handler what the engine calls: the bean itself, or an adapter of its annotated methods
 */
public record WebSocketRoute(String path, List<String> subprotocols, String beanName, Class<?> beanType,
        WebSocketHandler handler) {

    public WebSocketRoute {
        subprotocols = List.copyOf(subprotocols);
    }
}
