package dev.seed.websocket.spring.method;

import dev.seed.websocket.WebSocketConnection;
import java.nio.ByteBuffer;

/**
 * The values one call of a handler method takes its arguments from. {@code last}: whether a part
 * is its message's last; {@code stream}: the message as an InputStream or Reader.
 */
record Invocation(WebSocketConnection connection, String text, ByteBuffer binary, int code, String reason,
        Throwable error, boolean last, Object stream) {

    static Invocation open(WebSocketConnection c) {
        return new Invocation(c, null, null, 0, null, null, true, null);
    }

    static Invocation text(WebSocketConnection c, String text) {
        return new Invocation(c, text, null, 0, null, null, true, null);
    }

    static Invocation binary(WebSocketConnection c, ByteBuffer data) {
        return new Invocation(c, null, data, 0, null, null, true, null);
    }

    static Invocation textPart(WebSocketConnection c, String part, boolean last) {
        return new Invocation(c, part, null, 0, null, null, last, null);
    }

    static Invocation binaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
        return new Invocation(c, null, part, 0, null, null, last, null);
    }

    static Invocation stream(WebSocketConnection c, Object stream) {
        return new Invocation(c, null, null, 0, null, null, true, stream);
    }

    static Invocation close(WebSocketConnection c, int code, String reason) {
        return new Invocation(c, null, null, code, reason, null, true, null);
    }

    static Invocation error(WebSocketConnection c, Throwable error) {
        return new Invocation(c, null, null, 0, null, error, true, null);
    }
}
