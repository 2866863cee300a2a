package dev.seed.websocket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks the method of a {@link WsHandler} bean called for each complete binary message. Parameters,
 * in any order: the message as {@code byte[]} (a copy) or {@code ByteBuffer} (valid during the call
 * only), {@link dev.seed.websocket.WebSocketConnection}, {@link dev.seed.websocket.HandshakeRequest}
 * and {@link PathVariable} values. A {@code String}, {@code byte[]} or {@code ByteBuffer} returned is
 * sent back to the peer.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective // AOT: the methods it marks are called by reflection (native images need the hint)
public @interface OnBinary {
}
