package dev.seed.websocket.protocol.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Literal wire bytes for the handshake tests: ISO-8859-1, one char per byte. */
final class Wire {

    private Wire() {
    }

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String string(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return new String(a, StandardCharsets.ISO_8859_1);
    }

    static String string(byte[] a) {
        return new String(a, StandardCharsets.ISO_8859_1);
    }
}
