package dev.seed.websocket.protocol.handshake;

import java.nio.ByteBuffer;

/**
 * Parses the client's opening handshake from bytes that arrive in pieces: the request line and
 * header fields (RFC 7230 section 3), then, for a hixie-76 request (one with
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

    private enum State { REQUEST_LINE, HEADERS, KEY3, DONE, FAILED }

    private final HeadReader reader;
    /** Where parsing is; FAILED after an exception, DONE after a request was returned. */
    private State state = State.REQUEST_LINE;
    private String method;
    private String target;
    private String version;
    private final HttpHeaders headers = new HttpHeaders();
    /** hixie-76 key3, filled in KEY3. */
    private byte[] key3;
    private int key3Length;

    /** A parser with a bound on the header block (request line included) and 100 fields. */
    public HttpRequestParser(int maxHeaderBytes) {
        this(maxHeaderBytes, DEFAULT_MAX_HEADERS);
    }

    /** A parser with a bound on the header block (request line included) and on its fields. */
    public HttpRequestParser(int maxHeaderBytes, int maxHeaders) {
        this.reader = new HeadReader(maxHeaderBytes, maxHeaders, 400, 431, "Invalid request line.");
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
            String line = reader.nextLine(in);
            if (line == null) {
                return null;
            }
            if (state == State.REQUEST_LINE) {
                // RFC 7230 section 3.5: "a server that is expecting to receive and parse a
                // request-line SHOULD ignore at least one empty line (CRLF) received prior to the
                // request-line."
                if (!line.isEmpty()) {
                    parseRequestLine(line);
                    state = State.HEADERS;
                }
            } else if (line.isEmpty()) {
                reader.finish();
                if (headers.contains("Sec-WebSocket-Key1") && headers.contains("Sec-WebSocket-Key2")) {
                    key3 = new byte[HIXIE_KEY3_LENGTH];
                    state = State.KEY3;
                } else {
                    return done(new byte[0]);
                }
            } else {
                reader.addField(line, headers);
            }
        }
        int n = Math.min(in.remaining(), HIXIE_KEY3_LENGTH - key3Length);
        in.get(key3, key3Length, n);
        key3Length += n;
        return key3Length == HIXIE_KEY3_LENGTH ? done(key3) : null;
    }

    private HttpRequest done(byte[] body) {
        state = State.DONE;
        return new HttpRequest(method, target, version, headers, body);
    }

    /** RFC 7230 section 3.1.1: {@code request-line = method SP request-target SP HTTP-version}. */
    private void parseRequestLine(String line) throws HandshakeException {
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw reader.malformed("Invalid request line.");
        }
        String m = line.substring(0, sp1);
        String t = line.substring(sp1 + 1, sp2);
        String v = line.substring(sp2 + 1);
        if (!HttpHeaders.isToken(m) || !HttpRequest.isTarget(t) || !HttpRequest.isHttpVersion(v)) {
            throw reader.malformed("Invalid request line.");
        }
        method = m;
        target = t;
        version = v;
    }
}
