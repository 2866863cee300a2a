package dev.seed.websocket.protocol;

import java.nio.ByteBuffer;

/**
 * Where a {@link ProtocolEngine} puts the bytes it wants sent, in order. Implemented by the
 * transport. The engine calls it synchronously from its send and receive methods; the callee
 * owns each buffer after the call (the engine never touches it again) and writes
 * {@code remaining()} bytes of it.
 */
public interface ProtocolOutput {

    /** Queue bytes for the peer. */
    void write(ByteBuffer bytes);

    /**
     * Whether the bytes queued for the peer have piled up: the peer does not read as fast as it
     * makes the engine write. The engine then answers only the most recent of the pings it gets
     * (RFC 6455 section 5.5.3), so that a ping flood cannot grow the queue. Default: never.
     */
    default boolean congested() {
        return false;
    }

    /**
     * The engine is done with the TCP connection: the close handshake completed, or the
     * connection was failed. Per RFC 6455 section 7.1.1 the server closes the TCP connection
     * first, so a server engine calls this right after its close frame is queued; a client
     * engine calls it when it wants the transport to close without waiting any longer.
     * The transport flushes what is queued before it closes.
     */
    void closeTransport();

    /**
     * As {@link #closeTransport()}, after the engine failed the connection (section 7.1.7): the
     * peer may still be writing, so a transport that cannot half-close keeps reading until the
     * peer ends (or the close timer fires) rather than reset a connection whose Close the peer
     * has not read yet.
     */
    default void closeTransportAfterFailure() {
        closeTransport();
    }
}
