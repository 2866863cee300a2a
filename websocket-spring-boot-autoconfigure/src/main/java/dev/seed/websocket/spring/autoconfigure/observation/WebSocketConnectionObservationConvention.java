package dev.seed.websocket.spring.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Name and tags of the observation of a connection (open to close); a bean of this type replaces
 * {@link DefaultWebSocketConnectionObservationConvention}.
 */
public interface WebSocketConnectionObservationConvention extends ObservationConvention<WebSocketObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof WebSocketObservationContext c
                && c.getKind() == WebSocketObservationContext.Kind.CONNECTION;
    }
}
