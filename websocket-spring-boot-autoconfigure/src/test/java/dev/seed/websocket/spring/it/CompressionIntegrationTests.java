package dev.seed.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * permessage-deflate is negotiated exactly when {@code websocket.server.extensions} says so, and the
 * compression threshold decides per message: observed on the wire through the RSV1 bit of the
 * frames the client receives.
 */
class CompressionIntegrationTests {

    /** An inbound frame as the client's frame listener saw it. */
    record WireFrame(int opcode, int rsv, long length) {
    }

    private static final String SHORT = "short message";
    private static final String LONG = "a long and very compressible message ".repeat(100);

    @Test
    void negotiatedWhenConfiguredAndTheThresholdIsHonoured() throws Exception {
        try (ConfigurableApplicationContext app = TestApp.start(
                "websocket.server.extensions=permessage-deflate; client_max_window_bits",
                "websocket.server.compression-threshold=1KB")) {
            List<WireFrame> frames = new CopyOnWriteArrayList<>();
            try (WebSocketClient client = client(frames)) {
                Recorder recorder = new Recorder();
                WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + TestApp.port(app) + "/echo"),
                        recorder).get(10, TimeUnit.SECONDS);
                assertThat(c.extensions()).singleElement().asString().startsWith("permessage-deflate");
                c.sendText(SHORT);
                assertThat(recorder.next()).isEqualTo(SHORT);
                c.sendText(LONG);
                assertThat(recorder.next()).isEqualTo(LONG);
                assertThat(frames).hasSize(2);
                // RFC 7692 section 6: "the RSV1 bit is set on the first frame of a compressed message"
                assertThat(frames.get(0).rsv()).as("short message is sent uncompressed").isZero();
                assertThat(frames.get(0).length()).isEqualTo(SHORT.length());
                assertThat(frames.get(1).rsv()).as("long message is compressed").isEqualTo(0x40);
                assertThat(frames.get(1).length()).isLessThan(LONG.length() / 4);
                c.close();
            }
        }
    }

    /**
     * {@code websocket.server.compression-mode} decides the server's answer (RFC 7692 section 7.1):
     * the client sees it in the handshake, and messages of every size still round-trip.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "windowed, 10, permessage-deflate; server_max_window_bits=10; client_max_window_bits=12",
        "shared, 12, permessage-deflate; server_no_context_takeover; client_max_window_bits=9",
        "full, 12, permessage-deflate",
    })
    void theCompressionModeShapesTheAgreement(String mode, int bits, String agreed) throws Exception {
        try (ConfigurableApplicationContext app = TestApp.start(
                "websocket.server.extensions=permessage-deflate; client_max_window_bits",
                "websocket.server.compression-mode=" + mode, "websocket.server.compression-window-bits=" + bits,
                "websocket.server.compression-threshold=0")) {
            List<WireFrame> frames = new CopyOnWriteArrayList<>();
            try (WebSocketClient client = WebSocketClient.builder().eventLoops(1)
                    .extensions("permessage-deflate; client_max_window_bits").compressionMode(dev.seed.websocket.CompressionMode.FULL)
                    .frameListener((c, inbound, opcode, fin, rsv, length) -> {
                        if (inbound && opcode <= 2) {
                            frames.add(new WireFrame(opcode, rsv, length));
                        }
                    }).build()) {
                Recorder recorder = new Recorder();
                WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + TestApp.port(app) + "/echo"),
                        recorder).get(10, TimeUnit.SECONDS);
                assertThat(c.extensions()).singleElement().asString().isEqualTo(agreed);
                for (int round = 0; round < 3; round++) {
                    c.sendText(LONG);
                    assertThat(recorder.next()).isEqualTo(LONG);
                }
                assertThat(frames).hasSize(3).allSatisfy(f -> assertThat(f.rsv()).isEqualTo(0x40));
                c.close();
            }
        }
    }

    @Test
    void notNegotiatedWhenNotConfigured() throws Exception {
        try (ConfigurableApplicationContext app = TestApp.start()) {
            List<WireFrame> frames = new CopyOnWriteArrayList<>();
            try (WebSocketClient client = client(frames)) {
                Recorder recorder = new Recorder();
                WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + TestApp.port(app) + "/echo"),
                        recorder).get(10, TimeUnit.SECONDS);
                assertThat(c.extensions()).isEmpty();
                c.sendText(LONG);
                assertThat(recorder.next()).isEqualTo(LONG);
                assertThat(frames).singleElement().satisfies(f -> {
                    assertThat(f.rsv()).isZero();
                    assertThat(f.length()).isEqualTo(LONG.length());
                });
                c.close();
            }
        }
    }

    /** A client that offers permessage-deflate and records the data frames it receives. */
    private static WebSocketClient client(List<WireFrame> frames) {
        return WebSocketClient.builder().eventLoops(1).extensions("permessage-deflate")
                .frameListener((c, inbound, opcode, fin, rsv, length) -> {
                    if (inbound && opcode <= 2) {
                        frames.add(new WireFrame(opcode, rsv, length));
                    }
                }).build();
    }
}
