package dev.seed.websocket.spring.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Name and tags of the observation of one received message's handling; a bean of this type
 * replaces {@link DefaultWebSocketMessageObservationConvention}.
 */
public interface WebSocketMessageObservationConvention extends ObservationConvention<WebSocketObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof WebSocketObservationContext c
                && c.getKind() == WebSocketObservationContext.Kind.MESSAGE;
    }
}
