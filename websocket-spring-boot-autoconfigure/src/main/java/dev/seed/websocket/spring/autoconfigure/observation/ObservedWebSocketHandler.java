package dev.seed.websocket.spring.autoconfigure.observation;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.nio.ByteBuffer;

/**
 * A route's handler, observed: each connection is an observation from onOpen to onClose, and (when
 * asked) each received message's handling is one, in scope while the handler runs, on whatever
 * thread runs it (the event loop or the handler executor): a tracer's current span is the message's
 * there, so the trace context reaches the handler's code. A handler that throws marks its
 * observation with the error. Thread safe.
 */
final class ObservedWebSocketHandler implements WebSocketHandler {

    /** Where a connection's observation is kept. */
    private static final String ATTRIBUTE = ObservedWebSocketHandler.class.getName();

    private final WebSocketHandler delegate;
    private final String route;
    private final ObservationRegistry registry;
    private final WebSocketConnectionObservationConvention connectionConvention;
    private final WebSocketMessageObservationConvention messageConvention;
    private final boolean messages;

    ObservedWebSocketHandler(WebSocketHandler delegate, String route, ObservationRegistry registry,
            WebSocketConnectionObservationConvention connectionConvention,
            WebSocketMessageObservationConvention messageConvention, boolean messages) {
        this.delegate = delegate;
        this.route = route;
        this.registry = registry;
        this.connectionConvention = connectionConvention;
        this.messageConvention = messageConvention;
        this.messages = messages;
    }

    private static final DefaultWebSocketConnectionObservationConvention DEFAULT_CONNECTION =
            new DefaultWebSocketConnectionObservationConvention();
    private static final DefaultWebSocketMessageObservationConvention DEFAULT_MESSAGE =
            new DefaultWebSocketMessageObservationConvention();

    private Observation observation(WebSocketObservationContext context) {
        return context.getKind() == WebSocketObservationContext.Kind.CONNECTION
                ? Observation.createNotStarted(connectionConvention, DEFAULT_CONNECTION, () -> context, registry)
                : Observation.createNotStarted(messageConvention, DEFAULT_MESSAGE, () -> context, registry);
    }

    @Override
    public void onOpen(WebSocketConnection c) {
        Observation connection = observation(new WebSocketObservationContext(
                WebSocketObservationContext.Kind.CONNECTION, route, c, null)).start();
        c.attribute(ATTRIBUTE, connection);
        connection.scoped(() -> delegate.onOpen(c));
    }

    @Override
    public void onClose(WebSocketConnection c, int code, String reason) {
        Observation connection = c.attribute(ATTRIBUTE);
        try {
            delegate.onClose(c, code, reason);
        } finally {
            if (connection != null) {
                ((WebSocketObservationContext) connection.getContext()).closed(code, c.closeCause());
                connection.stop();
            }
        }
    }

    @Override
    public void onError(WebSocketConnection c, Throwable error) {
        Observation connection = c.attribute(ATTRIBUTE);
        if (connection != null) {
            connection.error(error);
        }
        delegate.onError(c, error);
    }

    private void observed(WebSocketConnection c, String type, Runnable call) {
        observed(c, type, false, call);
    }

    private void observed(WebSocketConnection c, String type, boolean part, Runnable call) {
        if (!messages) {
            call.run();
            return;
        }
        Observation connection = c.attribute(ATTRIBUTE);
        WebSocketObservationContext context = new WebSocketObservationContext(
                WebSocketObservationContext.Kind.MESSAGE, route, c, type);
        context.part(part);
        Observation message = observation(context);
        if (connection != null) {
            message.parentObservation(connection);
        }
        message.observe(call);
    }

    @Override
    public void onText(WebSocketConnection c, String text) {
        observed(c, "text", () -> delegate.onText(c, text));
    }

    @Override
    public void onBinary(WebSocketConnection c, ByteBuffer data) {
        observed(c, "binary", () -> delegate.onBinary(c, data));
    }

    @Override
    public boolean receivesParts() {
        return delegate.receivesParts();
    }

    @Override
    public void onTextPart(WebSocketConnection c, String part, boolean last) {
        observed(c, "text", true, () -> delegate.onTextPart(c, part, last));
    }

    @Override
    public void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
        observed(c, "binary", true, () -> delegate.onBinaryPart(c, part, last));
    }

    @Override
    public boolean autoPong() {
        return delegate.autoPong();
    }

    @Override
    public void onPing(WebSocketConnection c, ByteBuffer data) {
        delegate.onPing(c, data);
    }

    @Override
    public void onPong(WebSocketConnection c, ByteBuffer data) {
        delegate.onPong(c, data);
    }

    @Override
    public void onClosing(WebSocketConnection c, int code, String reason) {
        delegate.onClosing(c, code, reason);
    }
}
