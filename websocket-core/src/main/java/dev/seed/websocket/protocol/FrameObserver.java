package dev.seed.websocket.protocol;

import java.nio.ByteBuffer;

/** Sees every frame an engine decodes or encodes (wire logging). Called on the engine's thread. */
@FunctionalInterface
public interface FrameObserver {

    /**
     * @param inbound whether the frame was received (else sent)
     * @param opcode the opcode
     * @param fin whether FIN is set
     * @param rsv RSV bits (byte 0 masked with 0x70)
     * @param length payload length on the wire
     */
    void onFrame(boolean inbound, int opcode, boolean fin, int rsv, long length);

    /** Whether {@link #onPayload} is wanted (asked once, when the observer is set). */
    default boolean wantsPayload() {
        return false;
    }

    /**
     * The payload of the frame {@link #onFrame} announced, as on the wire but unmasked (compressed
     * when RSV1 says so), in one or more chunks in order: a received data frame comes as it
     * arrives, {@code frameEnd} on its last chunk (possibly empty). A view valid during the call.
     */
    default void onPayload(boolean inbound, ByteBuffer chunk, boolean frameEnd) {
    }
}
