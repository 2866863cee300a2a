package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.EchoHandler;
import dev.seed.websocket.it.RawPeer;
import dev.seed.websocket.it.RecordingHandler;
import dev.seed.websocket.protocol.ProtocolException;
import dev.seed.websocket.servlet.Container;
import dev.seed.websocket.servlet.WebSocketUpgradeFilter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Core's hostile inputs against our server hosted on a servlet container (Tomcat and Jetty,
 * through {@link WebSocketUpgradeFilter}), each run on our own port too with the same assertions: the
 * HTTP refusals of malformed handshakes to a route, a frame length lie, an unmasked client frame,
 * a message growing past the limit, invalid UTF-8 and a compression bomb get the same status or
 * close code and reason, the server closes TCP after its close frame, its handler hears of it,
 * and a well-behaved client is still served. Requests that are not for a route, or that carry no
 * WebSocket field, are the application's on the container (200 "page").
 */
class ContainerHostileInputTest {

    /** Where the server's routes are served. */
    enum Host {
        OWN_PORT, TOMCAT, JETTY, TOMCAT_SERVLET_API
    }

    private static final int LIMIT = 1024 * 1024;
    private static final int INFLATED = 100 * 1024 * 1024;

    private WebSocketServer server;
    private Container container;
    private final RecordingHandler serverSide = new RecordingHandler();

