package dev.seed.websocket.protocol.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts an HTTP/1.1 message head (RFC 9112 section 2.1: start-line, field lines, empty line) into
 * lines from bytes that arrive in pieces, within a bound on its size. Shared by the request and the
 * response parser. Bytes are ISO-8859-1: the head is ASCII, and obs-text bytes in field values stay
 * opaque.
 *
 * <p>A line is handed out as a range of a byte array ({@link #line()}, {@link #start()},
 * {@link #end()}), valid until the next call of {@link #nextLine}: the caller's own array when the
 * line lies whole in a heap buffer (nothing is copied), else this reader's copy (a line that spans
 * reads, or one of a direct buffer, copied a chunk at a time while looking for its end).
 *
 * <p>This class is not thread safe.
 */
final class HeadReader {

    /** The first capacity of {@link #carry}; it grows by doubling up to the bound. */
    private static final int INITIAL_CARRY_CAPACITY = 256;
    /** The bytes copied into {@link #carry} at a time while looking for the end of a line. */
    private static final int COPY_CHUNK = 128;
    /** The carry of a reader that has not needed one, or is done. */
    private static final byte[] NO_BYTES = new byte[0];

    /** The most bytes of the head (lines and their terminators) this reader consumes; at least 16. */
    private final int maxBytes;
    /** The status of a HandshakeException for a head over the bound (431, or 0 for a response). */
    private final int tooLargeStatus;
    /** The status of a HandshakeException for malformed input (400, or 0 for a response). */
    private final int badStatus;
    /** The message of a HandshakeException for a start line that cannot be one. */
    private final String badStartLine;
    /** Whether a non-empty line (the start line) has been handed out. */
    private boolean startLineRead;
    /** The bytes consumed so far; never above {@link #maxBytes}. */
    private int consumed;

    /** A line that spans reads, or a line of a direct buffer; NO_BYTES until one is needed. */
    private byte[] carry = NO_BYTES;
    /** The number of bytes of an unfinished line in {@link #carry}; 0 when no line is pending. */
    private int carryLength;

    /** The array holding the last line handed out: the caller's or {@link #carry}. */
    private byte[] line = NO_BYTES;
    /** The index of the first byte of the last line in {@link #line}. */
    private int start;
    /** The index after the last byte of the last line in {@link #line}, terminator excluded. */
    private int end;

    HeadReader(int maxBytes, int badStatus, int tooLargeStatus, String badStartLine) {
        if (maxBytes < 16) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 16.");
        }
        this.maxBytes = maxBytes;
        this.badStatus = badStatus;
        this.tooLargeStatus = tooLargeStatus;
        this.badStartLine = badStartLine;
    }

    /**
     * Consumes bytes up to and including the next line terminator and returns true with the line,
     * without its terminator, in {@link #line()} from {@link #start()} to {@link #end()}; or returns
     * false when {@code in} ran out first (keeping the partial line). RFC 9112 section 2.2: "a
     * recipient MAY recognize a single LF as a line terminator and ignore any preceding CR": both
     * CRLF and bare LF end a line. Throws (431) before consuming a byte past the bound.
     */
    boolean nextLine(ByteBuffer in) throws HandshakeException {
        int position = in.position();
        int window = Math.min(in.remaining(), maxBytes - consumed);
        int stop;
        byte stopByte = 0;
        if (carryLength == 0 && in.hasArray()) {
            byte[] a = in.array();
            int base = in.arrayOffset() + position;
            stop = stopIn(a, base, window);
            if (stop < 0) {
                append(in, position, window);
            } else {
                stopByte = a[base + stop];
                line = a;
                start = base;
                end = base + stop;
            }
        } else {
            stop = appendUntilStop(in, position, window);
            if (stop >= 0) {
                stopByte = carry[carryLength];
                line = carry;
                start = 0;
                end = carryLength;
                carryLength = 0;
            }
        }
        if (stop < 0) {
            in.position(position + window);
            consumed += window;
            if (in.hasRemaining()) {
                throw new HandshakeException(tooLargeStatus, "Header fields too large.");
            }
            return false;
        }
        in.position(position + stop + 1);
        consumed += stop + 1;
        if (stopByte != '\n') {
            throw malformed(badStartLine);
        }
        if (end > start && line[end - 1] == '\r') {
            end--;
        }
        startLineRead |= end > start;
        return true;
    }

    /**
     * The offset from {@code from} of the first LF among {@code n} bytes of {@code a} or, until the
     * start line was read, of a byte refused in one; -1 when there is none.
     */
    private int stopIn(byte[] a, int from, int n) {
        if (startLineRead) {
            return LineFeeds.indexOf(a, from, n);
        }
        // RFC 9112 section 3: a request line is tokens, a target and a version separated by
        // single spaces: a control byte or one above 0x7F can never be part of one. Refusing it at
        // once makes a peer speaking another protocol (a TLS ClientHello starts with 0x16) fail at
        // its first byte instead of at the handshake timeout.
        for (int i = 0; i < n; i++) {
            byte b = a[from + i];
            if (b == '\n' || HttpChars.isRefusedInStartLine(b)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Copies {@code n} bytes of {@code in} from its index {@code from} after the pending line in
     * {@link #carry}, a chunk at a time, up to the first stop byte ({@link #stopIn}). Returns the
     * offset of the stop byte from {@code from}, the line ending before it and the stop byte at
     * {@code carry[carryLength]}; or -1 when there is none and all {@code n} bytes were appended.
     */
    private int appendUntilStop(ByteBuffer in, int from, int n) {
        for (int copied = 0; copied < n; ) {
            int chunk = Math.min(n - copied, COPY_CHUNK);
            ensureCarry(carryLength + chunk);
            in.get(from + copied, carry, carryLength, chunk);
            int stop = stopIn(carry, carryLength, chunk);
            if (stop >= 0) {
                carryLength += stop;
                return copied + stop;
            }
            carryLength += chunk;
            copied += chunk;
        }
        return -1;
    }

    /** Copies {@code n} bytes of {@code in} from its index {@code from} after the pending line. */
    private void append(ByteBuffer in, int from, int n) {
        ensureCarry(carryLength + n);
        in.get(from, carry, carryLength, n);
        carryLength += n;
    }

    /**
     * Makes {@link #carry} hold at least {@code capacity} bytes, keeping the pending line. The
     * pending line was consumed and what is copied after it lies in the window, which ends at the
     * bound: the carry never grows past {@link #maxBytes}.
     */
    private void ensureCarry(int capacity) {
        if (capacity > carry.length) {
            int grown = Math.max(carry.length, Math.min(INITIAL_CARRY_CAPACITY, maxBytes));
            while (grown < capacity) {
                grown = Math.min(grown * 2, maxBytes);
            }
            carry = Arrays.copyOf(carry, grown);
        }
    }

    /** The array holding the last line. */
    byte[] line() {
        return line;
    }

    /** The index of the first byte of the last line in {@link #line()}. */
    int start() {
        return start;
    }

    /** The index after the last byte of the last line in {@link #line()}. */
    int end() {
        return end;
    }

    /** Whether the last line is empty: the end of the head. */
    boolean isEmptyLine() {
        return end == start;
    }

    /** The last line as a String. */
    String lineString() {
        return new String(line, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /** Throws the malformed-input exception with {@code message}. */
    HandshakeException malformed(String message) {
        return new HandshakeException(badStatus, message);
    }

    /** Releases the line buffers once the head is complete. */
    void finish() {
        carry = NO_BYTES;
        line = NO_BYTES;
    }
}
