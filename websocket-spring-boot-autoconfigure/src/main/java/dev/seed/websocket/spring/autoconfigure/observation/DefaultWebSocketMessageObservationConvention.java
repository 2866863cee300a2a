package dev.seed.websocket.spring.autoconfigure.observation;

import io.micrometer.common.KeyValues;

/**
 * {@code websocket.message}: tagged with the route template, the message type (text, binary) and
 * whether it is one part of a message (a streaming handler gets one observation per part);
 * the connection id as a high-cardinality key.
 */
public class DefaultWebSocketMessageObservationConvention implements WebSocketMessageObservationConvention {

    @Override
    public String getName() {
        return "websocket.message";
    }

    @Override
    public String getContextualName(WebSocketObservationContext context) {
        return "websocket " + context.getMessageType() + " " + context.getRoute();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(WebSocketObservationContext context) {
        return KeyValues.of("websocket.route", context.getRoute(), "websocket.message.type", context.getMessageType(),
                "websocket.message.part", Boolean.toString(context.isPart()));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(WebSocketObservationContext context) {
        return KeyValues.of("websocket.connection.id", context.getConnection().id());
    }
}
