package dev.seed.websocket.spring.method;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.HandshakeRequest;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.spring.PathVariable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Set;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.util.ReflectionUtils;

/**
 * One annotated method of a handler bean with the way each of its arguments is found, worked out
 * once when the application starts so that a bad signature fails the start, not the first message.
 * Immutable and thread safe.
 */
final class HandlerMethod {

    /** Finds one argument of a call. */
    @FunctionalInterface
    private interface Argument {
        Object resolve(Invocation invocation);
    }

    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();
    private static final TypeDescriptor STRING = TypeDescriptor.valueOf(String.class);
    private static final String COMMON = "WebSocketConnection, HandshakeRequest and @PathVariable parameters";

    private final Object bean;
    private final Method method;
    private final Event event;
    private final Argument[] arguments;
    /** For {@code @OnError}: the errors this method takes; others do not call it. */
    private final Class<?> errorType;

    private HandlerMethod(Object bean, Method method, Event event, Argument[] arguments,
            Class<?> errorType) {
        this.bean = bean;
        this.method = method;
        this.event = event;
        this.arguments = arguments;
        this.errorType = errorType;
    }

    /**
     * The event an {@code @OnMessage} method is for, from the type of its message parameter: text
     * for {@code String}, binary for {@code byte[]} or {@code ByteBuffer}.
     */
    static Event messageEvent(Method method) {
        Event found = null;
        for (int i = 0; i < method.getParameterCount(); i++) {
            MethodParameter p = new MethodParameter(method, i);
            if (p.hasParameterAnnotation(PathVariable.class)) {
                continue;
            }
            Class<?> type = p.getParameterType();
            Event e = type == String.class ? Event.TEXT
                    : (type == byte[].class || type == ByteBuffer.class) ? Event.BINARY : null;
            if (e != null) {
                if (found != null) {
                    throw new IllegalStateException(describe(method)
                            + " has two message parameters; @OnMessage takes one String, byte[] or ByteBuffer.");
                }
                found = e;
            }
        }
        if (found == null) {
            throw new IllegalStateException(describe(method)
                    + " has no message parameter; @OnMessage needs one String (text), byte[] or ByteBuffer (binary).");
        }
        return found;
    }

    /**
     * Resolves how each parameter of {@code method} is found; throws IllegalStateException naming the
     * method and parameter when one cannot be.
     *
     * @param pathVariables the variables of the route's path template
     */
    static HandlerMethod of(Object bean, Method method, Method invocable, Event event, Set<String> pathVariables,
            String route) {
        Class<?> returnType = method.getReturnType();
        if (returnType != void.class && !(event.canReply() && isReplyType(returnType))) {
            throw new IllegalStateException(describe(method) + " returns " + returnType.getSimpleName() + "; "
                    + event.annotation() + " methods " + (event.canReply()
                            ? "return void, or String, byte[] or ByteBuffer to send to the peer."
                            : "return void."));
        }
        int n = method.getParameterCount();
        Argument[] arguments = new Argument[n];
        boolean messageSeen = false;
        boolean codeSeen = false;
        boolean reasonSeen = false;
        Class<?> errorType = null;
        for (int i = 0; i < n; i++) {
            MethodParameter p = new MethodParameter(method, i);
            p.initParameterNameDiscovery(NAMES);
            Class<?> type = p.getParameterType();
            PathVariable variable = p.getParameterAnnotation(PathVariable.class);
            if (variable != null) {
                arguments[i] = pathVariable(method, p, variable, pathVariables, route);
            } else if (type == WebSocketConnection.class) {
                arguments[i] = Invocation::connection;
            } else if (type == HandshakeRequest.class) {
                arguments[i] = inv -> inv.connection().request();
            } else if (event == Event.TEXT && type == String.class && !messageSeen) {
                messageSeen = true;
                arguments[i] = Invocation::text;
            } else if (event == Event.BINARY && type == ByteBuffer.class && !messageSeen) {
                messageSeen = true;
                arguments[i] = Invocation::binary;
            } else if (event == Event.BINARY && type == byte[].class && !messageSeen) {
                messageSeen = true;
                arguments[i] = inv -> {
                    byte[] copy = new byte[inv.binary().remaining()];
                    inv.binary().duplicate().get(copy);
                    return copy;
                };
            } else if (event == Event.CLOSE && (type == int.class || type == Integer.class) && !codeSeen) {
                codeSeen = true;
                arguments[i] = Invocation::code;
            } else if (event == Event.CLOSE && type == String.class && !reasonSeen) {
                reasonSeen = true;
                arguments[i] = Invocation::reason;
            } else if (event == Event.CLOSE && type == CloseCause.class) {
                arguments[i] = inv -> inv.connection().closeCause();
            } else if (event == Event.ERROR && Throwable.class.isAssignableFrom(type) && errorType == null) {
                errorType = type;
                arguments[i] = Invocation::error;
            } else {
                throw new IllegalStateException("Parameter " + i + " (" + type.getSimpleName() + ") of "
                        + describe(method) + " cannot be resolved: " + event.annotation() + " methods take "
                        + accepted(event) + ".");
            }
        }
        ReflectionUtils.makeAccessible(invocable);
        return new HandlerMethod(bean, invocable, event, arguments, errorType);
    }

