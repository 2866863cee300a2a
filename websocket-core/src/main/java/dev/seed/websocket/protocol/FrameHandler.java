package dev.seed.websocket.protocol;

import java.nio.ByteBuffer;

/**
 * Receives what {@link FrameDecoder} decodes. Data frames (text, binary, continuation) are
 * streamed: a start, then one or more payload chunks, the last with {@code frameEnd} set (a
 * zero-length frame gets one empty chunk). Control frames arrive whole. Payload buffers are
 * already unmasked (but where the handler asked for a chunk it only copies, below) and only valid
 * during the call.
 */
public interface FrameHandler {

    /**
     * A data frame begins. {@code rsv} is byte 0 masked with {@link WireFormat#B0_MASK_RSV};
     * {@code length} its payload length.
     */
    void onDataFrameStart(int opcode, boolean fin, int rsv, long length) throws ProtocolException;

    /** The next chunk of the current data frame's payload. */
    void onDataFramePayload(ByteBuffer chunk, boolean frameEnd) throws ProtocolException;

    /**
     * Whether the next chunk of the current data frame, {@code frameEnd} if it ends the frame, will
     * only be copied into an array of the handler's: then a masked chunk is given still masked to
     * {@link #onMaskedDataFramePayload}, to be unmasked as it is copied ({@link Masking#maskInto}),
     * one pass over the bytes instead of two. False by default.
     */
    default boolean copiesNextChunk(boolean frameEnd) {
        return false;
    }

    /**
     * The next chunk of the current data frame's payload, still masked with {@code maskKey} (its
     * most significant byte applies to the chunk's first byte); given only when
     * {@link #copiesNextChunk} said so just before, for a masked frame.
     */
    default void onMaskedDataFramePayload(ByteBuffer maskedChunk, int maskKey, boolean frameEnd)
            throws ProtocolException {
        throw new UnsupportedOperationException("copiesNextChunk said false");
    }

    /** A whole control frame (close, ping, pong), payload at most 125 bytes. */
    void onControlFrame(int opcode, int rsv, ByteBuffer payload) throws ProtocolException;
}
