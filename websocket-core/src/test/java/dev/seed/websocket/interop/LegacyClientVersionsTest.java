package dev.seed.websocket.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.RecordingHandler;
import dev.seed.websocket.protocol.handshake.WebSocketVersion;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The client speaking the legacy versions (the seed's client can): hybi-07 and hybi-08 against our
 * server's legacy paths and hybi-08 against Node's ws (which accepts versions 8 and 13), and
 * draft-hixie-76 against our server (no maintained peer speaks it any more).
 */
class LegacyClientVersionsTest {

    private WebSocketServer server;
    private final WebSocketClient client = WebSocketClient.create();

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.shutdown(Duration.ofSeconds(1));
        }
    }

    private void startLegacyServer(CompletableFuture<String> seen) {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).hybiDrafts(true).hixie76(true)
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        String v = c.request().header("Sec-WebSocket-Version");
                        seen.complete((v == null ? "hixie-76" : "version " + v) + ", origin "
                                + (c.request().header("Origin") != null ? c.request().header("Origin")
                                        : c.request().header("Sec-WebSocket-Origin")));
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        c.sendText("echo " + text);
                    }

                    @Override
                    public void onBinary(WebSocketConnection c, ByteBuffer data) {
                        c.sendBinary(data);
                    }
                }).build().start();
    }

    @ParameterizedTest
    @EnumSource(value = WebSocketVersion.class, names = {"HYBI_07", "HYBI_08"})
    void hybiDraftsAgainstOurLegacyServer(WebSocketVersion version) throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        startLegacyServer(seen);
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"),
                ConnectOptions.builder().version(version).origin("http://127.0.0.1").build(), h)
                .get(5, TimeUnit.SECONDS);
        assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("version " + version.wireVersion()
                + ", origin http://127.0.0.1");
        c.sendText("héllo");
        assertThat(h.nextText()).isEqualTo("echo héllo");
        c.sendBinary(new byte[] {1, 2, 3});
        assertThat(h.nextBinary()).containsExactly(1, 2, 3);
        c.close(4000, "bye");
        assertThat(h.awaitClose().code()).isEqualTo(4000);
    }

    @Test
    void hixie76AgainstOurLegacyServer() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        startLegacyServer(seen);
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo?x=1"),
                ConnectOptions.builder().version(WebSocketVersion.HIXIE_76).build(), h)
                .get(5, TimeUnit.SECONDS);
        assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("hixie-76, origin http://127.0.0.1:" + server.port());
        assertThat(c.handshakeResponse().header("Sec-WebSocket-Location"))
                .isEqualTo("ws://127.0.0.1:" + server.port() + "/echo?x=1");
        for (int i = 0; i < 50; i++) {
            c.sendText("message " + i + " ✓");
        }
        for (int i = 0; i < 50; i++) {
            assertThat(h.nextText()).isEqualTo("echo message " + i + " ✓");
        }
        c.close();
        // hixie-76 has no close codes: the closing frame reads as 1005
        assertThat(h.awaitClose().code()).isEqualTo(CloseCodes.WS_NO_STATUS);
    }

    @Test
    void hybi08AgainstNodeWs() throws Exception {
        Path ws = PeerProcess.projectRoot().resolve(".tools/node_modules/ws");
        assertThat(Files.isRegularFile(ws.resolve("package.json")))
                .as("Node's ws package in %s (bin/test installs it)", ws).isTrue();
        try (PeerProcess peer = PeerProcess.start(List.of("node", PeerProcess.script("node/ws-peer.js").toString(),
                "server", "plain"), Map.of("WS_MODULE", ws.toString()))) {
            String port = peer.await("listening", 30).get("port");
            RecordingHandler h = new RecordingHandler();
            WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + port + "/"),
                    ConnectOptions.builder().version(WebSocketVersion.HYBI_08).build(), h).get(10, TimeUnit.SECONDS);
            c.sendText("from a hybi-08 client");
            assertThat(h.nextText()).isEqualTo("from a hybi-08 client");
            c.sendBinary(new byte[] {9, 8, 7});
            assertThat(h.nextBinary()).containsExactly(9, 8, 7);
            c.close(4001, "bye");
            assertThat(peer.await("close", 10).get("code")).isEqualTo("4001");
        }
    }

    @Test
    void hixie76WithABeforeHandshakeHookKeepsItsKey3() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        startLegacyServer(seen);
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"),
                ConnectOptions.builder().version(WebSocketVersion.HIXIE_76)
                        .beforeHandshake(connecting -> connecting.header("X-Trace", "t-1")).build(), h)
                .get(5, TimeUnit.SECONDS);
        c.sendText("hook");
        assertThat(h.nextText()).isEqualTo("echo hook");
        assertThat(server.connections().iterator().next().request().header("X-Trace")).isEqualTo("t-1");
    }
}
