package dev.seed.websocket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks the method of a {@link WsHandler} bean called when a connection opens. Parameters, in any
 * order: {@link dev.seed.websocket.WebSocketConnection}, {@link dev.seed.websocket.HandshakeRequest}
 * and {@link PathVariable} values. A {@code String}, {@code byte[]} or {@code ByteBuffer} returned is
 * sent to the peer.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective // AOT: the methods it marks are called by reflection (native images need the hint)
public @interface OnOpen {
}
