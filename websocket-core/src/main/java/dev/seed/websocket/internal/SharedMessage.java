package dev.seed.websocket.internal;

import dev.seed.websocket.protocol.extension.PerMessageDeflate;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One message sent to many connections (broadcast, topics), encoded once: the payload is UTF-8
 * encoded once and, where the receivers' negotiated compression allows it, compressed once. A
 * server never masks, so every receiver writes the same payload bytes after its own header.
 * Thread safe.
 */
final class SharedMessage {

    final int opcode;
    /** The plain payload; never modified. */
    final ByteBuffer payload;

    SharedMessage(int opcode, ByteBuffer payload) {
        this.opcode = opcode;
        // Sent to connections on every loop, long after a handler that was lent it returned.
        this.payload = LentBuffers.keepable(payload).asReadOnlyBuffer();
    }

    /**
     * The payload compressed standalone at {@link #level}, by window bits (index 8 to 15); an
     * entry is computed once, on first need: receivers whose windows differ get one each.
     */
    private ByteBuffer[] compressed;
    /** Level of {@link #compressed}. */
    private int level;
    /** Whether compressing was tried and did not make the payload smaller. */
    private boolean incompressible;

    /**
     * The payload raw-deflated once with a fresh context and a window of 2^{@code windowBits}
     * bytes (RFC 7692 section 7.2.1, tail removed), shared read-only by every receiver with that
     * window; null when compression does not make it smaller.
     */
    synchronized ByteBuffer compressed(int compressionLevel, int windowBits) {
        if (incompressible) {
            return null;
        }
        if (compressed == null || level != compressionLevel) {
            compressed = new ByteBuffer[16];
            level = compressionLevel;
        }
        ByteBuffer c = compressed[windowBits];
        if (c == null) {
            c = PerMessageDeflate.compressStandalone(payload.duplicate(), compressionLevel, windowBits);
            if (c.remaining() >= payload.remaining()) {
                incompressible = true;
                return null;
            }
            c = c.asReadOnlyBuffer();
            compressed[windowBits] = c;
        }
        return c.duplicate();
    }

    CompletableFuture<Void> sendTo(WsConnection c) {
        return c.sendShared(this);
    }
}
