package dev.seed.websocket.protocol.handshake;

import static dev.seed.websocket.protocol.handshake.Wire.bytes;
import static dev.seed.websocket.protocol.handshake.Wire.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class HttpRequestTest {

    private static HttpRequest get(String target) {
        return new HttpRequest("GET", target, new HttpHeaders().add("Host", "a"));
    }

    @Test
    void splitsTheTargetIntoPathAndRawQuery() {
        assertThat(get("/chat?room=1&x=%20").path()).isEqualTo("/chat");
        assertThat(get("/chat?room=1&x=%20").query()).isEqualTo("room=1&x=%20");
        assertThat(get("/chat?").query()).isEmpty();
        assertThat(get("/a%2Fb").path()).isEqualTo("/a%2Fb");
        assertThat(get("/a%2Fb").query()).isNull();
    }

    @Test
    void takesThePathOfAnAbsoluteFormTarget() {
        // RFC 7230 section 5.3.2: "a server MUST accept the absolute-form in requests".
        assertThat(get("http://example.com/a/b?c=1").path()).isEqualTo("/a/b");
        assertThat(get("http://example.com/a/b?c=1").query()).isEqualTo("c=1");
        assertThat(get("ws://example.com").path()).isEqualTo("/");
        assertThat(get("http://example.com?x=1").path()).isEqualTo("/");
        assertThat(get("http://example.com?x=/y").query()).isEqualTo("x=/y");
    }

    @Test
    void readsTheOriginOfEachVersion() {
        HttpHeaders h = new HttpHeaders().add("Origin", "http://a").add("Sec-WebSocket-Origin", "http://b");
        assertThat(new HttpRequest("GET", "/", new HttpHeaders(h).add("Sec-WebSocket-Version", "13")).origin())
                .isEqualTo("http://a");
        assertThat(new HttpRequest("GET", "/", new HttpHeaders(h).add("Sec-WebSocket-Version", "8")).origin())
                .isEqualTo("http://b");
        assertThat(new HttpRequest("GET", "/", new HttpHeaders(h).add("Sec-WebSocket-Version", "7")).origin())
                .isEqualTo("http://b");
        assertThat(new HttpRequest("GET", "/", h).origin()).isEqualTo("http://a");
        assertThat(get("/").origin()).isNull();
    }

    @Test
    void parsesCookiesInOrderFirstValueWins() {
        HttpHeaders h = new HttpHeaders().add("Cookie", "b=2; a=1;c=\"q\"").add("cookie", "a=3; flag; =x; d=");
        assertThat(new HttpRequest("GET", "/", h).cookies())
                .containsExactly(entry("b", "2"), entry("a", "1"), entry("c", "\"q\""), entry("d", ""));
        assertThat(get("/").cookies()).isEmpty();
    }

    @Test
    void writesItselfInWireForm() throws HandshakeException {
        HttpRequest r = new HttpRequest("GET", "/x?y", new HttpHeaders().add("Host", "h").add("X", "1"));
        assertThat(string(r.toBytes())).isEqualTo("GET /x?y HTTP/1.1\r\nHost: h\r\nX: 1\r\n\r\n");
        assertThat(new HttpRequestParser(1024).parse(bytes(string(r.toBytes())))).isEqualTo(r);
    }

    @Test
    void isImmutable() {
        HttpHeaders h = new HttpHeaders().add("Host", "a");
        byte[] body = {1, 2};
        HttpRequest r = new HttpRequest("GET", "/", "HTTP/1.1", h, body);
        h.add("X", "1");
        body[0] = 9;
        r.body()[1] = 9;
        assertThat(r.headers().size()).isEqualTo(1);
        assertThat(r.body()).containsExactly(1, 2);
        assertThatThrownBy(() -> r.headers().add("Y", "2")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesInvalidParts() {
        HttpHeaders h = new HttpHeaders();
        assertThatThrownBy(() -> new HttpRequest("G T", "/", h)).hasMessage("Invalid method.");
        assertThatThrownBy(() -> new HttpRequest("GET", "/a b", h)).hasMessage("Invalid request target.");
        assertThatThrownBy(() -> new HttpRequest("GET", "/\r\n", h)).hasMessage("Invalid request target.");
        assertThatThrownBy(() -> new HttpRequest("GET", "/", "HTTP/1.1\r\n", h, new byte[0]))
                .hasMessage("Invalid HTTP version.");
    }
}
