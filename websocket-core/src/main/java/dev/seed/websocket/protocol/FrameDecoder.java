package dev.seed.websocket.protocol;

import java.nio.ByteBuffer;

/**
 * Incremental decoder of RFC 6455 section 5.2 frames. This class is not thread safe.
 */
public final class FrameDecoder {

    /**
     * @param role the role of the endpoint that decodes: a SERVER decoder requires masked
     *     frames, a CLIENT decoder refuses them (section 5.1)
     * @param maxFramePayload frames longer than this fail with 1009 before any payload is read
     */
    public FrameDecoder(Role role, long maxFramePayload) {
        throw new UnsupportedOperationException("stub");
    }

    /** Sets the RSV bits that negotiated extensions own; others fail with 1002. */
    public void allowReservedBits(int rsvMask) {
        throw new UnsupportedOperationException("stub");
    }

    /**
     * Decodes as much of {@code in} as possible, consuming all of it; unmasks in place.
     * After an exception the decoder is corrupt and discards all further input.
     */
    public void decode(ByteBuffer in, FrameHandler handler) throws ProtocolException {
        throw new UnsupportedOperationException("stub");
    }
}
