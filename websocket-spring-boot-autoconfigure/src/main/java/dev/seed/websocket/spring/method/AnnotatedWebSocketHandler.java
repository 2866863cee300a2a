package dev.seed.websocket.spring.method;

import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.spring.OnBinary;
import dev.seed.websocket.spring.OnClose;
import dev.seed.websocket.spring.OnClosing;
import dev.seed.websocket.spring.OnError;
import dev.seed.websocket.spring.OnMessage;
import dev.seed.websocket.spring.OnOpen;
import dev.seed.websocket.spring.OnPing;
import dev.seed.websocket.spring.OnPong;
import dev.seed.websocket.spring.OnText;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * A {@link WebSocketHandler} that calls the annotated methods of a bean ({@link OnOpen},
 * {@link OnText}, {@link OnMessage}, {@link OnBinary}, {@link OnClose}, {@link OnError}), each with
 * the arguments its parameters ask for. Every signature is checked when the handler is made, so a
 * bad one fails the application's start with a message naming the method. Thread safe.
 */
public final class AnnotatedWebSocketHandler implements WebSocketHandler {

    private static final List<Class<? extends Annotation>> ANNOTATIONS =
            List.of(OnOpen.class, OnText.class, OnMessage.class, OnBinary.class, OnPing.class, OnPong.class,
                    OnClosing.class, OnClose.class, OnError.class);
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}/]+)}");

    private final HandlerMethod open;
    private final HandlerMethod text;
    private final HandlerMethod binary;
    private final HandlerMethod ping;
    private final HandlerMethod pong;
    private final HandlerMethod closing;
    private final HandlerMethod close;
    private final HandlerMethod error;

    private AnnotatedWebSocketHandler(Map<Event, HandlerMethod> methods) {
        this.open = methods.get(Event.OPEN);
        this.text = methods.get(Event.TEXT);
        this.binary = methods.get(Event.BINARY);
        this.ping = methods.get(Event.PING);
        this.pong = methods.get(Event.PONG);
        this.closing = methods.get(Event.CLOSING);
        this.close = methods.get(Event.CLOSE);
        this.error = methods.get(Event.ERROR);
    }

    /** Whether {@code type} declares or inherits at least one handler method annotation. */
    public static boolean hasHandlerMethods(Class<?> type) {
        return !handlerMethods(type).isEmpty();
    }

    /**
     * Makes the handler of {@code bean} on {@code route}; throws IllegalStateException naming the
     * method when a signature is wrong or two methods claim one event.
     */
    public static AnnotatedWebSocketHandler of(Object bean, String route) {
        Class<?> type = AopUtils.getTargetClass(bean);
        Set<String> variables = pathVariables(route);
        Map<Event, HandlerMethod> bound = new EnumMap<>(Event.class);
        for (Map.Entry<Method, Class<? extends Annotation>> entry : handlerMethods(type).entrySet()) {
            Method method = entry.getKey();
            Event event = entry.getValue() == OnMessage.class ? HandlerMethod.messageEvent(method)
                    : eventOf(entry.getValue());
            Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
            HandlerMethod handlerMethod = HandlerMethod.of(bean, method, invocable, event, variables, route);
            HandlerMethod previous = bound.putIfAbsent(event, handlerMethod);
            if (previous != null) {
                throw new IllegalStateException("Two " + event.annotation() + " methods in " + type.getName() + ": "
                        + previous.method().getName() + "() and " + method.getName()
                        + "(); a handler has one method per event.");
            }
        }
        if (bound.isEmpty()) {
            throw new IllegalStateException(type.getName() + " has no @OnOpen, @OnText, @OnMessage, @OnBinary,"
                    + " @OnPing, @OnPong, @OnClosing, @OnClose or @OnError method.");
        }
        return new AnnotatedWebSocketHandler(bound);
    }

    private static Map<Method, Class<? extends Annotation>> handlerMethods(Class<?> type) {
        return MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<Class<? extends Annotation>>) m -> {
            Class<? extends Annotation> found = null;
            for (Class<? extends Annotation> a : ANNOTATIONS) {
                if (AnnotatedElementUtils.hasAnnotation(m, a)) {
                    if (found != null) {
                        throw new IllegalStateException(HandlerMethod.describe(m) + " has both @"
                                + found.getSimpleName() + " and @" + a.getSimpleName() + "; use one per method.");
                    }
                    found = a;
                }
            }
            return found;
        });
    }

    private static Event eventOf(Class<? extends Annotation> annotation) {
        if (annotation == OnOpen.class) {
            return Event.OPEN;
        }
        if (annotation == OnText.class) {
            return Event.TEXT;
        }
        if (annotation == OnBinary.class) {
            return Event.BINARY;
        }
        if (annotation == OnPing.class) {
            return Event.PING;
        }
        if (annotation == OnPong.class) {
            return Event.PONG;
        }
        if (annotation == OnClosing.class) {
            return Event.CLOSING;
        }
        if (annotation == OnClose.class) {
            return Event.CLOSE;
        }
        return Event.ERROR;
    }

    /** The variable names of a route template such as {@code /rooms/{id}}. */
    static Set<String> pathVariables(String route) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(route);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Override
    public void onOpen(WebSocketConnection c) {
        if (open != null) {
            open.invoke(Invocation.open(c));
        }
    }

    @Override
    public void onText(WebSocketConnection c, String message) {
        if (text != null) {
            text.invoke(Invocation.text(c, message));
        }
    }

    @Override
    public void onBinary(WebSocketConnection c, ByteBuffer data) {
        if (binary != null) {
            binary.invoke(Invocation.binary(c, data));
        }
    }

    /** An {@code @OnPing} method that returns its answer answers every ping itself (the seed's do_pong). */
    @Override
    public boolean autoPong() {
        return ping == null || !ping.answersPings();
    }

    @Override
    public void onPing(WebSocketConnection c, ByteBuffer data) {
        if (ping == null) {
            return;
        }
        if (ping.answersPings()) {
            ping.invokePing(Invocation.binary(c, data));
        } else {
            ping.invoke(Invocation.binary(c, data));
        }
    }

    @Override
    public void onPong(WebSocketConnection c, ByteBuffer data) {
        if (pong != null) {
            pong.invoke(Invocation.binary(c, data));
        }
    }

    /** Whether a text or binary method takes parts or a stream: then every message comes in parts. */
    @Override
    public boolean receivesParts() {
        return text != null && text.mode() != HandlerMethod.Mode.WHOLE
                || binary != null && binary.mode() != HandlerMethod.Mode.WHOLE;
    }

    @Override
    public void onTextPart(WebSocketConnection c, String part, boolean last) {
        if (text == null) {
            return;
        }
        switch (text.mode()) {
            case PARTS -> text.invoke(Invocation.textPart(c, part, last));
            case STREAM -> ConnectionMessages.of(c).textStreamPart(c, part, last, stream -> readStream(text, c, stream));
            case WHOLE -> {
                String message = ConnectionMessages.of(c).textWholePart(c, part, last);
                if (message != null) {
                    text.invoke(Invocation.text(c, message));
                }
            }
        }
    }

    @Override
    public void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
        if (binary == null) {
            return;
        }
        switch (binary.mode()) {
            case PARTS -> binary.invoke(Invocation.binaryPart(c, part, last));
            case STREAM -> ConnectionMessages.of(c).binaryStreamPart(c, part, last,
                    stream -> readStream(binary, c, stream));
            case WHOLE -> {
                ByteBuffer message = ConnectionMessages.of(c).binaryWholePart(c, part, last);
                if (message != null) {
                    binary.invoke(Invocation.binary(c, message));
                }
            }
        }
    }

    /**
     * Runs a method that reads a message as a stream, on a thread of its own: one that throws
     * closes the connection with 1011 and reaches the {@code @OnError} method, as on the loop.
     */
    private void readStream(HandlerMethod method, WebSocketConnection c, Object stream) {
        try {
            method.invoke(Invocation.stream(c, stream));
        } catch (Throwable t) {
            c.close(CloseCodes.WS_INTERNAL_SERVER_ERROR, "Internal error.");
            onError(c, t);
        }
    }

    @Override
    public void onClosing(WebSocketConnection c, int code, String reason) {
        if (closing != null) {
            closing.invoke(Invocation.close(c, code, reason));
        }
    }

    @Override
    public void onClose(WebSocketConnection c, int code, String reason) {
        ConnectionMessages messages = c.attribute(ConnectionMessages.ATTRIBUTE);
        if (messages != null) {
            messages.closed(c);
        }
        if (close != null) {
            close.invoke(Invocation.close(c, code, reason));
        }
    }

    @Override
    public void onError(WebSocketConnection c, Throwable failure) {
        Throwable cause = failure instanceof HandlerMethodException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (error != null && error.accepts(cause)) {
            error.invoke(Invocation.error(c, cause));
        }
    }
}
