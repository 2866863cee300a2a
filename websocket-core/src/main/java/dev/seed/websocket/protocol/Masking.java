package dev.seed.websocket.protocol;

import java.nio.ByteBuffer;

/** RFC 6455 section 5.3 masking, in place, 8 bytes at a time. Stateless. */
public final class Masking {

    private Masking() {
    }

    /**
     * XORs bytes from {@code buf}'s position to its limit with the 4-byte {@code maskKey}
     * (big-endian: the first key byte is the most significant), where the byte at
     * {@code position} is byte {@code payloadOffset} of the frame payload. Heap or direct.
     * Does not move position or limit.
     */
    public static void mask(ByteBuffer buf, int maskKey, long payloadOffset) {
        throw new UnsupportedOperationException("stub");
    }
}
