package dev.seed.websocket.internal;

import dev.seed.websocket.transport.EventLoop;
import java.nio.ByteBuffer;

/**
 * The buffer ownership rule of the engine, in one place. A handler running on its event loop is
 * lent the loop's own memory: {@code onBinary}, {@code onPing} and {@code onPong} get slices of the
 * loop's read buffer (or TLS plaintext buffer), which the next read overwrites. Everything the
 * engine hands over otherwise (a message assembled from fragments or inflated, a control payload
 * that arrived split, anything given to a handler executor) is a fresh heap buffer that is never
 * reused. So while a lending call runs ({@link EventLoop#lending()}), a direct buffer passed on to
 * something that outlives the call (a send queued for any connection on any loop, a broadcast, a
 * publish) is copied here; anything else is kept as a view, as the send API documents.
 */
final class LentBuffers {

    private LentBuffers() {
    }

    /** A buffer that a queued send may keep until it is written: {@code data} itself or a copy. */
    static ByteBuffer keepable(ByteBuffer data) {
        if (data.isDirect() && EventLoop.lending()) {
            return copy(data);
        }
        return data.duplicate();
    }

    /** A heap copy of the remaining bytes of {@code data}; its position is not moved. */
    static ByteBuffer copy(ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data.duplicate()).flip();
        return copy;
    }

    /** A heap buffer with the remaining bytes of {@code held} then those of {@code more} (consumed). */
    static ByteBuffer append(ByteBuffer held, ByteBuffer more) {
        ByteBuffer joined = ByteBuffer.allocate(held.remaining() + more.remaining());
        joined.put(held).put(more).flip();
        return joined;
    }
}
