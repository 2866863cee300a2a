package dev.seed.websocket.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * RFC 6455 section 5.3 masking, in place, 8 bytes at a time. Stateless.
 *
 * <p>Section 5.3: "Octet i of the transformed data ("transformed-octet-i") is the XOR of octet i
 * of the original data ("original-octet-i") with octet at index i modulo 4 of the masking key
 * ("masking-key-octet-j")". Masking and unmasking are the same operation.
 */
public final class Masking {

    /** Reads and writes 8 bytes of a {@code byte[]} as one big-endian long. */
    private static final VarHandle LONG_BIG_ENDIAN =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Masking() {
    }

    /**
     * XORs bytes from {@code buf}'s position to its limit with the 4-byte {@code maskKey}
     * (big-endian: the first key byte is the most significant), where the byte at
     * {@code position} is byte {@code payloadOffset} of the frame payload. Heap or direct.
     * Does not move position or limit.
     *
     * @throws java.nio.ReadOnlyBufferException if {@code buf} is read-only and not empty
     */
    public static void mask(ByteBuffer buf, int maskKey, long payloadOffset) {
        int i = buf.position();
        int end = buf.limit();
        int key = alignKey(maskKey, payloadOffset);
        if (end - i >= Long.BYTES) {
            long key64 = ((long) key << 32) | (key & 0xFFFF_FFFFL);
            // getLong/putLong follow the buffer's byte order: lay the key out the same way.
            if (buf.order() == ByteOrder.LITTLE_ENDIAN) {
                key64 = Long.reverseBytes(key64);
            }
            for (int last = end - Long.BYTES; i <= last; i += Long.BYTES) {
                buf.putLong(i, buf.getLong(i) ^ key64);
            }
        }
        // A multiple of 8 bytes was done: the tail starts again at key byte 0.
        for (; i < end; i++) {
            buf.put(i, (byte) (buf.get(i) ^ (key >>> 24)));
            key = Integer.rotateLeft(key, 8);
        }
    }

    /**
     * XORs {@code a[off .. off + len)} with the 4-byte {@code maskKey} (big-endian), where
     * {@code a[off]} is byte {@code payloadOffset} of the frame payload.
     */
    public static void mask(byte[] a, int off, int len, int maskKey, long payloadOffset) {
        Objects.checkFromIndexSize(off, len, a.length);
        int i = off;
        int end = off + len;
        int key = alignKey(maskKey, payloadOffset);
        if (len >= Long.BYTES) {
            long key64 = ((long) key << 32) | (key & 0xFFFF_FFFFL);
            for (int last = end - Long.BYTES; i <= last; i += Long.BYTES) {
                LONG_BIG_ENDIAN.set(a, i, (long) LONG_BIG_ENDIAN.get(a, i) ^ key64);
            }
        }
        for (; i < end; i++) {
            a[i] = (byte) (a[i] ^ (key >>> 24));
            key = Integer.rotateLeft(key, 8);
        }
    }

    /**
     * Unmasks while copying: writes the bytes of {@code src} from its position to its limit, XORed
     * with {@code maskKey} (its most significant byte applies to the first of them), to
     * {@code dst} from {@code off}. One pass where masking in place and then copying take two.
     * Heap or direct; does not move {@code src}'s position.
     */
    public static void maskInto(ByteBuffer src, byte[] dst, int off, int maskKey) {
        int i = src.position();
        int len = src.limit() - i;
        Objects.checkFromIndexSize(off, len, dst.length);
        int o = off;
        int end = off + len;
        if (len >= Long.BYTES) {
            long key64 = ((long) maskKey << 32) | (maskKey & 0xFFFF_FFFFL);
            // read in the buffer's byte order, write big-endian: turn what was read big-endian first
            boolean little = src.order() == ByteOrder.LITTLE_ENDIAN;
            for (int last = end - Long.BYTES; o <= last; o += Long.BYTES, i += Long.BYTES) {
                long v = src.getLong(i);
                LONG_BIG_ENDIAN.set(dst, o, (little ? Long.reverseBytes(v) : v) ^ key64);
            }
        }
        int key = maskKey;
        for (; o < end; o++, i++) {
            dst[o] = (byte) (src.get(i) ^ (key >>> 24));
            key = Integer.rotateLeft(key, 8);
        }
    }

    /** The key rotated so that its most significant byte applies to payload byte {@code payloadOffset}. */
    static int alignKey(int maskKey, long payloadOffset) {
        return Integer.rotateLeft(maskKey, 8 * (int) (payloadOffset & 3));
    }
}
