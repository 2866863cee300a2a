package dev.seed.websocket;

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
}
