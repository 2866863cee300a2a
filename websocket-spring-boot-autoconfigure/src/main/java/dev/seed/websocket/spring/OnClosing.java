package dev.seed.websocket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks the method of a {@link WsHandler} bean called when the peer's Close frame arrives (RFC 6455
 * section 5.5.1), before {@link OnClose}: see {@code WebSocketHandler.onClosing}. Parameters as for
 * {@link OnClose}: {@code int} code, {@code String} reason, the connection, the request and path
 * variables. Returns void.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective // AOT: the methods it marks are called by reflection (native images need the hint)
public @interface OnClosing {
}
