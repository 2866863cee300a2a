package dev.seed.websocket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks the method of a {@link WsHandler} bean called once when a connection has closed. Parameters,
 * in any order: {@link dev.seed.websocket.WebSocketConnection}, the close code as {@code int} (1005
 * when the peer sent none, 1006 when the connection ended without a close frame), the reason as
 * {@code String}, the {@link dev.seed.websocket.CloseCause}, {@link dev.seed.websocket.HandshakeRequest}
 * and {@link PathVariable} values. Must return {@code void}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective // AOT: the methods it marks are called by reflection (native images need the hint)
public @interface OnClose {
}
