package dev.seed.websocket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks the method of a {@link WsHandler} bean called for each message, in the style of Jakarta
 * WebSocket: the type of the message parameter picks the messages, {@code String} or {@code Reader}
 * for text, {@code byte[]}, {@code ByteBuffer} or {@code InputStream} for binary. A bean may have one
 * text and one binary {@code OnMessage} method. Other parameters and return values are as for
 * {@link OnText}.
 *
 * <p>Three ways to take a message (the same for {@link OnText} and {@link OnBinary}):
 * <ul>
 * <li>whole: {@code String}, {@code byte[]} or {@code ByteBuffer}, within {@code max-message-size};
 * <li>in parts as they arrive: the same types plus a {@code boolean last} parameter, called once
 *     per part (text parts are whole characters; the last part may be empty); returns void;
 * <li>as a stream: an {@code InputStream} or {@code Reader}, called once per message on a thread
 *     of its own that may block, while the connection stops reading whenever 256 KiB wait
 *     unread. What the method does not read is dropped when it returns.
 * </ul>
 * In parts and as a stream, messages are not bounded by {@code max-message-size}: memory stays
 * flat whatever their size.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective // AOT: the methods it marks are called by reflection (native images need the hint)
public @interface OnMessage {
}
