package dev.seed.websocket.conformance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the endpoint under test did, as the wire peer saw it: a whole message (reassembled and
 * decompressed), a ping, a pong, a close frame, or the end of the TCP stream. Equal by content.
 *
 * @param kind what arrived
 * @param payload the message or control payload; for a close, the reason bytes
 * @param code for a close, its status code (1005 when the frame had no payload); else 0
 */
record Event(Kind kind, byte[] payload, int code) {

    enum Kind { TEXT, BINARY, PING, PONG, CLOSE, EOF }

    static Event text(String text) {
        return new Event(Kind.TEXT, text.getBytes(StandardCharsets.UTF_8), 0);
    }

    static Event text(byte[] utf8) {
        return new Event(Kind.TEXT, utf8, 0);
    }

    static Event binary(byte[] bytes) {
        return new Event(Kind.BINARY, bytes, 0);
    }

    static Event pong(byte[] payload) {
        return new Event(Kind.PONG, payload, 0);
    }

    static Event pong(String payload) {
        return pong(payload.getBytes(StandardCharsets.UTF_8));
    }

    static Event close(int code, byte[] reason) {
        return new Event(Kind.CLOSE, reason, code);
    }

    static Event eof() {
        return new Event(Kind.EOF, new byte[0], 0);
    }

    /** The close reason as text. */
    String reason() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e && e.kind == kind && e.code == code && Arrays.equals(e.payload, payload);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(payload) + code;
    }

    @Override
    public String toString() {
        String body = payload.length <= 48 ? HexFormat.of().formatHex(payload)
                : HexFormat.of().formatHex(payload, 0, 24) + "...(" + payload.length + " bytes, hash "
                        + Integer.toHexString(Arrays.hashCode(payload)) + ")";
        return kind + (kind == Kind.CLOSE ? "(" + code + ")" : "") + "[" + body + "]";
    }
}
