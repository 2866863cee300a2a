package dev.seed.websocket.protocol;

import java.nio.ByteBuffer;

/** Writes RFC 6455 section 5.2 frame headers. Stateless. */
public final class FrameEncoder {

    private FrameEncoder() {
    }

    /**
     * Writes a frame header at {@code dst}'s position and advances it.
     *
     * @param b0 FIN, RSV and opcode bits of byte 0
     * @param length the payload length (7, 16 or 64 bit form chosen here, the shortest)
     * @param masked whether to set MASK and write {@code maskKey} (big-endian) after the length
     * @return the number of bytes written
     */
    public static int writeHeader(ByteBuffer dst, int b0, long length, boolean masked, int maskKey) {
        throw new UnsupportedOperationException("stub");
    }
}
