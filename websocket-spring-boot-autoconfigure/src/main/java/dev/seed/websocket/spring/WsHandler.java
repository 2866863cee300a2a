package dev.seed.websocket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * Marks a bean as the handler of one WebSocket route. The bean either implements
 * {@link dev.seed.websocket.WebSocketHandler} or declares methods annotated with {@link OnOpen},
 * {@link OnText}, {@link OnMessage}, {@link OnBinary}, {@link OnClose} and {@link OnError}.
 *
 * <pre>{@code
 * @WsHandler("/echo")
 * class Echo implements WebSocketHandler {
 *     public void onText(WebSocketConnection c, String text) { c.sendText(text); }
 * }
 * }</pre>
 *
 * On a class it makes the class a component; on a {@code @Bean} method it marks the bean the method
 * returns. Two handlers on one path fail the application's start.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface WsHandler {

    /** The route: an exact path such as {@code /echo} or a template such as {@code /rooms/{id}}. */
    @AliasFor("path")
    String value() default "";

    /** Alias of {@link #value()}. */
    @AliasFor("value")
    String path() default "";

    /**
     * The subprotocols this handler speaks, in the server's preference order: the first of them
     * that the client's {@code Sec-WebSocket-Protocol} offers is chosen. Empty: none.
     */
    String[] subprotocols() default {};
}
