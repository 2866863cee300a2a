package dev.seed.websocket.spring.autoconfigure.observation;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.WebSocketConnection;
import io.micrometer.observation.Observation;

/**
 * What an observation of a WebSocket connection (open to close) or of one message's handling knows:
 * the route template (never the raw path: bounded cardinality), the connection, and for a
 * connection its close code and cause once it ended.
 */
public class WebSocketObservationContext extends Observation.Context {

    /** What is observed. */
    public enum Kind {
        /** A connection, from open to close. */
        CONNECTION,
        /** The handling of one received message (or part of one). */
        MESSAGE
    }

    private final Kind kind;
    private final String route;
    private final WebSocketConnection connection;
    private final String messageType;
    /** Whether a message observation is of one part of a message (streaming handlers). */
    private boolean part;
    private int closeCode;
    private CloseCause closeCause;

    public WebSocketObservationContext(Kind kind, String route, WebSocketConnection connection, String messageType) {
        this.kind = kind;
        this.route = route;
        this.connection = connection;
        this.messageType = messageType;
    }

    public Kind getKind() {
        return kind;
    }

    /** The route's path template, e.g. {@code /rooms/{id}}. */
    public String getRoute() {
        return route;
    }

    public WebSocketConnection getConnection() {
        return connection;
    }

    /** {@code text} or {@code binary} for a message; null for a connection. */
    public String getMessageType() {
        return messageType;
    }

    /** Whether this message observation is of one part of a message, not a whole one. */
    public boolean isPart() {
        return part;
    }

    void part(boolean part) {
        this.part = part;
    }

    /** The close code once a connection ended, else 0. */
    public int getCloseCode() {
        return closeCode;
    }

    /** Why a connection ended, once it did. */
    public CloseCause getCloseCause() {
        return closeCause;
    }

    void closed(int code, CloseCause cause) {
        this.closeCode = code;
        this.closeCause = cause;
    }
}
