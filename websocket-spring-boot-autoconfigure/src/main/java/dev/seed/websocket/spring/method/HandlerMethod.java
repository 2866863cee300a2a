package dev.seed.websocket.spring.method;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.HandshakeRequest;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.spring.PathVariable;
import java.io.InputStream;
import java.io.Reader;
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

    /** How a message method takes its message. */
    enum Mode {
        /** The whole message: {@code String}, {@code byte[]} or {@code ByteBuffer}. */
        WHOLE,
        /** Each part as it arrives, with {@code boolean last}. */
        PARTS,
        /** The message as an {@code InputStream} or {@code Reader}, read on a thread of its own. */
        STREAM
    }

    private final Object bean;
    private final Method method;
    private final Event event;
    private final Mode mode;
    private final Argument[] arguments;
    /** For {@code @OnError}: the errors this method takes; others do not call it. */
    private final Class<?> errorType;

    private HandlerMethod(Object bean, Method method, Event event, Mode mode, Argument[] arguments,
            Class<?> errorType) {
        this.bean = bean;
        this.method = method;
        this.event = event;
        this.mode = mode;
        this.arguments = arguments;
        this.errorType = errorType;
    }

    /**
     * The event an {@code @OnMessage} method is for, from the type of its message parameter: text
     * for {@code String} or {@code Reader}, binary for {@code byte[]}, {@code ByteBuffer} or
     * {@code InputStream}.
     */
    static Event messageEvent(Method method) {
        Event found = null;
        for (int i = 0; i < method.getParameterCount(); i++) {
            MethodParameter p = new MethodParameter(method, i);
            if (p.hasParameterAnnotation(PathVariable.class)) {
                continue;
            }
            Class<?> type = p.getParameterType();
            Event e = type == String.class || type == Reader.class ? Event.TEXT
                    : (type == byte[].class || type == ByteBuffer.class || type == InputStream.class) ? Event.BINARY
                    : null;
            if (e != null) {
                if (found != null) {
                    throw new IllegalStateException(describe(method)
                            + " has two message parameters; @OnMessage takes one String, Reader, byte[], ByteBuffer"
                            + " or InputStream.");
                }
                found = e;
            }
        }
        if (found == null) {
            throw new IllegalStateException(describe(method)
                    + " has no message parameter; @OnMessage needs one String or Reader (text), byte[], ByteBuffer"
                    + " or InputStream (binary).");
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
        Mode mode = modeOf(method, event);
        Class<?> returnType = method.getReturnType();
        boolean canReply = event.canReply() && mode != Mode.PARTS;
        boolean pingAnswer = event == Event.PING && (returnType == boolean.class || returnType == Boolean.class
                || returnType == byte[].class || returnType == ByteBuffer.class);
        if (returnType != void.class && !pingAnswer && !(canReply && isReplyType(returnType))) {
            if (event == Event.PING) {
                throw new IllegalStateException(describe(method) + " returns " + returnType.getSimpleName()
                        + "; @OnPing methods return void (the pong is sent as usual), boolean (whether to answer"
                        + " with the ping's payload) or byte[]/ByteBuffer (the pong's payload).");
            }
            throw new IllegalStateException(describe(method) + " returns " + returnType.getSimpleName() + "; "
                    + event.annotation() + " methods " + (canReply
                            ? "return void, or String, byte[] or ByteBuffer to send to the peer."
                            : mode == Mode.PARTS ? "that take parts return void." : "return void."));
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
            } else if (event == Event.TEXT && type == Reader.class && !messageSeen) {
                messageSeen = true;
                arguments[i] = Invocation::stream;
            } else if (event == Event.BINARY && type == InputStream.class && !messageSeen) {
                messageSeen = true;
                arguments[i] = Invocation::stream;
            } else if ((event == Event.PING || event == Event.PONG) && type == ByteBuffer.class && !messageSeen) {
                messageSeen = true;
                arguments[i] = Invocation::binary;
            } else if ((event == Event.PING || event == Event.PONG) && type == byte[].class && !messageSeen) {
                messageSeen = true;
                arguments[i] = inv -> {
                    byte[] copy = new byte[inv.binary().remaining()];
                    inv.binary().duplicate().get(copy);
                    return copy;
                };
            } else if (mode == Mode.PARTS && (type == boolean.class || type == Boolean.class)) {
                arguments[i] = Invocation::last;
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
            } else if ((event == Event.CLOSE || event == Event.CLOSING) && (type == int.class || type == Integer.class)
                    && !codeSeen) {
                codeSeen = true;
                arguments[i] = Invocation::code;
            } else if ((event == Event.CLOSE || event == Event.CLOSING) && type == String.class && !reasonSeen) {
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
        return new HandlerMethod(bean, invocable, event, mode, arguments, errorType);
    }

    /**
     * How a text or binary method takes its message: a {@code Reader} or {@code InputStream}
     * parameter streams it, a {@code boolean} parameter (the {@code last} flag) takes parts.
     */
    private static Mode modeOf(Method method, Event event) {
        if (event != Event.TEXT && event != Event.BINARY) {
            return Mode.WHOLE;
        }
        boolean flag = false;
        boolean stream = false;
        for (Class<?> type : method.getParameterTypes()) {
            flag |= type == boolean.class || type == Boolean.class;
            stream |= type == Reader.class || type == InputStream.class;
        }
        if (flag && stream) {
            throw new IllegalStateException(describe(method) + " takes both a stream and a boolean last flag;"
                    + " take the message as a stream, or in parts with a boolean last, not both.");
        }
        return stream ? Mode.STREAM : flag ? Mode.PARTS : Mode.WHOLE;
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
            case TEXT -> "one String (the message, or a part with a boolean last) or Reader, " + COMMON;
            case BINARY -> "one byte[] or ByteBuffer (the message, or a part with a boolean last) or InputStream, "
                    + COMMON;
            case PING, PONG -> "one ByteBuffer or byte[] (the payload), " + COMMON;
            case CLOSE -> "int (the code), String (the reason), CloseCause, " + COMMON;
            case CLOSING -> "int (the code), String (the reason), " + COMMON;
            case ERROR -> "one Throwable or a subtype (the error), " + COMMON;
        };
    }

    static String describe(Method method) {
        return method.getDeclaringClass().getName() + "." + method.getName() + "()";
    }

    /** How this method takes its message. */
    Mode mode() {
        return mode;
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

    /** Whether this is an {@code @OnPing} method that decides the answer (it returns something). */
    boolean answersPings() {
        return event == Event.PING && method.getReturnType() != void.class;
    }

    /** Calls an {@code @OnPing} method that decides the answer, and sends the pong it asks for. */
    void invokePing(Invocation invocation) {
        Object result = call(invocation);
        WebSocketConnection c = invocation.connection();
        if (result instanceof Boolean answer) {
            if (answer) {
                c.pong(invocation.binary());
            }
        } else if (result instanceof byte[] b) {
            c.pong(ByteBuffer.wrap(b));
        } else if (result instanceof ByteBuffer b) {
            c.pong(b);
        }
    }

    /** Calls the method and sends what it returns, if anything. */
    void invoke(Invocation invocation) {
        Object result = call(invocation);
        if (result != null) {
            reply(invocation.connection(), result);
        }
    }

    private Object call(Invocation invocation) {
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
        return result;
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
