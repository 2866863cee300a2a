package dev.seed.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.protocol.handshake.HttpHeaders;
import dev.seed.websocket.protocol.handshake.HttpRequest;
import dev.seed.websocket.WebSocketHandler;
import java.net.InetSocketAddress;
import java.util.List;
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
        Router.Route route = new Router.Route(PathTemplate.parse("/rooms/{id}"), new WebSocketHandler() { }, List.of());
        RetainedHandshakeRequest retained = new RetainedHandshakeRequest(RetainedHandshakeRequest.keep(request(), route),
                route, remote, null, variables);

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
        assertThat(retained.routeTemplate()).isEqualTo("/rooms/{id}");
        assertThat(retained.remoteAddress()).isSameAs(remote);
        assertThat(retained.toString()).isEqualTo("HandshakeRequest[/rooms/7]");
    }

    private static RetainedHandshakeRequest retain(HttpRequest request) {
        return new RetainedHandshakeRequest(RetainedHandshakeRequest.keep(request, null), null, null, null, Map.of());
    }

    /** Every field, in order and byte for byte, whether kept as a code or as it came. */
    private static void assertSameFields(RetainedHandshakeRequest retained, HttpRequest request) {
        java.util.List<String> expected = new java.util.ArrayList<>();
        request.headers().forEach(f -> expected.add(f.getKey() + ": " + f.getValue()));
        java.util.List<String> actual = new java.util.ArrayList<>();
        retained.fields().forEach(f -> actual.add(f.getKey() + ": " + f.getValue()));
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void aMinimalClientsRequestKeepsItsTargetAndHostAndKeyAndAByteForEachStandardField() {
        HttpRequest minimal = new HttpRequest("GET", "/idle", new HttpHeaders()
                .add("Host", "127.0.0.1:33381")
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .add("Sec-WebSocket-Version", "13"));
        RetainedHandshakeRequest retained = retain(minimal);
        // "/idle" LF, code "127.0.0.1:33381" LF, 1, 1, code and the nonce's 16 bytes, 1 (was 143 bytes as text)
        assertThat(retained.headBytes()).isEqualTo(6 + 17 + 1 + 1 + 17 + 1);
        assertSameFields(retained, minimal);
        assertThat(retained.header("sec-websocket-version")).isEqualTo("13");
        assertThat(retained.header("Upgrade")).isEqualTo("websocket");
    }

    @Test
    void aBrowsersFieldsComeBackInOrderWhetherCodedOrNot() {
        HttpRequest browser = new HttpRequest("GET", "/chat?room=1", new HttpHeaders()
                .add("Host", "localhost:8080")
                .add("Connection", "Upgrade")
                .add("Pragma", "no-cache")
                .add("Cache-Control", "no-cache")
                .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)")
                .add("Upgrade", "websocket")
                .add("Origin", "http://localhost:8080")
                .add("Sec-WebSocket-Version", "13")
                .add("Accept-Encoding", "gzip, deflate, br, zstd")
                .add("Accept-Language", "de-DE,de;q=0.9")
                .add("Cookie", "SESSION=abc")
                .add("Sec-WebSocket-Key", "x3JJHMbDL1EzLkh9GBhXDw==")
                .add("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")
                .add("upgrade", "websocket") // a near miss: the name's case differs, kept as it is
                .add("Sec-WebSocket-Version", "13 ")
                .add("Accept", "*/*")
                .add("X-Empty", ""));
        RetainedHandshakeRequest retained = retain(browser);
        assertThat(retained.header("Sec-WebSocket-Key")).isEqualTo("x3JJHMbDL1EzLkh9GBhXDw==");
        assertSameFields(retained, browser);
        assertThat(retained.headers("Upgrade")).containsExactly("websocket", "websocket");
        assertThat(retained.cookies()).containsEntry("SESSION", "abc");
        assertThat(retained.query()).isEqualTo("room=1");
        int asText = "/chat?room=1\r\n".length();
        for (Map.Entry<String, String> f : browser.headers()) {
            asText += f.getKey().length() + 2 + f.getValue().length() + 2;
        }
        // 14 of the 17 fields coded whole or by name (292 bytes fewer), LF for CRLF after the target and
        // the 8 other values (9), the key's nonce as its 16 bytes (10): 234 bytes instead of 545
        assertThat(retained.headBytes()).isEqualTo(asText - 292 - 9 - 10);
    }

    @Test
    void aKeyIsKeptAsItsNonceOnlyWhenBase64WritesItBackTheSame() {
        byte[] awkward = new byte[16]; // a nonce holding LF, NUL and the field codes: skipped, never read as codes
        for (int i = 0; i < awkward.length; i++) {
            awkward[i] = (byte) (i % 3 == 0 ? '\n' : i % 3 == 1 ? 0 : 0x11);
        }
        String canonical = java.util.Base64.getEncoder().encodeToString(awkward);
        for (String key : List.of(canonical, "dGhlIHNhbXBsZSBub25jZR==", "dGhlIHNhbXBsZSBub25jZQ", "not base64 at all!!!!!==",
                "dGhlIHNhbXBsZSBub25jZQ==x")) {
            HttpRequest request = new HttpRequest("GET", "/k", new HttpHeaders()
                    .add("Sec-WebSocket-Key", key)
                    .add("Host", "h")
                    .add("sec-websocket-key", canonical)); // another case: not the coded name, kept as text
            RetainedHandshakeRequest retained = retain(request);
            assertSameFields(retained, request);
            assertThat(retained.headers("Sec-WebSocket-Key")).containsExactly(key, canonical);
        }
        HttpRequest request = new HttpRequest("GET", "/k", new HttpHeaders().add("Sec-WebSocket-Key", canonical));
        assertThat(retain(request).headBytes()).isEqualTo(3 + 1 + 16);
    }

    @Test
    void aTargetThatIsTheExactRoutesPathIsOneByte() {
        Router.Route exact = new Router.Route(PathTemplate.parse("/idle"), new WebSocketHandler() { }, List.of());
        Router.Route template = new Router.Route(PathTemplate.parse("/{room}"), new WebSocketHandler() { }, List.of());
        HttpHeaders fields = new HttpHeaders().add("Host", "h").add("Upgrade", "websocket");
        for (String target : List.of("/idle", "/idle?x=1", "/idle/")) {
            HttpRequest request = new HttpRequest("GET", target, fields);
            for (Router.Route route : java.util.Arrays.asList(exact, template, null)) {
                RetainedHandshakeRequest retained = new RetainedHandshakeRequest(
                        RetainedHandshakeRequest.keep(request, route), route, null, null, Map.of());
                assertThat(retained.uri()).isEqualTo(DefaultHandshakeRequest.ofServerRequest(request, Map.of(), null).uri());
                assertThat(retained.path()).isEqualTo(request.path());
                assertThat(retained.query()).isEqualTo(request.query());
                assertSameFields(retained, request);
                boolean coded = route == exact && target.equals("/idle");
                // the target (or one byte), then Host's code, "h" and LF, then Upgrade's line code
                assertThat(retained.headBytes()).isEqualTo((coded ? 1 : target.length() + 1) + 3 + 1);
            }
        }
    }
}
