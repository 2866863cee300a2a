package dev.seed.websocket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method of a {@link WsHandler} bean called when the peer's Close frame arrives (RFC 6455
 * section 5.5.1), before {@link OnClose}: see {@code WebSocketHandler.onClosing}. Parameters as for
 * {@link OnClose}: {@code int} code, {@code String} reason, the connection, the request and path
 * variables. Returns void.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnClosing {
}
