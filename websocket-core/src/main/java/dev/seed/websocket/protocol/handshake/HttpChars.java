package dev.seed.websocket.protocol.handshake;

/**
 * The character classes of an HTTP/1.1 message head, by table lookup: one array read per byte.
 * Bytes are ISO-8859-1, so a char up to 0xFF and a byte masked with 0xFF index the same entry.
 */
final class HttpChars {

    /** RFC 9110 section 5.6.2: {@code tchar}. */
    private static final byte TCHAR = 1;
    /** RFC 9110 section 5.5: {@code field-vchar / SP / HTAB}, with obs-text (0x80-0xFF). */
    private static final byte FIELD_VALUE = 2;
    /** RFC 9110 section 5.6.3: {@code OWS} is SP and HTAB. */
    private static final byte WHITESPACE = 4;
    /** The bytes of a request-target (RFC 9112 section 3.2): visible ASCII, 0x21-0x7E. */
    private static final byte TARGET = 8;

    /** The classes of each byte value 0x00-0xFF, as a bit set; fixed after class initialisation. */
    private static final byte[] CLASSES = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            byte k = 0;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0) {
                k |= TCHAR;
            }
            if (c == '\t' || (c >= 0x20 && c != 0x7F)) {
                k |= FIELD_VALUE;
            }
            if (c == ' ' || c == '\t') {
                k |= WHITESPACE;
            }
            if (c > 0x20 && c < 0x7F) {
                k |= TARGET;
            }
            CLASSES[c] = k;
        }
    }

    private HttpChars() {
    }

    /** Whether the byte is a {@code tchar}. */
    static boolean isToken(byte b) {
        return (CLASSES[b & 0xFF] & TCHAR) != 0;
    }

    /** Whether the char is a {@code tchar}; false above 0xFF. */
    static boolean isToken(int c) {
        return c >= 0 && c <= 0xFF && (CLASSES[c] & TCHAR) != 0;
    }

    /** Whether the byte may appear in a field value: HTAB, SP, VCHAR or obs-text. */
    static boolean isFieldValue(byte b) {
        return (CLASSES[b & 0xFF] & FIELD_VALUE) != 0;
    }

    /** Whether the char may appear in a field value; false above 0xFF. */
    static boolean isFieldValue(int c) {
        return c >= 0 && c <= 0xFF && (CLASSES[c] & FIELD_VALUE) != 0;
    }

    /** Whether the byte is SP or HTAB. */
    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    /** Whether the byte may appear in a request-target: visible ASCII. */
    static boolean isTarget(byte b) {
        return (CLASSES[b & 0xFF] & TARGET) != 0;
    }

    /**
     * Whether the byte is refused in a start line as soon as it arrives: a control byte other than
     * CR, DEL, or a byte above 0x7F (negative as a byte). None of these can be in a request line
     * (RFC 9112 section 3).
     */
    static boolean isRefusedInStartLine(byte b) {
        return (b < 0x20 && b != '\r') || b == 0x7F;
    }
}
