package dev.seed.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Close codes are counted with the right tags after normal, protocol-error, abnormal and
 * application closes, on the server and on the client bean; handshakes, messages and the open
 * connection gauge as well. Each test runs its own application so that counts start at zero.
 */
class CloseCodeMetricsIntegrationTests {

    private ConfigurableApplicationContext app;
    private MeterRegistry registry;
    private int port;

    @BeforeEach
    void start() {
        app = TestApp.start("websocket.metrics.close-codes=4001");
        registry = app.getBean(MeterRegistry.class);
        port = TestApp.port(app);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void normalCloseCountedOnBothSides() throws Exception {
        WebSocketClient client = app.getBean(WebSocketClient.class);
        Recorder recorder = new Recorder();
        WebSocketConnection c = client.connect(uri("/echo"), recorder).get(10, TimeUnit.SECONDS);
        Await.until("server gauge at 1", () -> active("server") == 1);
        assertThat(active("client")).isEqualTo(1);
        c.sendText("ping");
        assertThat(recorder.next()).isEqualTo("ping");
        c.close(1000, "done");
        assertThat(recorder.awaitClose()).isEqualTo(1000);
        awaitClosed("server", "1000", "peer_closed", "remote");
        awaitClosed("client", "1000", "local_close", "local");
        Await.until("server gauge at 0", () -> active("server") == 0);
        assertThat(active("client")).isZero();
        assertThat(count("websocket.handshakes", "side", "server", "outcome", "accepted", "status", "101"))
                .isEqualTo(1);
        assertThat(count("websocket.messages.received", "side", "server", "type", "text")).isEqualTo(1);
        assertThat(count("websocket.messages.sent", "side", "server", "type", "text")).isEqualTo(1);
        assertThat(count("websocket.bytes.received", "side", "server", "type", "text")).isEqualTo(4);
        assertThat(count("websocket.messages.sent", "side", "client", "type", "text")).isEqualTo(1);
        // the server's meters carry the route's template; a client's "none"
        assertThat(count("websocket.messages.received", "side", "server", "route", "/echo")).isEqualTo(1);
        assertThat(count("websocket.connections.closed", "side", "server", "route", "/echo")).isEqualTo(1);
        assertThat(count("websocket.messages.sent", "side", "client", "route", "none")).isEqualTo(1);
    }

    @Test
    void protocolErrorCountedAs1002() throws Exception {
        try (RawPeer peer = new RawPeer(port)) {
            assertThat(peer.handshake("/echo")).startsWith("HTTP/1.1 101");
            // RFC 6455 5.1: "a server MUST close the connection upon receiving a frame that is not masked"
            peer.sendFrame(0x1, false, "unmasked".getBytes(StandardCharsets.UTF_8));
            RawPeer.Frame close = peer.readFrame();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1002);
        }
        awaitClosed("server", "1002", "protocol_error", "local");
    }

    @Test
    void abnormalCloseCountedAs1006() throws Exception {
        try (RawPeer peer = new RawPeer(port)) {
            assertThat(peer.handshake("/echo")).startsWith("HTTP/1.1 101");
            Await.until("server gauge at 1", () -> active("server") == 1);
            peer.reset();
        }
        awaitClosed("server", "1006", "abnormal", "remote");
        assertThat(active("server")).isZero();
    }

    @Test
    void applicationCodesKeptWhenListedElseBucketed() throws Exception {
        WebSocketClient client = app.getBean(WebSocketClient.class);
        for (int code : new int[] {4001, 4002}) {
            Recorder recorder = new Recorder();
            WebSocketConnection c = client.connect(uri("/echo"), recorder).get(10, TimeUnit.SECONDS);
            c.close(code, "app");
            recorder.awaitClose();
        }
        awaitClosed("server", "4001", "peer_closed", "remote");
        awaitClosed("server", "4xxx", "peer_closed", "remote");
        awaitClosed("client", "4001", "local_close", "local");
        assertThat(registry.find("websocket.connections.closed").tag("code", "4002").counters()).isEmpty();
    }

    @Test
    void refusedHandshakeCountedWithItsStatus() throws Exception {
        try (RawPeer peer = new RawPeer(port)) {
            assertThat(peer.handshake("/nowhere")).startsWith("HTTP/1.1 404");
        }
        Await.until("refused handshake counted", () -> count("websocket.handshakes", "side", "server", "outcome",
                "refused", "status", "404") == 1);
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    private void awaitClosed(String side, String code, String cause, String initiator) throws InterruptedException {
        Await.until("websocket.connections.closed{side=" + side + ",code=" + code + ",cause=" + cause
                + ",initiator=" + initiator + "} == 1 in " + registry.find("websocket.connections.closed").counters()
                        .stream().map(m -> m.getId().getTags() + "=" + m.count()).toList(),
                () -> count("websocket.connections.closed", "side", side, "code", code, "cause", cause,
                        "initiator", initiator) == 1);
    }

    /** The sum over every meter of that name with these tags (one per route). */
    private double count(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    private double active(String side) {
        Gauge gauge = registry.find("websocket.connections.active").tag("side", side).gauge();
        return gauge == null ? -1 : gauge.value();
    }
}
