package dev.seed.websocket.spring.autoconfigure.observation;

import dev.seed.websocket.CloseCause;
import io.micrometer.common.KeyValues;
import java.util.Locale;

/**
 * {@code websocket.connection}: tagged with the route template and, once ended, the close code and
 * cause (bounded values only); the connection id as a high-cardinality key (spans, not meters).
 */
public class DefaultWebSocketConnectionObservationConvention implements WebSocketConnectionObservationConvention {

    @Override
    public String getName() {
        return "websocket.connection";
    }

    @Override
    public String getContextualName(WebSocketObservationContext context) {
        return "websocket " + context.getRoute();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(WebSocketObservationContext context) {
        CloseCause cause = context.getCloseCause();
        return KeyValues.of("websocket.route", context.getRoute(),
                "websocket.close.code", context.getCloseCode() == 0 ? "none" : Integer.toString(context.getCloseCode()),
                "websocket.close.cause", cause == null ? "none" : cause.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(WebSocketObservationContext context) {
        return KeyValues.of("websocket.connection.id", context.getConnection().id());
    }
}
