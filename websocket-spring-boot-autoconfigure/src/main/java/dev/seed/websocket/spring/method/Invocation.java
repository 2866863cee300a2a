package dev.seed.websocket.spring.method;

import dev.seed.websocket.WebSocketConnection;
import java.nio.ByteBuffer;

/** The values one call of a handler method takes its arguments from. */
record Invocation(WebSocketConnection connection, String text, ByteBuffer binary, int code, String reason,
        Throwable error) {

    static Invocation open(WebSocketConnection c) {
        return new Invocation(c, null, null, 0, null, null);
    }

    static Invocation text(WebSocketConnection c, String text) {
        return new Invocation(c, text, null, 0, null, null);
    }

    static Invocation binary(WebSocketConnection c, ByteBuffer data) {
        return new Invocation(c, null, data, 0, null, null);
    }

    static Invocation close(WebSocketConnection c, int code, String reason) {
        return new Invocation(c, null, null, code, reason, null);
    }

    static Invocation error(WebSocketConnection c, Throwable error) {
        return new Invocation(c, null, null, 0, null, error);
    }
}