    private static Argument pathVariable(Method method, MethodParameter p, PathVariable variable,
            Set<String> pathVariables, String route) {
        String name = variable.value().isEmpty() ? p.getParameterName() : variable.value();
        if (name == null) {
            throw new IllegalStateException("Parameter " + p.getParameterIndex() + " of " + describe(method)
                    + " has @PathVariable without a name and the class was compiled without -parameters:"
                    + " write @PathVariable(\"name\").");
        }
        if (!pathVariables.contains(name)) {
            throw new IllegalStateException("@PathVariable \"" + name + "\" of " + describe(method)
                    + " is not a variable of route " + route + " (its variables: " + pathVariables + ").");
        }
        ConversionService conversion = DefaultConversionService.getSharedInstance();
        TypeDescriptor target = new TypeDescriptor(p);
        if (target.getType() == String.class) {
            return inv -> inv.connection().pathVariable(name);
        }
        if (!conversion.canConvert(STRING, target)) {
            throw new IllegalStateException("@PathVariable \"" + name + "\" of " + describe(method)
                    + " has type " + target.getType().getSimpleName() + ", which a String cannot be converted to.");
        }
        return inv -> conversion.convert(inv.connection().pathVariable(name), STRING, target);
    }

    private static boolean isReplyType(Class<?> type) {
        return type == String.class || type == byte[].class || type == ByteBuffer.class;
    }

    private static String accepted(Event event) {
        return switch (event) {
            case OPEN -> COMMON;
            case TEXT -> "one String (the message), " + COMMON;
            case BINARY -> "one byte[] or ByteBuffer (the message), " + COMMON;
            case CLOSE -> "int (the code), String (the reason), CloseCause, " + COMMON;
            case ERROR -> "one Throwable or a subtype (the error), " + COMMON;
        };
    }

    static String describe(Method method) {
        return method.getDeclaringClass().getName() + "." + method.getName() + "()";
    }

    /** The event this method is bound to. */
    Event event() {
        return event;
    }

    /** The method as declared, for messages. */
    Method method() {
        return method;
    }

    /** Whether this {@code @OnError} method takes {@code error}. */
    boolean accepts(Throwable error) {
        return errorType == null || errorType.isInstance(error);
    }

    /** Calls the method and sends what it returns, if anything. */
    void invoke(Invocation invocation) {
        Object[] args = new Object[arguments.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = arguments[i].resolve(invocation);
        }
        Object result;
        try {
            result = method.invoke(bean, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new HandlerMethodException(method, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot call " + describe(method), e);
        }
        if (result != null) {
            reply(invocation.connection(), result);
        }
    }

    private static void reply(WebSocketConnection c, Object result) {
        if (result instanceof String s) {
            c.sendText(s);
        } else if (result instanceof byte[] b) {
            c.sendBinary(b);
        } else if (result instanceof ByteBuffer b) {
            c.sendBinary(b);
        }
    }
}
