package dev.seed.websocket;

import java.nio.ByteBuffer;

/**
 * Sees every frame a connection sends and receives: for debugging and wire logging. Called on the
 * event loop; must be fast.
 */
@FunctionalInterface
public interface FrameListener {

    /**
     * @param inbound whether the frame was received (else sent)
     * @param opcode the frame's opcode
     * @param fin whether FIN is set
     * @param rsv the RSV bits (byte 0 masked with 0x70)
     * @param length the payload length on the wire
     */
    void onFrame(WebSocketConnection c, boolean inbound, int opcode, boolean fin, int rsv, long length);

    /**
     * Whether this listener also wants each frame's payload ({@link #onPayload}), the seed's
     * on_recv/on_send: asked once per connection. Default false: no cost on the data path.
     */
    default boolean wantsPayload() {
        return false;
    }

    /**
     * The payload of the frame {@link #onFrame} announced: as on the wire but unmasked (still
     * compressed when RSV1 is set), in one or more chunks in order, {@code frameEnd} on the last
     * one (possibly empty). A view valid during the call: copy what you keep.
     */
    default void onPayload(WebSocketConnection c, boolean inbound, ByteBuffer chunk, boolean frameEnd) {
    }
}
