package dev.seed.websocket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks the method of a {@link WsHandler} bean called for each pong (RFC 6455 section 5.5.3: an
 * answer to a ping, or unsolicited). Parameters as for {@link OnPing}; returns void.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective // AOT: the methods it marks are called by reflection (native images need the hint)
public @interface OnPong {
}
