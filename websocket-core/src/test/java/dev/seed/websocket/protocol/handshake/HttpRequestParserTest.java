package dev.seed.websocket.protocol.handshake;

import static dev.seed.websocket.protocol.handshake.Wire.bytes;
import static dev.seed.websocket.protocol.handshake.Wire.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpRequestParserTest {

    /** RFC 6455 section 1.2: the client's handshake. */
    static final String RFC_SAMPLE_REQUEST = "GET /chat HTTP/1.1\r\n"
            + "Host: server.example.com\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Origin: http://example.com\r\n"
            + "Sec-WebSocket-Protocol: chat, superchat\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "\r\n";

    /** hixie-76 section 1.3: the client's handshake, 8 bytes of key3 after the header block. */
    static final String HIXIE_SAMPLE_REQUEST = "GET /demo HTTP/1.1\r\n"
            + "Host: example.com\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n"
            + "Sec-WebSocket-Protocol: sample\r\n"
            + "Upgrade: WebSocket\r\n"
            + "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n"
            + "Origin: http://example.com\r\n"
            + "\r\n"
            + "^n:ds[4U";

    private static HttpRequest parse(String wire) throws HandshakeException {
        return new HttpRequestParser(8192).parse(bytes(wire));
    }

    private static HandshakeException failure(String wire) {
        return catchThrowableOfType(HandshakeException.class, () -> parse(wire));
    }

    @Test
    void parsesTheRfcSampleRequest() throws HandshakeException {
        HttpRequest r = parse(RFC_SAMPLE_REQUEST);
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.target()).isEqualTo("/chat");
        assertThat(r.path()).isEqualTo("/chat");
        assertThat(r.query()).isNull();
        assertThat(r.version()).isEqualTo("HTTP/1.1");
        assertThat(r.headers().names()).containsExactly("Host", "Upgrade", "Connection", "Sec-WebSocket-Key",
                "Origin", "Sec-WebSocket-Protocol", "Sec-WebSocket-Version");
        assertThat(r.header("sec-websocket-key")).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
        assertThat(r.headers().tokens("Sec-WebSocket-Protocol")).containsExactly("chat", "superchat");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void returnsTheSameRequestWhateverTheSplit() throws HandshakeException {
        HttpRequest whole = parse(RFC_SAMPLE_REQUEST);
        byte[] wire = RFC_SAMPLE_REQUEST.getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= wire.length; split++) {
            HttpRequestParser p = new HttpRequestParser(8192);
            ByteBuffer first = ByteBuffer.wrap(wire, 0, split);
            HttpRequest r = p.parse(first);
            assertThat(first.hasRemaining()).as("split %d", split).isFalse();
            if (split < wire.length) {
                assertThat(r).as("split %d", split).isNull();
                r = p.parse(ByteBuffer.wrap(wire, split, wire.length - split));
            }
            assertThat(r).as("split %d", split).isEqualTo(whole);
        }
    }

    @Test
    void parsesOneByteAtATime() throws HandshakeException {
        HttpRequestParser p = new HttpRequestParser(8192);
        ByteBuffer wire = bytes(HIXIE_SAMPLE_REQUEST);
        HttpRequest r = null;
        for (int i = 0; i < wire.limit(); i++) {
            assertThat(r).isNull();
            r = p.parse(ByteBuffer.wrap(wire.array(), i, 1));
        }
        assertThat(r).isEqualTo(parse(HIXIE_SAMPLE_REQUEST));
        assertThat(string(r.body())).isEqualTo("^n:ds[4U");
    }

    @Test
    void leavesBytesAfterTheRequestInTheBuffer() throws HandshakeException {
        ByteBuffer in = bytes(RFC_SAMPLE_REQUEST + "\u0081\u0085early");
        HttpRequest r = new HttpRequestParser(8192).parse(in);
        assertThat(r).isNotNull();
        assertThat(string(in)).isEqualTo("\u0081\u0085early");
    }

    @Test
    void readsHixieKey3AndLeavesTheRest() throws HandshakeException {
        HttpRequestParser p = new HttpRequestParser(8192);
        String head = HIXIE_SAMPLE_REQUEST.substring(0, HIXIE_SAMPLE_REQUEST.length() - 8);
        assertThat(p.parse(bytes(head + "^n:d"))).isNull();
        ByteBuffer rest = bytes("s[4U\u0000hi\u00ff");
        HttpRequest r = p.parse(rest);
        assertThat(string(r.body())).isEqualTo("^n:ds[4U");
        assertThat(string(rest)).isEqualTo("\u0000hi\u00ff");
    }

    @Test
    void acceptsBareLineFeeds() throws HandshakeException {
        HttpRequest r = parse(RFC_SAMPLE_REQUEST.replace("\r\n", "\n"));
        assertThat(r).isEqualTo(parse(RFC_SAMPLE_REQUEST));
        HttpRequest mixed = parse("GET / HTTP/1.1\nHost: a\r\nX: 1\n\r\n");
        assertThat(mixed.headers()).hasToString("[Host: a, X: 1]");
    }

    @Test
    void ignoresEmptyLinesBeforeTheRequestLine() throws HandshakeException {
        assertThat(parse("\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").target()).isEqualTo("/");
    }

    @Test
    void keepsRepeatedFieldsAndTrimsValues() throws HandshakeException {
        HttpRequest r = parse("GET / HTTP/1.1\r\nHost: a\r\nX:  1 \t\r\nx:2\r\nX:\r\n\r\n");
        assertThat(r.headers().getAll("X")).containsExactly("1", "2", "");
    }

    @Test
    void keepsNonAsciiValueBytesOpaque() throws HandshakeException {
        HttpRequest r = parse("GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\u00e9 \u00ff\r\n\r\n");
        assertThat(r.header("X-Name")).isEqualTo("caf\u00e9 \u00ff");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /chat\r\n", "GET  /chat HTTP/1.1\r\n", "GET /chat HTTP/1.1 x\r\n",
        "GET /chat HTTX/1.1\r\n", "GET /chat HTTP/11\r\n", "G(T /chat HTTP/1.1\r\n", " GET / HTTP/1.1\r\n",
        "GET /ch\u0000at HTTP/1.1\r\n", "GET /caf\u00e9 HTTP/1.1\r\n", "GET / HTTP/1.1\r\r\n"})
    void refusesMalformedRequestLines(String line) {
        HandshakeException e = failure(line + "Host: a\r\n\r\n");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e).hasMessage("Invalid request line.");
    }

    @Test
    void refusesObsoleteLineFolding() {
        HandshakeException e = failure("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e).hasMessage("Obsolete line folding is not allowed.");
        assertThat(failure("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\t2\r\n\r\n"))
                .hasMessage("Obsolete line folding is not allowed.");
    }

    @Test
    void refusesAFieldWithoutColon() {
        HandshakeException e = failure("GET / HTTP/1.1\r\nHost a\r\n\r\n");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e).hasMessage("Header field without a colon.");
    }

    @Test
    void refusesWhitespaceBeforeTheColon() {
        HandshakeException e = failure("GET / HTTP/1.1\r\nHost : a\r\n\r\n");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e).hasMessage("Whitespace before a header field colon.");
    }

    @Test
    void refusesInvalidFieldNames() {
        assertThat(failure("GET / HTTP/1.1\r\n: a\r\n\r\n")).hasMessage("Invalid header field name.");
        assertThat(failure("GET / HTTP/1.1\r\nX(Y): a\r\n\r\n")).hasMessage("Invalid header field name.");
        assertThat(failure("GET / HTTP/1.1\r\nX\u00e9: a\r\n\r\n").status()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\rb", "a\u0001", "\u001bx", "a\u007fb"})
    void refusesControlCharactersInValues(String value) {
        HandshakeException e = failure("GET / HTTP/1.1\r\nHost: a\r\nX: " + value + "\r\n\r\n");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e).hasMessage("Invalid character in a header field value.");
    }

    @Test
    void acceptsAHeaderBlockOfExactlyTheBound() throws HandshakeException {
        String wire = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        assertThat(new HttpRequestParser(wire.length()).parse(bytes(wire))).isNotNull();
    }

    @Test
    void refusesAHeaderBlockOneByteOverTheBoundWithoutReadingPastIt() {
        String wire = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        int bound = wire.length() - 1;
        ByteBuffer in = bytes(wire + "GET / HTTP/1.1\r\n".repeat(50));
        HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> new HttpRequestParser(bound).parse(in));
        assertThat(e.status()).isEqualTo(431);
        assertThat(e).hasMessage("Header fields too large.");
        assertThat(in.position()).isEqualTo(bound);
        assertThat(e.toResponse().status()).isEqualTo(431);
        assertThat(e.toResponse().reason()).isEqualTo("Request Header Fields Too Large");
    }

    @Test
    void refusesAnEndlessLineAtTheBound() throws HandshakeException {
        HttpRequestParser p = new HttpRequestParser(100);
        ByteBuffer first = bytes("GET /" + "a".repeat(60));
        assertThat(p.parse(first)).isNull();
        ByteBuffer second = bytes("a".repeat(60));
        assertThatThrownBy(() -> p.parse(second)).isInstanceOf(HandshakeException.class)
                .hasMessage("Header fields too large.");
        assertThat(second.position()).isEqualTo(100 - 65);
    }

    @Test
    void boundsTheNumberOfFields() throws HandshakeException {
        String hundred = "GET / HTTP/1.1\r\n" + "X: 1\r\n".repeat(100) + "\r\n";
        assertThat(parse(hundred).headers().size()).isEqualTo(100);
        HandshakeException e = failure("GET / HTTP/1.1\r\n" + "X: 1\r\n".repeat(101) + "\r\n");
        assertThat(e.status()).isEqualTo(431);
        assertThat(e).hasMessage("Too many header fields.");
        assertThatThrownBy(() -> new HttpRequestParser(8192, 2).parse(bytes("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n")))
                .isInstanceOf(HandshakeException.class).hasMessage("Too many header fields.");
    }

    @Test
    void refusesToParseAfterTheRequestOrAFailure() throws HandshakeException {
        HttpRequestParser done = new HttpRequestParser(8192);
        done.parse(bytes(RFC_SAMPLE_REQUEST));
        assertThatThrownBy(() -> done.parse(bytes("x"))).isInstanceOf(IllegalStateException.class);
        HttpRequestParser failed = new HttpRequestParser(8192);
        assertThatThrownBy(() -> failed.parse(bytes("BAD\r\n"))).isInstanceOf(HandshakeException.class);
        assertThatThrownBy(() -> failed.parse(bytes("x"))).isInstanceOf(IllegalStateException.class);
    }
}
