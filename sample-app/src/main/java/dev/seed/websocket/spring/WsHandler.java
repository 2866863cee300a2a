package dev.seed.websocket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/** TEMPORARY stand-in for the starter's annotation (same contract); removed when the starter lands. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface WsHandler {

    @AliasFor("path")
    String value() default "";

    @AliasFor("value")
    String path() default "";

    String[] subprotocols() default {};
}
