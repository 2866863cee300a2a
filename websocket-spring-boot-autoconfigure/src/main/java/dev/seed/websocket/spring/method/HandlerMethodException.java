package dev.seed.websocket.spring.method;

import java.lang.reflect.Method;

/**
 * Carries a checked exception thrown by a handler method through the engine, which then closes the
 * connection with 1011 and passes the original exception to the {@code @OnError} method.
 */
public final class HandlerMethodException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    HandlerMethodException(Method method, Throwable cause) {
        super("Handler method " + method.getDeclaringClass().getSimpleName() + "." + method.getName()
                + " threw " + cause, cause);
    }
}
