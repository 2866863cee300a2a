package dev.seed.websocket.protocol.handshake;

import java.nio.charset.StandardCharsets;

/**
 * Parses the field lines of a message head (RFC 9112 section 5: {@code field-line = field-name ":"
 * OWS field-value OWS}) from bytes into {@link HttpHeaders}, within a bound on their number. Each
 * line is scanned once; the name and the value (the bytes between its OWS) become new Strings
 * only when they are not {@link KnownStrings known} ones.
 *
 * <p>This class is not thread safe.
 */
final class FieldLineParser {

    /** The most field lines accepted; at least 1. */
    private final int maxFields;
    /** The status of a HandshakeException for malformed input (400, or 0 for a response). */
    private final int badStatus;
    /** The status of a HandshakeException for too many fields (431, or 0 for a response). */
    private final int tooLargeStatus;
    /** The field lines added so far; never above {@link #maxFields}. */
    private int fieldCount;

    FieldLineParser(int maxFields, int badStatus, int tooLargeStatus) {
        if (maxFields < 1) {
            throw new IllegalArgumentException("maxHeaders must be at least 1.");
        }
        this.maxFields = maxFields;
        this.badStatus = badStatus;
        this.tooLargeStatus = tooLargeStatus;
    }

    /**
     * Parses the field line {@code a[from, to)} (not empty, without its terminator) and adds it to
     * {@code headers}.
     */
    void add(byte[] a, int from, int to, HttpHeaders headers) throws HandshakeException {
        // RFC 9112 section 5.2: "A server that receives an obs-fold in a request message that is
        // not within a "message/http" container MUST either reject the message by sending a 400
        // (Bad Request) ..." (a user agent may reject it too).
        if (HttpChars.isWhitespace(a[from])) {
            throw new HandshakeException(badStatus, "Obsolete line folding is not allowed.");
        }
        // RFC 9110 section 5.1: "field-name = token"
        int colon = from;
        while (colon < to && HttpChars.isToken(a[colon])) {
            colon++;
        }
        if (colon == from || colon == to || a[colon] != ':') {
            throw badName(a, from, to);
        }
        // RFC 9110 section 5.5: field-value = *field-content, visible characters, SP, HTAB and
        // obs-text; the OWS around it is not part of it.
        for (int i = colon + 1; i < to; i++) {
            if (!HttpChars.isFieldValue(a[i])) {
                throw new HandshakeException(badStatus, "Invalid character in a header field value.");
            }
        }
        int valueStart = colon + 1;
        while (valueStart < to && HttpChars.isWhitespace(a[valueStart])) {
            valueStart++;
        }
        int valueEnd = to;
        while (valueEnd > valueStart && HttpChars.isWhitespace(a[valueEnd - 1])) {
            valueEnd--;
        }
        if (fieldCount == maxFields) {
            throw new HandshakeException(tooLargeStatus, "Too many header fields.");
        }
        fieldCount++;
        String name = KnownStrings.FIELD_NAMES.find(a, from, colon);
        if (name == null) {
            name = new String(a, from, colon - from, StandardCharsets.ISO_8859_1);
        }
        String value = valueStart == valueEnd ? "" : KnownStrings.FIELD_VALUES.find(a, valueStart, valueEnd);
        if (value == null) {
            value = new String(a, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
        }
        headers.addParsed(name, value);
    }

    /**
     * The refusal of a line whose name is not a token followed by a colon, checked in this order.
     * No colon at all: "Header field without a colon." RFC 9112 section 5.1: "No whitespace is
     * allowed between the field name and colon. ... A server MUST reject, with a response status
     * code of 400 (Bad Request), any received request message that contains whitespace between a
     * header field name and colon." Anything else (an empty name, a byte that is no tchar): "Invalid
     * header field name."
     */
    private HandshakeException badName(byte[] a, int from, int to) {
        int colon = from;
        while (colon < to && a[colon] != ':') {
            colon++;
        }
        if (colon == to) {
            return new HandshakeException(badStatus, "Header field without a colon.");
        }
        if (colon > from && HttpChars.isWhitespace(a[colon - 1])) {
            return new HandshakeException(badStatus, "Whitespace before a header field colon.");
        }
        return new HandshakeException(badStatus, "Invalid header field name.");
    }
}
