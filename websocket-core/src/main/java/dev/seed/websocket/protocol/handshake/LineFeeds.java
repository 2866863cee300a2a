package dev.seed.websocket.protocol.handshake;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the LF that ends a line of a message head (RFC 9112 section 2.2), eight bytes at a time:
 * each eight are read as one little-endian long, and the bytes equal to LF are those that become
 * zero after an XOR with LF in every byte.
 */
final class LineFeeds {

    /** Reads eight bytes of a byte array at any index as a little-endian long. */
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** LF in every byte. */
    private static final long LF = 0x0A0A0A0A0A0A0A0AL;
    /** 0x01 in every byte. */
    private static final long ONES = 0x0101010101010101L;
    /** 0x80 in every byte. */
    private static final long HIGHS = 0x8080808080808080L;

    private LineFeeds() {
    }

    /** The offset from {@code from} of the first LF among {@code n} bytes of {@code a}, or -1. */
    static int indexOf(byte[] a, int from, int n) {
        int i = 0;
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
            long x = (long) LONGS.get(a, from + i) ^ LF;
            // The lowest byte of x that is zero is the lowest byte with its high bit set here (a
            // borrow can only mark bytes above a zero byte).
            long zeros = (x - ONES) & ~x & HIGHS;
            if (zeros != 0) {
                return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
        }
        for (; i < n; i++) {
            if (a[from + i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
