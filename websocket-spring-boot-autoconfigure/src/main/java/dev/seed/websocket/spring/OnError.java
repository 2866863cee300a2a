package dev.seed.websocket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks the method of a {@link WsHandler} bean called when something failed on a connection: a
 * handler method threw (the connection is then closed with 1011), a protocol error, an I/O error.
 * Parameters, in any order: the error as {@code Throwable} or a subtype (the method is called only for
 * errors of that type), {@link dev.seed.websocket.WebSocketConnection},
 * {@link dev.seed.websocket.HandshakeRequest} and {@link PathVariable} values. Must return
 * {@code void}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective // AOT: the methods it marks are called by reflection (native images need the hint)
public @interface OnError {
}
