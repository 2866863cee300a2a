package dev.seed.websocket.protocol.handshake;

import static dev.seed.websocket.protocol.handshake.Wire.bytes;
import static dev.seed.websocket.protocol.handshake.Wire.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.seed.websocket.protocol.WireFormat;
import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.ExtensionParameters;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServerHandshakeTest {

    private static final ServerHandshake DEFAULT = ServerHandshake.builder().build();
    private static final ServerHandshake LEGACY = ServerHandshake.builder()
            .versions(WebSocketVersion.RFC_6455, WebSocketVersion.HYBI_08, WebSocketVersion.HYBI_07,
                    WebSocketVersion.HIXIE_76)
            .build();

    private static HttpRequest request(String wire) throws HandshakeException {
        return new HttpRequestParser(8192).parse(bytes(wire));
    }

    /** The RFC 6455 section 1.2 request with {@code from} replaced by {@code to}. */
    private static HttpRequest sample(String from, String to) throws HandshakeException {
        String wire = HttpRequestParserTest.RFC_SAMPLE_REQUEST;
        assertThat(wire).contains(from);
        return request(wire.replace(from, to));
    }

    private static HttpRequest withExtensions(String... values) throws HandshakeException {
        StringBuilder fields = new StringBuilder();
        for (String v : values) {
            fields.append("Sec-WebSocket-Extensions: ").append(v).append("\r\n");
        }
        return sample("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\n" + fields);
    }

    @Nested
    class Rfc6455Section1_3 {

        @Test
        void acceptKeyOfTheRfcExample() {
            assertThat(ServerHandshake.acceptKey("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        }

        @Test
        void answersTheRfcSampleHandshake() throws HandshakeException {
            ServerHandshake.Accepted a = DEFAULT.accept(request(HttpRequestParserTest.RFC_SAMPLE_REQUEST), List.of("chat"));
            assertThat(a.version()).isEqualTo(WebSocketVersion.RFC_6455);
            assertThat(a.subprotocol()).isEqualTo("chat");
            assertThat(a.extensions()).isEmpty();
            assertThat(string(a.responseBytes())).isEqualTo(HttpResponseParserTest.RFC_SAMPLE_RESPONSE);
        }

        @Test
        void responseHeadersCanBeAddedBeforeWriting() throws HandshakeException {
            ServerHandshake.Accepted a = DEFAULT.accept(request(HttpRequestParserTest.RFC_SAMPLE_REQUEST), List.of());
            a.responseHeaders().add("Set-Cookie", "sid=1; HttpOnly");
            assertThat(string(a.responseBytes())).isEqualTo("HTTP/1.1 101 Switching Protocols\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                    + "Set-Cookie: sid=1; HttpOnly\r\n"
                    + "\r\n");
            assertThat(a.response().status()).isEqualTo(101);
        }

        @Test
        void readsNamesAndTokensCaseInsensitively() throws HandshakeException {
            HttpRequest r = request("GET /chat HTTP/1.1\r\n"
                    + "host: server.example.com\r\n"
                    + "UPGRADE: WebSocket\r\n"
                    + "connection: keep-alive, Upgrade\r\n"
                    + "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "SEC-WEBSOCKET-VERSION: 13\r\n"
                    + "\r\n");
            assertThat(DEFAULT.accept(r, List.of()).response().header("Sec-WebSocket-Accept"))
                    .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        }

        @Test
        void acceptsLaterHttpVersionsAndAbsoluteFormTargets() throws HandshakeException {
            assertThat(DEFAULT.accept(sample("GET /chat HTTP/1.1", "GET http://server.example.com/chat HTTP/1.2"),
                    List.of()).version()).isEqualTo(WebSocketVersion.RFC_6455);
        }
    }

    @Nested
    class Refusals {

        static Stream<Arguments> refusals() {
            return Stream.of(
                    Arguments.of("GET /chat HTTP/1.1", "POST /chat HTTP/1.1", 405, "WebSocket upgrade requires GET."),
                    Arguments.of("GET /chat HTTP/1.1", "get /chat HTTP/1.1", 405, "WebSocket upgrade requires GET."),
                    Arguments.of("GET /chat HTTP/1.1", "GET /chat HTTP/1.0", 400, "WebSocket upgrade requires HTTP/1.1 or later."),
                    Arguments.of("Host: server.example.com\r\n", "", 400, "Missing Host header."),
                    Arguments.of("Host: server.example.com\r\n", "Host: a\r\nHost: b\r\n", 400, "Invalid Host header."),
                    Arguments.of("Host: server.example.com\r\n", "Host:\r\n", 400, "Invalid Host header."),
                    Arguments.of("Upgrade: websocket\r\n", "", 400, "Missing Upgrade header."),
                    Arguments.of("Upgrade: websocket\r\n", "Upgrade: h2c\r\n", 400, "Invalid Upgrade header."),
                    Arguments.of("Connection: Upgrade\r\n", "", 400, "Missing Connection header."),
                    Arguments.of("Connection: Upgrade\r\n", "Connection: keep-alive\r\n", 400, "Invalid Connection header."),
                    Arguments.of("Sec-WebSocket-Version: 13\r\n", "", 426, "Missing Sec-WebSocket-Version header."),
                    Arguments.of("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 12\r\n", 426, "Unsupported WebSocket version."),
                    Arguments.of("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 8\r\n", 426, "Unsupported WebSocket version."),
                    Arguments.of("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 7\r\n", 426, "Unsupported WebSocket version."),
                    Arguments.of("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13\r\n", 426,
                            "Unsupported WebSocket version."),
                    Arguments.of("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "", 400, "Missing Sec-WebSocket-Key header."),
                    // base64 of 15 bytes, of 17 bytes, not base64, unpadded 16 bytes, and twice
                    Arguments.of("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ", 400, "Invalid Sec-WebSocket-Key header."),
                    Arguments.of("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j", 400, "Invalid Sec-WebSocket-Key header."),
                    Arguments.of("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZWVl", 400, "Invalid Sec-WebSocket-Key header."),
                    Arguments.of("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j!Q==", 400, "Invalid Sec-WebSocket-Key header."),
                    Arguments.of("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", 400,
                            "Invalid Sec-WebSocket-Key header."));
        }

        @ParameterizedTest(name = "{3}")
        @MethodSource("refusals")
        void refusesWithStatusAndReason(String from, String to, int status, String message) throws HandshakeException {
            HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> DEFAULT.accept(sample(from, to), List.of("chat")));
            assertThat(e).as("refused").isNotNull();
            assertThat(e.status()).isEqualTo(status);
            assertThat(e).hasMessage(message);

            HttpResponse response = e.toResponse();
            assertThat(response.status()).isEqualTo(status);
            assertThat(response.reason()).isEqualTo(HttpResponse.reasonPhrase(status));
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(message + "\n");
            assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(response.body().length));
            assertThat(response.headers().containsToken("Connection", "close")).isTrue();
            assertThat(response.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
            String wire = string(response.toBytes());
            assertThat(wire).startsWith("HTTP/1.1 " + status + " ").endsWith("\r\n\r\n" + message + "\n");
        }

        @Test
        void methodNotAllowedNamesGet() {
            HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> DEFAULT.accept(sample("GET /chat", "POST /chat"), List.of()));
            assertThat(e.headers().get("Allow")).isEqualTo("GET");
            assertThat(e.toResponse().header("Allow")).isEqualTo("GET");
        }

        @Test
        void upgradeRequiredListsTheEnabledVersions() {
            HandshakeException e = catchThrowableOfType(HandshakeException.class, 
                    () -> DEFAULT.accept(sample("Version: 13", "Version: 12"), List.of()));
            assertThat(e.headers().getAll("Sec-WebSocket-Version")).containsExactly("13");
            assertThat(e.toResponse().headers().getAll("Sec-WebSocket-Version")).containsExactly("13");

            HandshakeException legacy = catchThrowableOfType(HandshakeException.class, 
                    () -> LEGACY.accept(sample("Version: 13", "Version: 12"), List.of()));
            assertThat(legacy.toResponse().headers().getAll("Sec-WebSocket-Version")).containsExactly("13, 8, 7");
            assertThat(legacy.toResponse().header("Upgrade")).isEqualTo("websocket");

            ServerHandshake eight = ServerHandshake.builder()
                    .versions(WebSocketVersion.RFC_6455, WebSocketVersion.HYBI_08).build();
            HandshakeException e8 = catchThrowableOfType(HandshakeException.class, 
                    () -> eight.accept(sample("Version: 13", "Version: 7"), List.of()));
            assertThat(e8.status()).isEqualTo(426);
            assertThat(e8.headers().get("Sec-WebSocket-Version")).isEqualTo("13, 8");
        }
    }

    @Nested
    class HybiDrafts {

        @Test
        void acceptsVersions7And8OnlyWhenEnabled() throws HandshakeException {
            for (WebSocketVersion v : List.of(WebSocketVersion.HYBI_07, WebSocketVersion.HYBI_08)) {
                HttpRequest r = sample("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: " + v.wireVersion());
                assertThatThrownBy(() -> DEFAULT.accept(r, List.of())).isInstanceOf(HandshakeException.class);
                ServerHandshake enabled = ServerHandshake.builder().versions(WebSocketVersion.RFC_6455, v).build();
                ServerHandshake.Accepted a = enabled.accept(r, List.of("superchat"));
                assertThat(a.version()).isEqualTo(v);
                assertThat(a.subprotocol()).isEqualTo("superchat");
                assertThat(a.response().header("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
                assertThat(a.response().reason()).isEqualTo("Switching Protocols");
            }
        }

        @Test
        void readsTheDraftOriginHeader() throws HandshakeException {
            HttpRequest r = sample("Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n"
                    + "Sec-WebSocket-Version: 13", "Sec-WebSocket-Origin: http://example.com\r\nSec-WebSocket-Version: 8");
            assertThat(LEGACY.accept(r, List.of()).version()).isEqualTo(WebSocketVersion.HYBI_08);
            assertThat(r.origin()).isEqualTo("http://example.com");
        }

        @Test
        void builderRequiresRfc6455() {
            assertThatThrownBy(() -> ServerHandshake.builder().versions(WebSocketVersion.HYBI_08))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("RFC_6455 must be enabled.");
            assertThat(LEGACY.toBuilder().build().versions()).containsExactlyInAnyOrder(WebSocketVersion.values());
            assertThat(DEFAULT.versions()).containsExactly(WebSocketVersion.RFC_6455);
        }
    }

    @Nested
    class Subprotocols {

        static Stream<Arguments> selections() {
            return Stream.of(
                    // client's header fields, route's subprotocols (server preference first), selected
                    Arguments.of(List.of("chat, superchat"), List.of("superchat", "chat"), "superchat"),
                    Arguments.of(List.of("chat, superchat"), List.of("chat", "superchat"), "chat"),
                    Arguments.of(List.of("chat, superchat"), List.of("superchat"), "superchat"),
                    Arguments.of(List.of("a", "b, c"), List.of("c", "b"), "c"),
                    Arguments.of(List.of("a", "b"), List.of("x", "b", "a"), "b"),
                    Arguments.of(List.of(" , a ,, b"), List.of("b"), "b"),
                    Arguments.of(List.of("chat"), List.of("Chat"), null),
                    Arguments.of(List.of("chat, superchat"), List.of("mqtt"), null),
                    Arguments.of(List.of("chat"), List.of(), null),
                    Arguments.of(List.of(), List.of("chat"), null));
        }

        @ParameterizedTest
        @MethodSource("selections")
        void selectsTheRoutesFirstSubprotocolThatTheClientOffers(List<String> offered, List<String> supported, String selected)
                throws HandshakeException {
            StringBuilder fields = new StringBuilder();
            for (String o : offered) {
                fields.append("Sec-WebSocket-Protocol: ").append(o).append("\r\n");
            }
            HttpRequest r = sample("Sec-WebSocket-Protocol: chat, superchat\r\n", fields.toString());
            ServerHandshake.Accepted a = DEFAULT.accept(r, supported);
            assertThat(a.subprotocol()).isEqualTo(selected);
            // RFC 6455 section 4.2.2: with no subprotocol the response has no such header.
            assertThat(a.response().headers().getAll("Sec-WebSocket-Protocol"))
                    .isEqualTo(selected == null ? List.of() : List.of(selected));
        }
    }

    @Nested
    class Extensions {

        private final FakeExtensionFactory a = new FakeExtensionFactory("x-a", WireFormat.B0_FLAG_RSV1);
        private final FakeExtensionFactory b = new FakeExtensionFactory("x-b", WireFormat.B0_FLAG_RSV1);
        private final FakeExtensionFactory c = new FakeExtensionFactory("x-c", WireFormat.B0_FLAG_RSV2);
        private final ServerHandshake server = ServerHandshake.builder().extensions(List.of(a, b, c)).build();

        private List<String> names(List<Extension> extensions) {
            return extensions.stream().map(Extension::name).toList();
        }

        @Test
        void noHeaderNoExtensionNoParsing() throws HandshakeException {
            ServerHandshake.Accepted accepted = server.accept(request(HttpRequestParserTest.RFC_SAMPLE_REQUEST), List.of());
            assertThat(accepted.extensions()).isEmpty();
            assertThat(accepted.response().headers().contains("Sec-WebSocket-Extensions")).isFalse();
            assertThat(a.negotiated).isEmpty();
        }

        @Test
        void groupsOffersByNameInOrderOfFirstAppearance() throws HandshakeException {
            ServerHandshake.Accepted accepted = server.accept(
                    withExtensions("x-c; decline, x-a; decline", "x-c; p, x-unknown, x-a; q"), List.of());
            assertThat(c.negotiated).containsExactly(ExtensionParameters.parseHeader("x-c; decline, x-c; p"));
            assertThat(a.negotiated).containsExactly(ExtensionParameters.parseHeader("x-a; decline, x-a; q"));
            assertThat(names(accepted.extensions())).containsExactly("x-c", "x-a");
            assertThat(accepted.response().header("Sec-WebSocket-Extensions")).isEqualTo("x-c; p, x-a; q");
        }

        @Test
        void anOfferRepeatingAParameterIsDeclinedNotRefused() throws HandshakeException {
            // RFC 7692 section 7.1: the server declines such an offer; the next one may still do.
            ServerHandshake.Accepted accepted = server.accept(
                    withExtensions("x-a; p=1; p=2, x-a; q"), List.of());
            assertThat(a.negotiated).containsExactly(ExtensionParameters.parseHeader("x-a; q"));
            assertThat(names(accepted.extensions())).containsExactly("x-a");
        }

        @Test
        void declinedExtensionsAreLeftOut() throws HandshakeException {
            ServerHandshake.Accepted accepted = server.accept(withExtensions("x-a; decline, x-c"), List.of());
            assertThat(names(accepted.extensions())).containsExactly("x-c");
            assertThat(accepted.response().header("Sec-WebSocket-Extensions")).isEqualTo("x-c");

            ServerHandshake.Accepted none = server.accept(withExtensions("x-a; decline, x-other"), List.of());
            assertThat(none.extensions()).isEmpty();
            assertThat(none.response().headers().contains("Sec-WebSocket-Extensions")).isFalse();
        }

        @Test
        void skipsAnExtensionWhoseReservedBitsAreTaken() throws HandshakeException {
            ServerHandshake.Accepted accepted = server.accept(withExtensions("x-b, x-a, x-c"), List.of());
            assertThat(names(accepted.extensions())).containsExactly("x-b", "x-c");
            assertThat(accepted.response().header("Sec-WebSocket-Extensions")).isEqualTo("x-b, x-c");
            assertThat(a.created).hasSize(1);
            assertThat(a.created.get(0).closed).as("declined for its RSV bits, closed").isTrue();
        }

        @Test
        void refusesAnUnparsableHeader() throws HandshakeException {
            HandshakeException e = catchThrowableOfType(HandshakeException.class, 
                    () -> server.accept(withExtensions("x-a; p=\"unterminated"), List.of()));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessage("Invalid Sec-WebSocket-Extensions header.");
        }

        @Test
        void hixieRequestsGetNoExtensions() throws HandshakeException {
            ServerHandshake hixie = server.toBuilder().versions(WebSocketVersion.RFC_6455, WebSocketVersion.HIXIE_76).build();
            String wire = HttpRequestParserTest.HIXIE_SAMPLE_REQUEST.replace("Origin:", "Sec-WebSocket-Extensions: x-a\r\nOrigin:");
            assertThat(hixie.accept(request(wire), List.of()).extensions()).isEmpty();
            assertThat(a.negotiated).isEmpty();
        }
    }

    @Nested
    class Hixie76 {

        @Test
        void answersTheDraftSampleHandshake() throws HandshakeException {
            ServerHandshake.Accepted a = LEGACY.accept(request(HttpRequestParserTest.HIXIE_SAMPLE_REQUEST), List.of("sample"));
            assertThat(a.version()).isEqualTo(WebSocketVersion.HIXIE_76);
            assertThat(a.subprotocol()).isEqualTo("sample");
            assertThat(string(a.responseBytes())).isEqualTo("HTTP/1.1 101 WebSocket Protocol Handshake\r\n"
                    + "Upgrade: WebSocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Origin: http://example.com\r\n"
                    + "Sec-WebSocket-Location: ws://example.com/demo\r\n"
                    + "Sec-WebSocket-Protocol: sample\r\n"
                    + "\r\n"
                    + "8jKS'y:G*Co,Wxa-");
        }

        /**
         * The draft's section 5.2 walk-through: key1 gives 1868545188 / 12 = 155712099, key2 gives
         * 1733470270 / 10 = 173347027.
         */
        @Test
        void answersTheDraftChallengeExample() throws HandshakeException {
            HttpRequest r = request("GET /demo?x=1 HTTP/1.1\r\n"
                    + "Host: example.com:8443\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Upgrade: WebSocket\r\n"
                    + "Sec-WebSocket-Key1: 18x 6]8vM;54 *(5:  {   U1]8  z [  8\r\n"
                    + "Sec-WebSocket-Key2: 1_ tx7X d  <  nw  334J702) 7]o}` 0\r\n"
                    + "Origin: https://example.com\r\n"
                    + "\r\n"
                    + "Tm[K T2u");
            ServerHandshake.Accepted a = LEGACY.accept(r, List.of("chat"), true);
            assertThat(string(a.response().body())).isEqualTo("fQJ,fN/4F4!~K~MH");
            assertThat(a.response().header("Sec-WebSocket-Location")).isEqualTo("wss://example.com:8443/demo?x=1");
            assertThat(a.response().header("Sec-WebSocket-Origin")).isEqualTo("https://example.com");
            assertThat(a.subprotocol()).isNull();
            assertThat(a.response().headers().contains("Sec-WebSocket-Protocol")).isFalse();
        }

        @Test
        void refusesKeysThatAreNotIntegralMultiples() throws HandshakeException {
            // 1733470278 is not a multiple of its 10 spaces.
            String wire = HttpRequestParserTest.HIXIE_SAMPLE_REQUEST.replace("12998 5 Y3 1  .P00",
                    "1_ tx7X d  <  nw  334J702) 7]o}` 8");
            HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> LEGACY.accept(request(wire), List.of()));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessage("Invalid Sec-WebSocket-Key2 header.");
        }

        @Test
        void refusesKeysWithoutSpaces() {
            // "If either /spaces_1/ or /spaces_2/ is zero, then abort the WebSocket connection. This
            // is a symptom of a cross-protocol attack."
            String wire = HttpRequestParserTest.HIXIE_SAMPLE_REQUEST.replace("4 @1  46546xW%0l 1 5", "4@146546xW%0l15");
            HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> LEGACY.accept(request(wire), List.of()));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessage("Invalid Sec-WebSocket-Key1 header.");
        }

        @Test
        void refusesAPartOver32Bits() {
            String wire = HttpRequestParserTest.HIXIE_SAMPLE_REQUEST.replace("4 @1  46546xW%0l 1 5", "8589934592 ");
            HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> LEGACY.accept(request(wire), List.of()));
            assertThat(e).hasMessage("Invalid Sec-WebSocket-Key1 header.");
            String huge = HttpRequestParserTest.HIXIE_SAMPLE_REQUEST.replace("4 @1  46546xW%0l 1 5", "9".repeat(40) + " ");
            assertThat(catchThrowableOfType(HandshakeException.class, () -> LEGACY.accept(request(huge), List.of())))
                    .hasMessage("Invalid Sec-WebSocket-Key1 header.");
        }

        @Test
        void refusesAMissingOrigin() {
            String wire = HttpRequestParserTest.HIXIE_SAMPLE_REQUEST.replace("Origin: http://example.com\r\n", "");
            HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> LEGACY.accept(request(wire), List.of()));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e).hasMessage("Missing Origin header.");
        }

        @Test
        void refusesAMissingKey3() {
            HttpRequest r = new HttpRequest("GET", "/demo", new HttpHeaders().add("Host", "example.com")
                    .add("Connection", "Upgrade").add("Upgrade", "WebSocket").add("Origin", "http://example.com")
                    .add("Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5").add("Sec-WebSocket-Key2", "12998 5 Y3 1  .P00"));
            assertThat(catchThrowableOfType(HandshakeException.class, () -> LEGACY.accept(r, List.of())))
                    .hasMessage("Invalid hixie-76 key3.");
        }

        @Test
        void isRefusedWhenNotEnabled() {
            HandshakeException e = catchThrowableOfType(HandshakeException.class, 
                    () -> DEFAULT.accept(request(HttpRequestParserTest.HIXIE_SAMPLE_REQUEST), List.of("sample")));
            assertThat(e.status()).isEqualTo(426);
            assertThat(e).hasMessage("Unsupported WebSocket version.");
            assertThat(e.toResponse().header("Sec-WebSocket-Version")).isEqualTo("13");
        }
    }
}
