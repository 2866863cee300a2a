package dev.seed.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.protocol.handshake.HttpHeaders;
import dev.seed.websocket.protocol.handshake.HttpRequest;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetainedHandshakeRequestTest {

    private static HttpRequest request() {
        HttpHeaders h = new HttpHeaders()
                .add("Host", "example.com:8080")
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Origin", "https://example.com")
                .add("Cookie", "session=abc; theme=dark")
                .add("Sec-WebSocket-Protocol", "chat, superchat")
                .add("Sec-WebSocket-Protocol", "v2")
                .add("X-Note", "a: b, c")
                .add("X-Empty", "")
                .add("X-Latin", "caf\u00e9")
                .add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .add("Sec-WebSocket-Version", "13");
        return new HttpRequest("GET", "/rooms/7?q=a%20b&q=c", h);
    }

    @Test
    void readsBackTheSameViewAsTheParsedRequest() {
        InetSocketAddress remote = new InetSocketAddress("127.0.0.1", 40000);
        Map<String, String> variables = Map.of("id", "7");
        DefaultHandshakeRequest expected = DefaultHandshakeRequest.ofServerRequest(request(), variables, remote);
        RetainedHandshakeRequest retained = RetainedHandshakeRequest.of(request(), variables, remote);

        assertThat(retained.uri()).isEqualTo(expected.uri());
        assertThat(retained.path()).isEqualTo("/rooms/7").isEqualTo(expected.path());
        assertThat(retained.query()).isEqualTo(expected.query());
        assertThat(retained.queryParameters()).isEqualTo(expected.queryParameters());
        assertThat(retained.headers()).isEqualTo(expected.headers()).containsKeys("x-note", "x-empty");
        assertThat(retained.header("X-NOTE")).isEqualTo("a: b, c");
        assertThat(retained.header("x-empty")).isEmpty();
        assertThat(retained.header("x-latin")).isEqualTo("caf\u00e9");
        assertThat(retained.headers("Sec-WebSocket-Protocol")).containsExactly("chat, superchat", "v2");
        assertThat(retained.cookies()).isEqualTo(expected.cookies()).containsEntry("theme", "dark");
        assertThat(retained.origin()).isEqualTo("https://example.com");
        assertThat(retained.subprotocols()).isEqualTo(expected.subprotocols());
        assertThat(retained.pathVariables()).isEqualTo(variables);
        assertThat(retained.remoteAddress()).isSameAs(remote);
        assertThat(retained.toString()).isEqualTo("HandshakeRequest[/rooms/7]");
    }
}
