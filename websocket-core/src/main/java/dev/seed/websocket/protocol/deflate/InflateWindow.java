package dev.seed.websocket.protocol.deflate;

/**
 * The sliding window of a {@link DeflateDecoder} (RFC 1951 section 2: "the compressed data can
 * refer back up to 32K bytes", here up to 2^windowBits): a circular array holding the last output
 * of earlier {@code inflate} calls, which back-references of later calls copy from. Output of the
 * current call is referenced in the caller's array directly and appended here when the call ends,
 * as zlib does.
 */
final class InflateWindow {

    /** Bytes the window holds once full: 2^windowBits, 512 to 32768. */
    final int size;
    /** The circular buffer, exactly {@link #size} bytes; null until first needed and after release. */
    private byte[] bytes;
    /** Index in {@link #bytes} where the next output byte goes, 0 to size - 1: the oldest byte once full. */
    private int next;
    /** Bytes of output held, ending just before {@link #next}: min(bytes produced since clear, size). */
    private int filled;

    InflateWindow(int size) {
        this.size = size;
    }

    /** Allocates the buffer if released (or never used). */
    void allocate() {
        if (bytes == null) {
            bytes = new byte[size];
        }
    }

    /** Forgets the output held: a new stream. */
    void clear() {
        next = 0;
        filled = 0;
    }

    /** Drops the buffer and forgets the output; {@link #allocate()} brings a new one. */
    void release() {
        bytes = null;
        clear();
    }

    /** Bytes of the array kept: {@link #size} or 0. */
    int retainedBytes() {
        return bytes == null ? 0 : bytes.length;
    }

    /** Bytes of output held: how far back a reference may reach into the window. */
    int filled() {
        return filled;
    }

    /**
     * Copies into {@code out} from {@code outPos} the held output starting {@code back} bytes before
     * its end (1 to {@link #filled()}), at most {@code count} bytes; returns the bytes copied.
     */
    int copyOut(int back, byte[] out, int outPos, int count) {
        int n = Math.min(back, count);
        int from = next - back;
        if (from >= 0) {
            System.arraycopy(bytes, from, out, outPos, n);
        } else {
            from += size; // the reference starts in the part that wrapped around
            int tail = Math.min(size - from, n);
            System.arraycopy(bytes, from, out, outPos, tail);
            System.arraycopy(bytes, 0, out, outPos + tail, n - tail);
        }
        return n;
    }

    /** Appends the {@code count} bytes of output ending at {@code out[end - 1]}; only the last {@link #size} matter. */
    void append(byte[] out, int end, int count) {
        if (count >= size) {
            System.arraycopy(out, end - size, bytes, 0, size);
            next = 0;
            filled = size;
            return;
        }
        int first = Math.min(count, size - next);
        System.arraycopy(out, end - count, bytes, next, first);
        System.arraycopy(out, end - count + first, bytes, 0, count - first);
        next = (next + count) & (size - 1);
        filled = Math.min(filled + count, size);
    }
}
