package dev.seed.websocket.protocol.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Parses the client's opening handshake from bytes that arrive in pieces: the request line and
 * header fields (RFC 9112 sections 3 and 5), then, for a hixie-76 request (one with
 * {@code Sec-WebSocket-Key1} and {@code Sec-WebSocket-Key2}), the 8 bytes of key3 that follow. One
 * parser per connection and request.
 *
 * <p>Malformed input throws {@link HandshakeException} with status 400; a header block longer than
 * the bound or with too many fields throws with status 431, and the parser never consumes a byte
 * past the bound. Bytes after the request stay in the buffer: a client may send its first frames
 * right behind the handshake.
 *
 * <p>This class is not thread safe.
 */
public final class HttpRequestParser {

    /** The default bound on the number of header fields. */
    public static final int DEFAULT_MAX_HEADERS = 100;
    /** hixie-76 section 4.1: "/key3/ ... a string consisting of eight random bytes". */
    static final int HIXIE_KEY3_LENGTH = 8;

    /** The fields a browser's handshake has: room for them before the header list grows. */
    private static final int EXPECTED_FIELDS = 16;

    private enum State { REQUEST_LINE, HEADERS, KEY3, DONE, FAILED }

    /** Cuts the head into lines within the bound on its bytes. */
    private final HeadReader reader;
    /** Parses the field lines within the bound on their number. */
    private final FieldLineParser fields;
    /** Where parsing is; FAILED after an exception, DONE after a request was returned. */
    private State state = State.REQUEST_LINE;
    /** The method, a token; null until the request line was read. */
    private String method;
    /** The request-target, visible ASCII; null until the request line was read. */
    private String target;
    /** The HTTP version, {@code HTTP/} DIGIT "." DIGIT; null until the request line was read. */
    private String version;
    /** The fields read so far; handed to the request, unchanged after it. */
    private final HttpHeaders headers = new HttpHeaders(EXPECTED_FIELDS);
    /** hixie-76 key3, filled in KEY3; null before. */
    private byte[] key3;
    /** The bytes of {@link #key3} received so far. */
    private int key3Length;

    /** A parser with a bound on the header block (request line included) and 100 fields. */
    public HttpRequestParser(int maxHeaderBytes) {
        this(maxHeaderBytes, DEFAULT_MAX_HEADERS);
    }

    /** A parser with a bound on the header block (request line included) and on its fields. */
    public HttpRequestParser(int maxHeaderBytes, int maxHeaders) {
        this.reader = new HeadReader(maxHeaderBytes, 400, 431, "Invalid request line.");
        this.fields = new FieldLineParser(maxHeaders, 400, 431);
    }

    /**
     * Consumes bytes of the request from {@code in}. Returns null when more bytes are needed (all
     * of {@code in} was consumed), or the request once it is complete (bytes after it stay in
     * {@code in}). Throws IllegalStateException when called again after returning a request or
     * throwing.
     */
    public HttpRequest parse(ByteBuffer in) throws HandshakeException {
        if (state == State.DONE || state == State.FAILED) {
            throw new IllegalStateException("The parser is done.");
        }
        try {
            return advance(in);
        } catch (HandshakeException e) {
            state = State.FAILED;
            throw e;
        }
    }

    private HttpRequest advance(ByteBuffer in) throws HandshakeException {
        while (state == State.REQUEST_LINE || state == State.HEADERS) {
            if (!reader.nextLine(in)) {
                return null;
            }
            if (state == State.REQUEST_LINE) {
                // RFC 9112 section 2.2: "In the interest of robustness, a server that is expecting
                // to receive and parse a request-line SHOULD ignore at least one empty line (CRLF)
                // received prior to the request-line."
                if (!reader.isEmptyLine()) {
                    parseRequestLine(reader.line(), reader.start(), reader.end());
                    state = State.HEADERS;
                }
            } else if (reader.isEmptyLine()) {
                reader.finish();
                if (headers.contains("Sec-WebSocket-Key1") && headers.contains("Sec-WebSocket-Key2")) {
                    key3 = new byte[HIXIE_KEY3_LENGTH];
                    state = State.KEY3;
                } else {
                    return done(HttpRequest.NO_BODY);
                }
            } else {
                fields.add(reader.line(), reader.start(), reader.end(), headers);
            }
        }
        int n = Math.min(in.remaining(), HIXIE_KEY3_LENGTH - key3Length);
        in.get(key3, key3Length, n);
        key3Length += n;
        return key3Length == HIXIE_KEY3_LENGTH ? done(key3) : null;
    }

    private HttpRequest done(byte[] body) {
        state = State.DONE;
        return HttpRequest.parsed(method, target, version, headers, body);
    }

    /**
     * RFC 9112 section 3: {@code request-line = method SP request-target SP HTTP-version}, from
     * {@code a[from, to)}; method a token (RFC 9110 section 9.1), request-target visible ASCII.
     */
    private void parseRequestLine(byte[] a, int from, int to) throws HandshakeException {
        int sp1 = from;
        while (sp1 < to && HttpChars.isToken(a[sp1])) {
            sp1++;
        }
        if (sp1 == from || sp1 == to || a[sp1] != ' ') {
            throw reader.malformed("Invalid request line.");
        }
        int sp2 = sp1 + 1;
        while (sp2 < to && HttpChars.isTarget(a[sp2])) {
            sp2++;
        }
        if (sp2 == sp1 + 1 || sp2 == to || a[sp2] != ' ' || !isHttpVersion(a, sp2 + 1, to)) {
            throw reader.malformed("Invalid request line.");
        }
        method = sp1 - from == 3 && a[from] == 'G' && a[from + 1] == 'E' && a[from + 2] == 'T'
                ? "GET" : new String(a, from, sp1 - from, StandardCharsets.ISO_8859_1);
        target = new String(a, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
        version = a[to - 3] == '1' && a[to - 1] == '1'
                ? "HTTP/1.1" : new String(a, sp2 + 1, to - sp2 - 1, StandardCharsets.ISO_8859_1);
    }

    /** RFC 9112 section 2.3: {@code HTTP-version = "HTTP/" DIGIT "." DIGIT}, in {@code a[from, to)}. */
    private static boolean isHttpVersion(byte[] a, int from, int to) {
        return to - from == 8 && a[from] == 'H' && a[from + 1] == 'T' && a[from + 2] == 'T' && a[from + 3] == 'P'
                && a[from + 4] == '/' && isDigit(a[from + 5]) && a[from + 6] == '.' && isDigit(a[from + 7]);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
