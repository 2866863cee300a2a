package dev.seed.websocket.protocol.handshake;

import java.nio.ByteBuffer;

/**
 * Parses the server's answer to an opening handshake from bytes that arrive in pieces: the status
 * line and header fields (RFC 7230 section 3), then, when parsing a hixie-76 answer with status
 * 101, the 16-byte challenge answer that follows. Bytes after the response stay in the buffer: the
 * server may send its first frames right behind the handshake. Bodies of other responses are not
 * read.
 *
 * <p>Malformed input or a head over the bounds throws {@link HandshakeException} with status 0
 * (there is no status the server sent).
 *
 * <p>This class is not thread safe.
 */
public final class HttpResponseParser {

    /** hixie-76 section 5.2: the server's handshake ends with a 16-byte MD5 digest. */
    static final int HIXIE_CHALLENGE_LENGTH = 16;

    private enum State { STATUS_LINE, HEADERS, BODY, DONE, FAILED }

    /** Cuts the head into lines within the bound on its bytes. */
    private final HeadReader reader;
    /** Parses the field lines within the bound on their number. */
    private final FieldLineParser fields;
    /** Whether a 101 response is followed by the hixie-76 challenge answer. */
    private final boolean hixie76;
    /** Where parsing is; FAILED after an exception, DONE after a response was returned. */
    private State state = State.STATUS_LINE;
    /** The status code, 100-999; 0 until the status line was read. */
    private int status;
    /** The reason phrase, without control characters; null until the status line was read. */
    private String reason;
    /** The fields read so far; copied into the response. */
    private final HttpHeaders headers = new HttpHeaders();
    /** The hixie-76 challenge answer, filled in BODY; null before. */
    private byte[] body;
    /** The bytes of {@link #body} received so far. */
    private int bodyLength;

    /** A parser of an RFC 6455 (or hybi) answer with a bound on its head and 100 fields. */
    public HttpResponseParser(int maxHeaderBytes) {
        this(maxHeaderBytes, false);
    }

    /**
     * A parser with a bound on the head (status line included) and 100 fields; {@code hixie76}
     * makes it read the 16 bytes after the head of a 101 response.
     */
    public HttpResponseParser(int maxHeaderBytes, boolean hixie76) {
        this.reader = new HeadReader(maxHeaderBytes, 0, 0, "Invalid status line.");
        this.fields = new FieldLineParser(HttpRequestParser.DEFAULT_MAX_HEADERS, 0, 0);
        this.hixie76 = hixie76;
    }

    /**
     * Consumes bytes of the response from {@code in}. Returns null when more bytes are needed, or
     * the response once it is complete (bytes after it stay in {@code in}). Throws
     * IllegalStateException when called again after returning a response or throwing.
     */
    public HttpResponse parse(ByteBuffer in) throws HandshakeException {
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

    private HttpResponse advance(ByteBuffer in) throws HandshakeException {
        while (state == State.STATUS_LINE || state == State.HEADERS) {
            if (!reader.nextLine(in)) {
                return null;
            }
            if (state == State.STATUS_LINE) {
                parseStatusLine(reader.lineString());
                state = State.HEADERS;
            } else if (reader.isEmptyLine()) {
                reader.finish();
                if (hixie76 && status == 101) {
                    body = new byte[HIXIE_CHALLENGE_LENGTH];
                    state = State.BODY;
                } else {
                    return done(new byte[0]);
                }
            } else {
                fields.add(reader.line(), reader.start(), reader.end(), headers);
            }
        }
        int n = Math.min(in.remaining(), HIXIE_CHALLENGE_LENGTH - bodyLength);
        in.get(body, bodyLength, n);
        bodyLength += n;
        return bodyLength == HIXIE_CHALLENGE_LENGTH ? done(body) : null;
    }

    private HttpResponse done(byte[] b) {
        state = State.DONE;
        return new HttpResponse(status, reason, headers, b);
    }

    /**
     * RFC 7230 section 3.1.2: {@code status-line = HTTP-version SP status-code SP reason-phrase}.
     * A missing SP after the status code is tolerated when the reason phrase is empty.
     */
    private void parseStatusLine(String line) throws HandshakeException {
        if (line.length() < 12 || !HttpRequest.isHttpVersion(line.substring(0, 8)) || line.charAt(8) != ' '
                || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw reader.malformed("Invalid status line.");
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw reader.malformed("Invalid status line.");
            }
            code = code * 10 + (c - '0');
        }
        String phrase = line.length() > 12 ? line.substring(13) : "";
        if (code < 100 || !HttpResponse.isReasonPhrase(phrase)) {
            throw reader.malformed("Invalid status line.");
        }
        status = code;
        reason = phrase;
    }
}
