package dev.seed.websocket.protocol.deflate;

import java.util.Arrays;

/**
 * A growable byte array that {@link DeflateEncoder} writes compressed bytes into: the caller owns
 * it and reuses it from message to message (one per event loop), so compressing allocates only
 * when a message needs more room than any before it. This class is not thread safe.
 */
public final class DeflateOutput {

    /** The bytes; {@code [0, size)} are written. Replaced by a larger array when it fills. */
    byte[] buf;
    /** How many bytes are written. */
    int size;

    public DeflateOutput(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** The array holding the output; valid until the next write. */
    public byte[] array() {
        return buf;
    }

    /** How many bytes of {@link #array()} are output. */
    public int size() {
        return size;
    }

    /** Forgets what was written; the array stays. */
    public void clear() {
        size = 0;
    }

    /** Makes room for {@code more} bytes after the written ones. */
    void ensure(int more) {
        int need = size + more;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        }
    }
}
