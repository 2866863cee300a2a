package dev.seed.websocket.protocol.deflate;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The input of a {@link DeflateDecoder} and its bit buffer (RFC 1951 section 3.1.1: "data
 * elements are packed into bytes in order of increasing bit number within the byte", so the next
 * bit is bit 0 of the buffer).
 *
 * <p>The input is an array range read in place: the caller's array, a heap buffer's array, or,
 * for a buffer without an accessible array (direct or read-only), a copy of up to
 * {@link InflateTables#STAGING_BYTES} of it in the thread's staging array, refilled as it is used
 * up. A buffer's position is brought up to date when a call ends ({@link #save()}); the decoder
 * keeps no reference to a staging array between calls.
 *
 * <p>The careful path reads one byte at a time and only when the bits held are too few, so that
 * at the end of every block fewer than 8 bits are held: the input after the final block stays
 * unread. The fast path of the decoder reads and writes the fields directly.
 */
final class InflateInput {

    /** Input bits read but not used, the next at bit 0; bits at and above bitCount are zero. */
    long bitBuffer;
    /** Number of bits in bitBuffer, 0 to 63; below 8 at the start of every block. */
    int bitCount;
    /** Array read from; null when there is no input (outside a call, also when it comes from a buffer). */
    byte[] bytes;
    /** Index of the next byte to read in bytes, at most end. */
    int pos;
    /** End of the readable range of bytes. */
    int end;

    /** The buffer given to setInput until used up; between calls its position is the next unread byte. */
    private ByteBuffer buffer;
    /** During a call on a buffer: the buffer index of bytes[0] (the position is pos + bufferOffset). */
    private int bufferOffset;
    /** During a call on a buffer: whether bytes is the thread's staging array. */
    private boolean staged;

    /** Reads from the buffer's position to its limit, advancing the position as bytes are used. */
    void set(ByteBuffer input) {
        buffer = input.hasRemaining() ? input : null;
        bytes = null;
        pos = 0;
        end = 0;
    }

    /** Reads {@code b[off, off + len)} in place. */
    void set(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        buffer = null;
        bytes = len > 0 ? b : null;
        pos = off;
        end = off + len;
    }

    /** Drops the input and the bits held. */
    void clear() {
        buffer = null;
        bytes = null;
        pos = 0;
        end = 0;
        clearBits();
    }

    /** Drops the bits held. */
    void clearBits() {
        bitBuffer = 0;
        bitCount = 0;
    }

    /** Input bytes not yet read (bits moved to the bit buffer count as read). */
    int remaining() {
        if (buffer != null) {
            return buffer.remaining();
        }
        return bytes == null ? 0 : end - pos;
    }

    /** At the start of a call: points bytes at the buffer's content (its array, or a staged copy). */
    void load() {
        ByteBuffer b = buffer;
        if (b == null) {
            return;
        }
        staged = !b.hasArray();
        if (staged) {
            stage(b, b.position());
        } else {
            bytes = b.array();
            bufferOffset = -b.arrayOffset();
            pos = b.position() - bufferOffset;
            end = b.limit() - bufferOffset;
        }
    }

    /** At the end of a call: moves the buffer's position past the bytes read; drops input used up. */
    void save() {
        ByteBuffer b = buffer;
        if (b != null) {
            b.position(pos + bufferOffset);
            if (!b.hasRemaining()) {
                buffer = null;
            }
            bytes = null; // the staging array is the thread's; a heap buffer's is reached through it
            pos = 0;
            end = 0;
        } else if (bytes != null && pos == end) {
            bytes = null;
        }
    }

    /** Bytes readable in place from pos, restaging a buffer's next bytes when needed; 0 when none. */
    int available() {
        if (pos == end && !restage()) {
            return 0;
        }
        return end - pos;
    }

    /** Ensures {@code bits} bits (at most 32) are in the buffer; false when the input ends first. */
    boolean need(int bits) {
        while (bitCount < bits) {
            if (!pullByte()) {
                return false;
            }
        }
        return true;
    }

    /** Moves one input byte into the bit buffer; false when there is none. */
    boolean pullByte() {
        if (pos == end && !restage()) {
            return false;
        }
        bitBuffer |= (long) (bytes[pos++] & 0xFF) << bitCount;
        bitCount += 8;
        return true;
    }

    /** The next {@code bits} bits (at most 31), without consuming them. */
    int peek(int bits) {
        return (int) bitBuffer & ((1 << bits) - 1);
    }

    /** Consumes {@code bits} bits of the buffer. */
    void drop(int bits) {
        bitBuffer >>>= bits;
        bitCount -= bits;
    }

    /** Copies the buffer's bytes from {@code position} (as many as fit) into the thread's staging array. */
    private void stage(ByteBuffer b, int position) {
        byte[] staging = InflateTables.stagingArray();
        int n = Math.min(b.limit() - position, staging.length);
        b.get(position, staging, 0, n);
        bytes = staging;
        pos = 0;
        end = n;
        bufferOffset = position;
    }

    /** When the staged bytes are used up: stages the buffer's next ones; false when there are none. */
    private boolean restage() {
        ByteBuffer b = buffer;
        if (b == null || !staged) {
            return false;
        }
        int position = end + bufferOffset;
        if (position == b.limit()) {
            return false;
        }
        stage(b, position);
        return true;
    }
}
