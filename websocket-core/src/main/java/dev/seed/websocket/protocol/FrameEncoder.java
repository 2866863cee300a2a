package dev.seed.websocket.protocol;

import static dev.seed.websocket.protocol.WireFormat.B1_FLAG_MASK;
import static dev.seed.websocket.protocol.WireFormat.PAYLOAD_BYTE_MAX;
import static dev.seed.websocket.protocol.WireFormat.PAYLOAD_LONG;
import static dev.seed.websocket.protocol.WireFormat.PAYLOAD_SHORT;
import static dev.seed.websocket.protocol.WireFormat.PAYLOAD_SHORT_MAX;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/** Writes RFC 6455 section 5.2 frame headers. Stateless. */
public final class FrameEncoder {

    private FrameEncoder() {
    }

    /**
     * Writes a frame header at {@code dst}'s position and advances it.
     *
     * <p>Multi-byte fields are written big-endian ("network byte order", section 5.2) whatever
     * {@code dst}'s byte order setting. When {@code dst} has too little room, nothing is written.
     *
     * @param b0 FIN, RSV and opcode bits of byte 0
     * @param length the payload length (7, 16 or 64 bit form chosen here, the shortest)
     * @param masked whether to set MASK and write {@code maskKey} (big-endian) after the length
     * @return the number of bytes written
     * @throws IllegalArgumentException if {@code length} is negative
     * @throws BufferOverflowException if {@code dst} has fewer than
     *     {@link WireFormat#headerLength} bytes remaining
     */
    public static int writeHeader(ByteBuffer dst, int b0, long length, boolean masked, int maskKey) {
        if (length < 0) {
            throw new IllegalArgumentException("length < 0: " + length);
        }
        int size = WireFormat.headerLength(length, masked);
        if (dst.remaining() < size) {
            throw new BufferOverflowException();
        }
        int maskBit = masked ? B1_FLAG_MASK : 0;
        dst.put((byte) b0);
        // Section 5.2: "The length of the "Payload data", in bytes: if 0-125, that is the payload
        // length. If 126, the following 2 bytes interpreted as a 16-bit unsigned integer are the
        // payload length. If 127, the following 8 bytes interpreted as a 64-bit unsigned integer
        // (the most significant bit MUST be 0) are the payload length."
        if (length <= PAYLOAD_BYTE_MAX) {
            dst.put((byte) (maskBit | length));
        } else if (length <= PAYLOAD_SHORT_MAX) {
            dst.put((byte) (maskBit | PAYLOAD_SHORT));
            dst.put((byte) (length >>> 8));
            dst.put((byte) length);
        } else {
            dst.put((byte) (maskBit | PAYLOAD_LONG));
            for (int shift = 56; shift >= 0; shift -= 8) {
                dst.put((byte) (length >>> shift));
            }
        }
        if (masked) {
            dst.put((byte) (maskKey >>> 24));
            dst.put((byte) (maskKey >>> 16));
            dst.put((byte) (maskKey >>> 8));
            dst.put((byte) maskKey);
        }
        return size;
    }
}
