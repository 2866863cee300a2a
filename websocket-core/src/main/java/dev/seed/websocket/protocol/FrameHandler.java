package dev.seed.websocket.protocol;

import java.nio.ByteBuffer;

/**
 * Receives what {@link FrameDecoder} decodes. Data frames (text, binary, continuation) are
 * streamed: a start, then one or more payload chunks, the last with {@code frameEnd} set (a
 * zero-length frame gets one empty chunk). Control frames arrive whole. Payload buffers are
 * already unmasked and only valid during the call.
 */
public interface FrameHandler {

    /**
     * A data frame begins. {@code rsv} is byte 0 masked with {@link WireFormat#B0_MASK_RSV};
     * {@code length} its payload length.
     */
    void onDataFrameStart(int opcode, boolean fin, int rsv, long length) throws ProtocolException;

    /** The next chunk of the current data frame's payload. */
    void onDataFramePayload(ByteBuffer chunk, boolean frameEnd) throws ProtocolException;

    /** A whole control frame (close, ping, pong), payload at most 125 bytes. */
    void onControlFrame(int opcode, int rsv, ByteBuffer payload) throws ProtocolException;
}
