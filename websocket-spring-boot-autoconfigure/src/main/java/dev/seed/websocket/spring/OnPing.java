package dev.seed.websocket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks the method of a {@link WsHandler} bean called for each ping (RFC 6455 section 5.5.2).
 * Parameters, in any order: the payload as {@code ByteBuffer} (valid during the call) or
 * {@code byte[]}, {@link dev.seed.websocket.WebSocketConnection},
 * {@link dev.seed.websocket.HandshakeRequest} and {@link PathVariable} values.
 *
 * <p>What it returns decides the answer (the seed's {@code do_pong}): {@code void}, the pong is
 * sent for it as usual; {@code boolean}, the ping's own payload is sent back when true and
 * nothing when false; {@code byte[]} or {@code ByteBuffer} (at most 125 bytes), that is the pong's
 * payload, and null sends none.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective // AOT: the methods it marks are called by reflection (native images need the hint)
public @interface OnPing {
}
