package dev.seed.websocket.protocol.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the lines of an HTTP/1.1 message head (RFC 7230 section 3: start-line, header fields,
 * empty line) from bytes that arrive in pieces, within a bound on its size and on the number of
 * fields. Shared by the request and the response parser. Bytes are ISO-8859-1: the head is
 * ASCII, and obs-text bytes in field values stay opaque.
 *
 * <p>This class is not thread safe.
 */
final class HeadReader {

    /** The first line capacity; grows by doubling up to the bound. */
    private static final int INITIAL_LINE_CAPACITY = 256;

    /** The most bytes of the head (lines and their terminators) this reader consumes. */
    private final int maxBytes;
    /** The most header fields accepted. */
    private final int maxFields;
    /** The status of a HandshakeException for malformed input (400, or 0 for a response). */
    private final int badStatus;
    /** The status of a HandshakeException for a head over a bound (431, or 0 for a response). */
    private final int tooLargeStatus;
    /** The message of a HandshakeException for a start line that cannot be one. */
    private final String badStartLine;
    /** Whether the start line (the first non-empty line) has been read. */
    private boolean startLineRead;

    /** The bytes of the current line so far, without its terminator. */
    private byte[] line;
    /** The number of bytes in {@link #line}. */
    private int lineLength;
    /** The bytes consumed so far; never above {@link #maxBytes}. */
    private int consumed;
    /** The number of header fields added so far. */
    private int fieldCount;

    HeadReader(int maxBytes, int maxFields, int badStatus, int tooLargeStatus, String badStartLine) {
        if (maxBytes < 16) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 16.");
        }
        if (maxFields < 1) {
            throw new IllegalArgumentException("maxHeaders must be at least 1.");
        }
        this.maxBytes = maxBytes;
        this.maxFields = maxFields;
        this.badStatus = badStatus;
        this.tooLargeStatus = tooLargeStatus;
        this.badStartLine = badStartLine;
        this.line = new byte[Math.min(INITIAL_LINE_CAPACITY, maxBytes)];
    }

    /**
     * Consumes bytes up to and including the next line terminator and returns the line without it,
     * or returns null when {@code in} ran out first (keeping the partial line). RFC 7230 section
     * 3.5: "a recipient MAY recognize a single LF as a line terminator and ignore any preceding CR":
     * both CRLF and bare LF end a line. Throws (431) before consuming a byte past the bound.
     */
    String nextLine(ByteBuffer in) throws HandshakeException {
        while (in.hasRemaining()) {
            if (consumed == maxBytes) {
                throw new HandshakeException(tooLargeStatus, "Header fields too large.");
            }
            byte b = in.get();
            consumed++;
            if (b == '\n') {
                int length = lineLength;
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                lineLength = 0;
                startLineRead |= length > 0;
                return new String(line, 0, length, StandardCharsets.ISO_8859_1);
            }
            // RFC 7230 section 3.1: a start line is tokens, a target and a version separated by
            // single spaces: a control byte can never be part of one. Refusing it at once makes a
            // peer speaking another protocol (a TLS ClientHello starts with 0x16) fail at its first
            // byte instead of at the handshake timeout.
            if (!startLineRead && b != '\r' && (b < 0x20 || b == 0x7F)) {
                throw malformed(badStartLine);
            }
            if (lineLength == line.length) {
                line = Arrays.copyOf(line, Math.min(line.length * 2, maxBytes));
            }
            line[lineLength++] = b;
        }
        return null;
    }

    /**
     * Parses a header field line (RFC 7230 section 3.2: {@code field-name ":" OWS field-value
     * OWS}) and adds it to {@code headers}.
     */
    void addField(String fieldLine, HttpHeaders headers) throws HandshakeException {
        // 3.2.4: "A server that receives an obs-fold in a request message ... MUST either reject
        // the message by sending a 400 (Bad Request) ..." (a user agent may reject it too).
        if (HttpHeaders.isWhitespace(fieldLine.charAt(0))) {
            throw new HandshakeException(badStatus, "Obsolete line folding is not allowed.");
        }
        int colon = fieldLine.indexOf(':');
        if (colon < 0) {
            throw new HandshakeException(badStatus, "Header field without a colon.");
        }
        String name = fieldLine.substring(0, colon);
        // 3.2.4: "No whitespace is allowed between the header field-name and colon. ... A server
        // MUST reject any received request message that contains whitespace between a header
        // field-name and colon with a response code of 400 (Bad Request)."
        if (!name.isEmpty() && HttpHeaders.isWhitespace(name.charAt(name.length() - 1))) {
            throw new HandshakeException(badStatus, "Whitespace before a header field colon.");
        }
        if (!HttpHeaders.isToken(name)) {
            throw new HandshakeException(badStatus, "Invalid header field name.");
        }
        for (int i = colon + 1; i < fieldLine.length(); i++) {
            if (!HttpHeaders.isFieldValueChar(fieldLine.charAt(i))) {
                throw new HandshakeException(badStatus, "Invalid character in a header field value.");
            }
        }
        if (fieldCount == maxFields) {
            throw new HandshakeException(tooLargeStatus, "Too many header fields.");
        }
        fieldCount++;
        headers.add(name, HttpHeaders.trimWhitespace(fieldLine.substring(colon + 1)));
    }

    /** Throws the malformed-input exception with {@code message}. */
    HandshakeException malformed(String message) {
        return new HandshakeException(badStatus, message);
    }

    /** Releases the line buffer once the head is complete. */
    void finish() {
        line = new byte[0];
    }
}