    @AfterEach
    void stop() throws Exception {
        if (container != null) {
            container.close();
        }
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    /**
     * Core's hostile-test server (LengthLieTest, CompressionBombTest): 1 MiB frame and message
     * limits, permessage-deflate, a recording route and an echo route; the port to attack.
     */
    private int start(Host host) throws Exception {
        UnaryOperator<WebSocketServer.Builder> listening = host == Host.OWN_PORT
                ? b -> b.host("127.0.0.1").port(0)
                : b -> b.listen(false);
        server = listening.apply(WebSocketServer.builder())
                .maxFrameSize(LIMIT).maxMessageSize(LIMIT).closeTimeout(Duration.ofSeconds(1))
                .extensions("permessage-deflate")
                .route("/lie", serverSide).route("/echo", new EchoHandler())
                .build().start();
        if (host == Host.OWN_PORT) {
            return server.port();
        }
        Container.Kind kind = Container.Kind.valueOf(host.name());
        container = Container.start(kind, List.of(Container.upgradeFilter(kind, server)));
        return container.port();
    }

    // ------------------------------------------------------------------ opening handshakes

    private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    private static final String VERSION = "Sec-WebSocket-Version: 13\r\n";

    /** Malformed upgrade requests to a route, as core's ServerHandshakeTest refuses them. */
    static Stream<Arguments> refusals() {
        String valid = RawPeer.upgradeRequest("/echo");
        List<Arguments> cases = new ArrayList<>();
        Object[][] table = {
            {"missing Sec-WebSocket-Key", valid.replace(KEY, ""), 400, "Missing Sec-WebSocket-Key header."},
            {"Sec-WebSocket-Key of 15 bytes", valid.replace("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j"),
                400, "Invalid Sec-WebSocket-Key header."},
            {"Sec-WebSocket-Key not base64", valid.replace("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j!Q=="),
                400, "Invalid Sec-WebSocket-Key header."},
            {"Sec-WebSocket-Version 8", valid.replace(VERSION, "Sec-WebSocket-Version: 8\r\n"),
                426, "Unsupported WebSocket version."},
            {"Sec-WebSocket-Version 12", valid.replace(VERSION, "Sec-WebSocket-Version: 12\r\n"),
                426, "Unsupported WebSocket version."},
            {"missing Sec-WebSocket-Version", valid.replace(VERSION, ""), 426, "Missing Sec-WebSocket-Version header."},
            {"missing Connection", valid.replace("Connection: Upgrade\r\n", ""), 400, "Missing Connection header."},
            {"POST", valid.replace("GET /echo", "POST /echo"), 405, "WebSocket upgrade requires GET."},
        };
        for (Host host : Host.values()) {
            for (Object[] row : table) {
                cases.add(Arguments.of(host, row[0], row[1], row[2], row[3]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("refusals")
    void aMalformedHandshakeToARouteGetsTheServersRefusal(Host host, String what, String request, int status,
            String message) throws Exception {
        int port = start(host);
        try (RawPeer raw = new RawPeer(port)) {
            raw.sendRaw(request.getBytes(StandardCharsets.ISO_8859_1));
            RawPeer.Response r = raw.readResponse();
            assertThat(r.status()).as(what).isEqualTo(status);
            if (host == Host.JETTY && what.equals("missing Connection")) {
                // Jetty's HTTP/1.1 parser answers an Upgrade without Connection itself, before any
                // filter ("Invalid h2c upgrade headers"): the same 400, in Jetty's words
                assertThat(r.body()).contains("400");
                Bystander.echoes(port, Duration.ofSeconds(2));
                return;
            }
            assertThat(r.body()).isEqualTo(message + "\n");
            // the same media type and charset; Tomcat writes the field without the optional
            // space before the parameter (RFC 9110 section 8.3.1: "text/plain;charset=utf-8")
            assertThat(r.headers().get("content-type").replace("; ", ";")).isEqualTo("text/plain;charset=utf-8");
            if (status == 426) {
                // RFC 6455 section 4.4: the versions the server supports
                assertThat(r.headers().get("sec-websocket-version")).isEqualTo("13");
            }
            if (status == 405) {
                assertThat(r.headers().get("allow")).isEqualTo("GET");
            }
        }
        Bystander.echoes(port, Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @EnumSource(value = Host.class, names = {"TOMCAT", "JETTY"})
    void onTheContainerRequestsForOtherPathsOrWithoutWebSocketFieldsReachTheApplication(Host host) throws Exception {
        int port = start(host);
        String notARoute = RawPeer.upgradeRequest("/elsewhere");
        String noWebSocketField = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n\r\n";
        for (String request : List.of(notARoute, noWebSocketField)) {
            try (RawPeer raw = new RawPeer(port)) {
                raw.sendRaw(request.getBytes(StandardCharsets.ISO_8859_1));
                RawPeer.Response r = raw.readResponse();
                assertThat(r.status()).as(request).isEqualTo(200);
                assertThat(r.body()).isEqualTo("page");
            }
        }
        assertThat(server.connections()).isEmpty();
    }

    // ------------------------------------------------------------------ frames

    /** The server's close frame: its code and reason; then it must close TCP (RFC 6455 section 7.1.1). */
    private static void expectClose(RawPeer raw, int code, String reason) throws Exception {
        RawPeer.Frame close = raw.readUntilClose();
        assertThat(close.closeCode()).isEqualTo(code);
        assertThat(close.text().substring(2)).isEqualTo(reason);
        assertThat(raw.closedByPeerWithin(5000)).as("the server closed TCP after its close frame").isTrue();
    }

    /** The handler's view: the protocol error, then the close with the same code. */
    private void expectHandlerSawProtocolError(int code) throws Exception {
        assertThat(serverSide.awaitClose().code()).isEqualTo(code);
        RecordingHandler.Event error = serverSide.next();
        assertThat(error.type()).isEqualTo("error");
        assertThat(((ProtocolException) error.value()).closeCode()).isEqualTo(code);
        serverSide.assertExhausted();
        assertThat(serverSide.opened.get().closeCause()).isEqualTo(CloseCause.PROTOCOL_ERROR);
    }

    @ParameterizedTest
    @EnumSource(Host.class)
    void aFrameClaiming2To63Minus1BytesIsFailedWith1009BeforeAnyPayload(Host host) throws Exception {
        int port = start(host);
        try (RawPeer raw = new RawPeer(port)) {
            assertThat(raw.handshake("/lie").status()).isEqualTo(101);
            long allocatedBefore = Resources.allocatedByServerLoops();
            raw.sendFrame(0x82, new byte[0], true, Long.MAX_VALUE); // the header alone
            expectClose(raw, 1009, "Frame too large.");
            assertThat(Resources.allocatedByServerLoops() - allocatedBefore)
                    .as("bytes the server's loops allocated for the lie").isLessThan(256 * 1024);
        }
        expectHandlerSawProtocolError(1009);
        Bystander.echoes(port, Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @EnumSource(Host.class)
    void anUnmaskedClientFrameIsFailedWith1002(Host host) throws Exception {
        int port = start(host);
        try (RawPeer raw = new RawPeer(port)) {
            assertThat(raw.handshake("/lie").status()).isEqualTo(101);
            raw.sendFrame(0x81, "hello".getBytes(StandardCharsets.UTF_8), false);
            expectClose(raw, 1002, "Client frames must be masked.");
        }
        expectHandlerSawProtocolError(1002);
        Bystander.echoes(port, Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @EnumSource(Host.class)
    void aMessageGrowingPastTheLimitIsFailedWith1009AtTheFragmentThatCrossesIt(Host host) throws Exception {
        int port = start(host);
        try (RawPeer raw = new RawPeer(port)) {
            assertThat(raw.handshake("/lie").status()).isEqualTo(101);
            long allocatedBefore = Resources.allocatedByServerLoops();
            byte[] fragment = new byte[64 * 1024];
            raw.sendFrame(0x02, fragment, true);
            for (int i = 1; i < 16; i++) {
                raw.sendFrame(0x00, fragment, true); // 16 fragments: exactly the limit
            }
            raw.sendFrame(0x00, new byte[0], true, fragment.length); // announces the 17th
            expectClose(raw, 1009, "Message too large.");
            assertThat(Resources.allocatedByServerLoops() - allocatedBefore)
                    .as("bytes the server's loops allocated").isLessThan(3L * LIMIT);
        }
        expectHandlerSawProtocolError(1009);
        Bystander.echoes(port, Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @EnumSource(Host.class)
    void invalidUtf8IsFailedWith1007(Host host) throws Exception {
        int port = start(host);
        try (RawPeer raw = new RawPeer(port)) {
            assertThat(raw.handshake("/lie").status()).isEqualTo(101);
            // "κόσμε" followed by an encoded surrogate (ED A0 80), then "edited" (case 6.3.1)
            raw.sendFrame(0x81, HexFormat.of().parseHex("cebae1bdb9cf83cebcceb5eda080656469746564"), true);
            expectClose(raw, 1007, "Invalid UTF-8 in text message.");
        }
        expectHandlerSawProtocolError(1007);
        Bystander.echoes(port, Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @EnumSource(Host.class)
    void aHundredKilobyteFrameThatInflatesTo100MiBIsFailedWith1009AtTheLimit(Host host) throws Exception {
        int port = start(host);
        byte[] bomb = CompressionBombTest.bomb(INFLATED);
        assertThat(bomb.length).as("compressed size").isBetween(90_000, 110_000);
        try (RawPeer raw = new RawPeer(port)) {
            RawPeer.Response r = raw.handshake("/lie", "Sec-WebSocket-Extensions: permessage-deflate");
            assertThat(r.status()).isEqualTo(101);
            assertThat(r.headers().get("sec-websocket-extensions")).startsWith("permessage-deflate");
            long allocatedBefore = Resources.allocatedByServerLoops();
            raw.sendFrame(0xC2, bomb, true); // FIN, RSV1 (compressed), binary
            expectClose(raw, 1009, "Message too large.");
            assertThat(Resources.allocatedByServerLoops() - allocatedBefore)
                    .as("bytes the server's loops allocated for the bomb").isLessThan(4L * LIMIT);
        }
        expectHandlerSawProtocolError(1009);
        Bystander.echoes(port, Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @EnumSource(Host.class)
    void aBombSplitOverManyFragmentsIsStoppedTheSameWay(Host host) throws Exception {
        int port = start(host);
        byte[] bomb = CompressionBombTest.bomb(INFLATED);
        try (RawPeer raw = new RawPeer(port)) {
            assertThat(raw.handshake("/lie", "Sec-WebSocket-Extensions: permessage-deflate").status()).isEqualTo(101);
            CompressionBombTest.sendInFragments(raw, bomb, 1000);
            assertThat(raw.readUntilClose().closeCode()).isEqualTo(1009);
        }
        expectHandlerSawProtocolError(1009);
    }
}
