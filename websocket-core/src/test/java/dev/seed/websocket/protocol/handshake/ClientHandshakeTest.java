package dev.seed.websocket.protocol.handshake;

import static dev.seed.websocket.protocol.handshake.Wire.bytes;
import static dev.seed.websocket.protocol.handshake.Wire.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.seed.websocket.protocol.WireFormat;
import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.ExtensionParameters;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClientHandshakeTest {

    /** Draws "the sample nonce", the 16 bytes behind RFC 6455 section 1.3's key. */
    static final class SampleNonce extends Random {
        private static final long serialVersionUID = 1L;

        @Override
        public void nextBytes(byte[] bytes) {
            byte[] nonce = "the sample nonce".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(nonce, 0, bytes, 0, bytes.length);
        }
    }

    private static ClientHandshake.Builder sample() {
        return ClientHandshake.builder(URI.create("ws://server.example.com/chat"))
                .origin("http://example.com")
                .subprotocols(List.of("chat", "superchat"))
                .random(new SampleNonce());
    }

    private static HttpResponse response(String wire) throws HandshakeException {
        return new HttpResponseParser(8192).parse(bytes(wire));
    }

    /** The RFC 6455 section 1.2 response with {@code from} replaced by {@code to}. */
    private static HttpResponse sampleResponse(String from, String to) throws HandshakeException {
        assertThat(HttpResponseParserTest.RFC_SAMPLE_RESPONSE).contains(from);
        return response(HttpResponseParserTest.RFC_SAMPLE_RESPONSE.replace(from, to));
    }

    private static HandshakeException failure(ClientHandshake client, HttpResponse response) {
        return catchThrowableOfType(HandshakeException.class, () -> client.validate(response));
    }

    @Test
    void writesTheRfcSampleRequest() {
        ClientHandshake client = sample().build();
        assertThat(client.key()).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
        assertThat(string(client.requestBytes())).isEqualTo("GET /chat HTTP/1.1\r\n"
                + "Host: server.example.com\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Origin: http://example.com\r\n"
                + "Sec-WebSocket-Protocol: chat, superchat\r\n"
                + "\r\n");
    }

    @Test
    void theServerAcceptsTheClientsRequest() throws HandshakeException {
        ClientHandshake client = ClientHandshake.builder(URI.create("ws://localhost:8080")).build();
        HttpRequest parsed = new HttpRequestParser(8192).parse(client.requestBytes());
        ServerHandshake.Accepted accepted = ServerHandshake.builder().build().accept(parsed, List.of());
        ClientHandshake.Result result = client.validate(accepted.response());
        assertThat(result.subprotocol()).isNull();
        assertThat(result.extensions()).isEmpty();
    }

    @Test
    void drawsA16ByteKeyFromSecureRandomByDefault() {
        String k1 = ClientHandshake.builder(URI.create("ws://a/")).build().key();
        String k2 = ClientHandshake.builder(URI.create("ws://a/")).build().key();
        assertThat(Base64.getDecoder().decode(k1)).hasSize(16);
        assertThat(k1).hasSize(24).isNotEqualTo(k2);
    }

    @Test
    void writesHostAndTargetFromTheUri() {
        assertThat(request("ws://h:8080").header("Host")).isEqualTo("h:8080");
        assertThat(request("ws://h:80/").header("Host")).isEqualTo("h");
        assertThat(request("wss://h:443/").header("Host")).isEqualTo("h");
        assertThat(request("ws://h:443/").header("Host")).isEqualTo("h:443");
        assertThat(request("wss://h:80/").header("Host")).isEqualTo("h:80");
        assertThat(request("ws://[::1]:9000/").header("Host")).isEqualTo("[::1]:9000");
        assertThat(request("ws://h").target()).isEqualTo("/");
        assertThat(request("ws://h?q=1").target()).isEqualTo("/?q=1");
        assertThat(request("ws://h/a%20b/c?x=%2F&y").target()).isEqualTo("/a%20b/c?x=%2F&y");
        ClientHandshake wss = ClientHandshake.builder(URI.create("WSS://h/")).build();
        assertThat(wss.secure()).isTrue();
        assertThat(wss.port()).isEqualTo(443);
        assertThat(ClientHandshake.builder(URI.create("ws://h/")).build().port()).isEqualTo(80);
    }

    private static HttpRequest request(String uri) {
        return ClientHandshake.builder(URI.create(uri)).build().request();
    }

    @Test
    void refusesUrisThatAreNotWebSocketUris() {
        assertThatThrownBy(() -> ClientHandshake.builder(URI.create("http://h/")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("URI scheme must be ws or wss.");
        assertThatThrownBy(() -> ClientHandshake.builder(URI.create("/relative")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("URI scheme must be ws or wss.");
        assertThatThrownBy(() -> ClientHandshake.builder(URI.create("ws://h/#frag")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("URI must not have a fragment.");
        assertThatThrownBy(() -> ClientHandshake.builder(URI.create("ws:///path")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("URI has no host.");
    }

    @Test
    void addsCustomHeadersAndOneCookieHeader() {
        Map<String, String> cookies = new LinkedHashMap<>();
        cookies.put("sid", "abc");
        cookies.put("theme", "\"dark\"");
        HttpRequest r = ClientHandshake.builder(URI.create("ws://h/"))
                .header("Authorization", "Bearer t")
                .header("X-Trace", "1")
                .cookies(cookies)
                .random(new SampleNonce())
                .build().request();
        assertThat(r.headers().names()).containsExactly("Host", "Upgrade", "Connection", "Sec-WebSocket-Key",
                "Sec-WebSocket-Version", "Authorization", "X-Trace", "Cookie");
        assertThat(r.headers().getAll("Cookie")).containsExactly("sid=abc; theme=\"dark\"");
        assertThat(r.cookies()).isEqualTo(cookies);
    }

    @Test
    void refusesInvalidSettings() {
        ClientHandshake.Builder b = ClientHandshake.builder(URI.create("ws://h/"));
        assertThatThrownBy(() -> b.header("Sec-WebSocket-Key", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Header is set by the handshake: Sec-WebSocket-Key");
        assertThatThrownBy(() -> b.header("host", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.header("X", "a\r\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.origin("http://a\r\nX: 1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.subprotocols(List.of("chat", "chat"))).hasMessage("Repeated subprotocol.");
        assertThatThrownBy(() -> b.subprotocols(List.of("a b"))).hasMessage("Invalid subprotocol.");
        assertThatThrownBy(() -> b.subprotocols(List.of(""))).hasMessage("Invalid subprotocol.");
        assertThatThrownBy(() -> b.cookies(Map.of("a b", "1"))).hasMessage("Invalid cookie name.");
        assertThatThrownBy(() -> b.cookies(Map.of("a", "1;2"))).hasMessage("Invalid cookie value.");
        assertThatThrownBy(() -> b.cookies(Map.of("a", "x y"))).hasMessage("Invalid cookie value.");
    }

    @Test
    void offersEveryFactorysExtensions() {
        FakeExtensionFactory a = new FakeExtensionFactory("x-a", WireFormat.B0_FLAG_RSV1,
                new ExtensionParameters("x-a", params("p")), ExtensionParameters.of("x-a"));
        FakeExtensionFactory b = new FakeExtensionFactory("x-b", WireFormat.B0_FLAG_RSV2, ExtensionParameters.of("x-b"));
        FakeExtensionFactory none = new FakeExtensionFactory("x-none", 0);
        HttpRequest r = ClientHandshake.builder(URI.create("ws://h/")).extensions(List.of(a, none, b)).build().request();
        assertThat(r.headers().getAll("Sec-WebSocket-Extensions")).containsExactly("x-a; p, x-a, x-b");
        HttpRequest without = ClientHandshake.builder(URI.create("ws://h/")).extensions(List.of(none)).build().request();
        assertThat(without.headers().contains("Sec-WebSocket-Extensions")).isFalse();
    }

    private static Map<String, String> params(String valueless) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(valueless, null);
        return m;
    }

    @Test
    void validatesTheRfcSampleResponse() throws HandshakeException {
        ByteBuffer in = bytes(HttpResponseParserTest.RFC_SAMPLE_RESPONSE + HttpResponseParserTest.EARLY_FRAME);
        HttpResponse response = new HttpResponseParser(8192).parse(in);
        ClientHandshake.Result result = sample().build().validate(response);
        assertThat(result.subprotocol()).isEqualTo("chat");
        assertThat(result.extensions()).isEmpty();
        assertThat(result.headers().get("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(string(in)).as("early frame left for the frame decoder").isEqualTo(HttpResponseParserTest.EARLY_FRAME);
    }

    @Test
    void acceptsTokensCaseInsensitively() throws HandshakeException {
        HttpResponse r = response("HTTP/1.1 101 Switching Protocols\r\n"
                + "upgrade: WebSocket\r\n"
                + "CONNECTION: keep-alive, upgrade\r\n"
                + "sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                + "\r\n");
        assertThat(sample().build().validate(r).subprotocol()).isNull();
    }

    @Test
    void failsOnARefusalWithTheServersStatusAndHeaders() throws HandshakeException {
        HttpResponse refusal = response("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nX-Reason: origin\r\n\r\n");
        HandshakeException e = failure(sample().build(), refusal);
        assertThat(e.status()).isEqualTo(403);
        assertThat(e).hasMessage("Server refused the handshake with status 403.");
        assertThat(e.headers().get("X-Reason")).isEqualTo("origin");

        HttpResponse upgrade = response("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 8\r\n\r\n");
        HandshakeException e426 = failure(sample().build(), upgrade);
        assertThat(e426.status()).isEqualTo(426);
        assertThat(e426.headers().get("Sec-WebSocket-Version")).isEqualTo("8");
    }

    @Test
    void failsOnEachInvalidField() throws HandshakeException {
        ClientHandshake client = sample().build();
        assertFailure(client, sampleResponse("Upgrade: websocket\r\n", ""), "Missing Upgrade header.");
        assertFailure(client, sampleResponse("Upgrade: websocket", "Upgrade: h2c"), "Invalid Upgrade header.");
        assertFailure(client, sampleResponse("Connection: Upgrade\r\n", ""), "Missing Connection header.");
        assertFailure(client, sampleResponse("Connection: Upgrade", "Connection: close"), "Invalid Connection header.");
        assertFailure(client, sampleResponse("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", ""),
                "Missing Sec-WebSocket-Accept header.");
        assertFailure(client, sampleResponse("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "s3pPLMBiTxaQ9kYGzzhZRbK+xOA="),
                "Invalid Sec-WebSocket-Accept header.");
        assertFailure(client, sampleResponse("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "S3PPLMBITXAQ9KYGZZHZRBK+XOO="),
                "Invalid Sec-WebSocket-Accept header.");
        assertFailure(client, sampleResponse("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n",
                "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
                "Invalid Sec-WebSocket-Accept header.");
        assertFailure(client, sampleResponse("Protocol: chat", "Protocol: mqtt"),
                "Server selected a subprotocol that was not offered.");
        assertFailure(client, sampleResponse("Protocol: chat", "Protocol: chat, superchat"),
                "Server selected a subprotocol that was not offered.");
        assertFailure(client, sampleResponse("Sec-WebSocket-Protocol: chat\r\n",
                "Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: chat\r\n"), "Invalid Sec-WebSocket-Protocol header.");
        ClientHandshake noSubprotocol = ClientHandshake.builder(URI.create("ws://server.example.com/chat"))
                .random(new SampleNonce()).build();
        assertFailure(noSubprotocol, response(HttpResponseParserTest.RFC_SAMPLE_RESPONSE), "Server selected a subprotocol that was not offered.");
    }

    private static void assertFailure(ClientHandshake client, HttpResponse response, String message) {
        HandshakeException e = failure(client, response);
        assertThat(e).as(message).isNotNull();
        assertThat(e).hasMessage(message);
        assertThat(e.status()).isEqualTo(101);
        assertThat(e.headers()).isEqualTo(response.headers());
    }

    @Test
    void acceptsExtensionsThroughTheirFactories() throws HandshakeException {
        FakeExtensionFactory a = new FakeExtensionFactory("x-a", WireFormat.B0_FLAG_RSV1, ExtensionParameters.of("x-a"));
        FakeExtensionFactory c = new FakeExtensionFactory("x-c", WireFormat.B0_FLAG_RSV2, ExtensionParameters.of("x-c"));
        ClientHandshake client = sample().extensions(List.of(a, c)).build();
        ClientHandshake.Result result = client.validate(sampleResponse("\r\n\r\n",
                "\r\nSec-WebSocket-Extensions: x-c; q\r\nSec-WebSocket-Extensions: X-A\r\n\r\n"));
        assertThat(result.extensions()).extracting(Extension::name).containsExactly("x-c", "x-a");
        assertThat(result.extensions().get(0).parameters()).isEqualTo(ExtensionParameters.parseHeader("x-c; q").get(0));
    }

    @Test
    void failsOnExtensionsTheClientCannotAccept() throws HandshakeException {
        FakeExtensionFactory a = new FakeExtensionFactory("x-a", WireFormat.B0_FLAG_RSV1, ExtensionParameters.of("x-a"));
        FakeExtensionFactory b = new FakeExtensionFactory("x-b", WireFormat.B0_FLAG_RSV1, ExtensionParameters.of("x-b"));
        ClientHandshake client = sample().extensions(List.of(a, b)).build();
        assertFailure(client, withExtensions("x-other"), "Server accepted an extension that was not offered.");
        assertFailure(client, withExtensions("x-a, x-a"), "Server accepted an extension twice.");
        assertFailure(client, withExtensions("x-a; bad"), "Unexpected parameter bad.");
        assertFailure(client, withExtensions("x-a; p=\"unterminated"), "Invalid Sec-WebSocket-Extensions header.");
        assertFailure(client, withExtensions("x-a, x-b"), "Extensions use the same reserved bits.");
        assertThat(a.created).isNotEmpty().allSatisfy(e -> assertThat(e.closed).isTrue());
        assertFailure(ClientHandshake.builder(URI.create("ws://server.example.com/chat")).random(new SampleNonce())
                .subprotocols(List.of("chat")).build(), withExtensions("x-a"),
                "Server accepted an extension that was not offered.");
    }

    private static HttpResponse withExtensions(String value) throws HandshakeException {
        return sampleResponse("\r\n\r\n", "\r\nSec-WebSocket-Extensions: " + value + "\r\n\r\n");
    }
}
