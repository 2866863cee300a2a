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

class HttpResponseParserTest {

    /** RFC 6455 section 1.2: the server's handshake. */
    static final String RFC_SAMPLE_RESPONSE = "HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            + "Sec-WebSocket-Protocol: chat\r\n"
            + "\r\n";

    /** A server frame sent right behind the handshake: unmasked text "Hello". */
    static final String EARLY_FRAME = "\u0081\u0005Hello";

    @Test
    void parsesTheRfcSampleResponseAndLeavesEarlyFrames() throws HandshakeException {
        ByteBuffer in = bytes(RFC_SAMPLE_RESPONSE + EARLY_FRAME);
        HttpResponse r = new HttpResponseParser(8192).parse(in);
        assertThat(r.status()).isEqualTo(101);
        assertThat(r.reason()).isEqualTo("Switching Protocols");
        assertThat(r.header("sec-websocket-accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(r.body()).isEmpty();
        assertThat(string(in)).isEqualTo(EARLY_FRAME);
    }

    @Test
    void returnsTheSameResponseWhateverTheSplit() throws HandshakeException {
        byte[] wire = (RFC_SAMPLE_RESPONSE + EARLY_FRAME).getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse whole = new HttpResponseParser(8192).parse(ByteBuffer.wrap(wire));
        int headLength = RFC_SAMPLE_RESPONSE.length();
        for (int split = 0; split < headLength; split++) {
            HttpResponseParser p = new HttpResponseParser(8192);
            assertThat(p.parse(ByteBuffer.wrap(wire, 0, split))).as("split %d", split).isNull();
            ByteBuffer rest = ByteBuffer.wrap(wire, split, wire.length - split);
            assertThat(p.parse(rest)).as("split %d", split).isEqualTo(whole);
            assertThat(string(rest)).isEqualTo(EARLY_FRAME);
        }
    }

    @Test
    void readsTheHixieChallengeAnswerOfA101() throws HandshakeException {
        String head = "HTTP/1.1 101 WebSocket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\r\n";
        HttpResponseParser p = new HttpResponseParser(8192, true);
        assertThat(p.parse(bytes(head + "8jKS'y:G"))).isNull();
        ByteBuffer rest = bytes("*Co,Wxa-\u0000hi\u00ff");
        HttpResponse r = p.parse(rest);
        assertThat(string(r.body())).isEqualTo("8jKS'y:G*Co,Wxa-");
        assertThat(string(rest)).isEqualTo("\u0000hi\u00ff");

        ByteBuffer refusal = bytes("HTTP/1.1 403 Forbidden\r\nContent-Length: 3\r\n\r\nno\n");
        assertThat(new HttpResponseParser(8192, true).parse(refusal).body()).isEmpty();
        assertThat(string(refusal)).isEqualTo("no\n");
    }

    @Test
    void acceptsAnEmptyReasonPhrase() throws HandshakeException {
        assertThat(new HttpResponseParser(8192).parse(bytes("HTTP/1.1 101\r\n\r\n")).reason()).isEmpty();
        assertThat(new HttpResponseParser(8192).parse(bytes("HTTP/1.1 101 \n\n")).reason()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 10 Switching\r\n", "HTTP/1.1 1O1 Switching\r\n", "HTTP/1.1  101 x\r\n",
        "HTTP/1.1 101x\r\n", "ICY 200 OK\r\n", "HTTP/1.1 099 x\r\n", "HTTP/1.1 101 a\u0000b\r\n"})
    void refusesMalformedStatusLinesWithStatusZero(String line) {
        HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> new HttpResponseParser(8192).parse(bytes(line + "\r\n")));
        assertThat(e.status()).isZero();
        assertThat(e).hasMessage("Invalid status line.");
    }

    @Test
    void refusesMalformedFieldsAndOversizedHeads() {
        assertThatThrownBy(() -> new HttpResponseParser(8192).parse(bytes("HTTP/1.1 101 OK\r\nUpgrade websocket\r\n\r\n")))
                .isInstanceOf(HandshakeException.class).hasMessage("Header field without a colon.");
        ByteBuffer big = bytes("HTTP/1.1 101 OK\r\nX: " + "a".repeat(100) + "\r\n\r\n");
        HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> new HttpResponseParser(64).parse(big));
        assertThat(e.status()).isZero();
        assertThat(e).hasMessage("Header fields too large.");
        assertThat(big.position()).isEqualTo(64);
    }
}
