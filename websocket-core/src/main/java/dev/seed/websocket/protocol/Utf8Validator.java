package dev.seed.websocket.protocol;

import java.nio.ByteBuffer;

/**
 * Incremental UTF-8 validation (RFC 3629, as RFC 6455 section 8.1 requires), failing at the first
 * invalid byte even across fragment boundaries. This class is not thread safe.
 */
public final class Utf8Validator {

    /** Feeds bytes from position to limit (not consumed); false at the first invalid byte. */
    public boolean feed(ByteBuffer bytes) {
        throw new UnsupportedOperationException("stub");
    }

    /** Whether the bytes fed so far end on a character boundary (no truncated sequence). */
    public boolean isComplete() {
        throw new UnsupportedOperationException("stub");
    }

    /** Forgets all state, for the next message. */
    public void reset() {
        throw new UnsupportedOperationException("stub");
    }

    /** Whether the given bytes are complete, valid UTF-8. */
    public static boolean isValid(byte[] bytes, int offset, int length) {
        throw new UnsupportedOperationException("stub");
    }
}
