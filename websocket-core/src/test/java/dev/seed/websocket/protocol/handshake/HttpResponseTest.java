package dev.seed.websocket.protocol.handshake;

import static dev.seed.websocket.protocol.handshake.Wire.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseTest {

    @Test
    void refusalNamesTheReasonAndClosesTheConnection() {
        HttpResponse r = HttpResponse.refusal(400, "Missing Host header.");
        assertThat(string(r.toBytes())).isEqualTo("HTTP/1.1 400 Bad Request\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 21\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + "Missing Host header.\n");
    }

    @Test
    void refusalWithUpgradeRequiredNamesTheVersionAndUpgrade() {
        HttpResponse r = HttpResponse.refusal(426, "Unsupported WebSocket version.");
        assertThat(r.reason()).isEqualTo("Upgrade Required");
        assertThat(r.header("Sec-WebSocket-Version")).isEqualTo("13");
        // RFC 7230 section 6.7: "A server that sends a 426 (Upgrade Required) response MUST send
        // an Upgrade header field to indicate the acceptable protocols."
        assertThat(r.header("Upgrade")).isEqualTo("websocket");
        assertThat(r.headers().containsToken("Connection", "upgrade")).isTrue();
        assertThat(r.headers().containsToken("Connection", "close")).isTrue();

        HttpResponse legacy = HttpResponse.refusal(426, "Unsupported WebSocket version.",
                new HttpHeaders().add("Sec-WebSocket-Version", "13, 8, 7"));
        assertThat(legacy.headers().getAll("Sec-WebSocket-Version")).containsExactly("13, 8, 7");
    }

    @Test
    void refusalAddsTheCallersHeaders() {
        HttpResponse r = HttpResponse.refusal(405, "WebSocket upgrade requires GET.",
                new HttpHeaders().add("Allow", "GET"));
        assertThat(r.reason()).isEqualTo("Method Not Allowed");
        assertThat(r.header("Allow")).isEqualTo("GET");
        assertThat(r.headers().names()).containsExactly("Content-Type", "Content-Length", "Connection", "Allow");
    }

    @Test
    void refusalEscapesControlCharactersAndCountsUtf8Bytes() {
        HttpResponse r = HttpResponse.refusal(403, "no\r\nX-Evil: 1");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("no\\u000d\\u000aX-Evil: 1\n");
        assertThat(r.headers().contains("X-Evil")).isFalse();
        HttpResponse utf8 = HttpResponse.refusal(403, "caf\u00e9 \u20ac");
        assertThat(utf8.header("Content-Length")).isEqualTo(Integer.toString(utf8.body().length)).isEqualTo("10");
    }

    @Test
    void writesBodyAfterTheHead() {
        HttpResponse r = new HttpResponse(101, "WebSocket Protocol Handshake",
                new HttpHeaders().add("Upgrade", "WebSocket"), "8jKS'y:G*Co,Wxa-".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(string(r.toBytes()))
                .isEqualTo("HTTP/1.1 101 WebSocket Protocol Handshake\r\nUpgrade: WebSocket\r\n\r\n8jKS'y:G*Co,Wxa-");
    }

    @Test
    void knowsTheReasonPhrasesOfTheHandshake() {
        assertThat(HttpResponse.reasonPhrase(101)).isEqualTo("Switching Protocols");
        assertThat(HttpResponse.reasonPhrase(400)).isEqualTo("Bad Request");
        assertThat(HttpResponse.reasonPhrase(403)).isEqualTo("Forbidden");
        assertThat(HttpResponse.reasonPhrase(431)).isEqualTo("Request Header Fields Too Large");
        assertThat(HttpResponse.reasonPhrase(599)).isEqualTo("Error");
    }

    @Test
    void refusesInvalidParts() {
        HttpHeaders h = new HttpHeaders();
        assertThatThrownBy(() -> new HttpResponse(99, "x", h, new byte[0])).hasMessage("Invalid status code.");
        assertThatThrownBy(() -> new HttpResponse(1000, "x", h, new byte[0])).hasMessage("Invalid status code.");
        assertThatThrownBy(() -> new HttpResponse(200, "OK\r\nX: 1", h, new byte[0])).hasMessage("Invalid reason phrase.");
    }

    @Test
    void handshakeExceptionBuildsItsRefusal() {
        HandshakeException e = new HandshakeException(405, "WebSocket upgrade requires GET.",
                new HttpHeaders().add("Allow", "GET"));
        assertThat(e.toResponse()).isEqualTo(HttpResponse.refusal(405, "WebSocket upgrade requires GET.",
                new HttpHeaders().add("Allow", "GET")));
        assertThatThrownBy(() -> e.headers().add("X", "1")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new HandshakeException(101, "Invalid Upgrade header.").toResponse())
                .isInstanceOf(IllegalStateException.class);
    }
}
