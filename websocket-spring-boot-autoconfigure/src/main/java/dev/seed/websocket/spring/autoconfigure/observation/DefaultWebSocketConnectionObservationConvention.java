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
                "websocket.close.code", codeTag(context.getCloseCode()),
                "websocket.close.cause", cause == null ? "none" : cause.name().toLowerCase(Locale.ROOT));
    }

    /**
     * The close code as a bounded tag: the registered codes (1000-1015) as themselves, application
     * codes by range (a peer chooses them: 3xxx, 4xxx), anything else "other".
     */
    static String codeTag(int code) {
        if (code == 0) {
            return "none";
        }
        if (code >= 1000 && code <= 1015) {
            return Integer.toString(code);
        }
        if (code >= 3000 && code <= 3999) {
            return "3xxx";
        }
        return code >= 4000 && code <= 4999 ? "4xxx" : "other";
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(WebSocketObservationContext context) {
        return KeyValues.of("websocket.connection.id", context.getConnection().id());
    }
}
