package dev.seed.websocket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method of a {@link WsHandler} bean called for each complete message, in the style of
 * Jakarta WebSocket: the type of the message parameter picks the messages, {@code String} for text,
 * {@code byte[]} or {@code ByteBuffer} for binary. A bean may have one text and one binary
 * {@code OnMessage} method. Other parameters and return values are as for {@link OnText}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnMessage {
}
