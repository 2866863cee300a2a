package dev.seed.websocket.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a handler method parameter to a variable of the route's path template, e.g. {@code id} of
 * {@code @WsHandler("/rooms/{id}")}. The value is converted to the parameter's type ({@code String},
 * numbers, enums, UUID, ...) with Spring's conversion service.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PathVariable {

    /** The variable's name; empty: the parameter's name (needs compiling with {@code -parameters}). */
    String value() default "";
}
