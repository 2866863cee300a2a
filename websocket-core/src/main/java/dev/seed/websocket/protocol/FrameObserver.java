package dev.seed.websocket.protocol;

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
}
