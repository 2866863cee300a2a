package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.EchoHandler;
import dev.seed.websocket.it.RawPeer;
import dev.seed.websocket.it.RecordingHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connection floods: past {@code maxConnections} new peers get 503 while the connections already
 * open are untouched, and every socket the server accepted, whether it upgraded, was refused,
 * failed or was reset, is released (counted in /proc/self/fd).
 */
class ConnectionFloodTest {

    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void pastMaxConnectionsAFloodGets503AndTheOpenConnectionsAreUntouched() throws Exception {
        int fdsBefore = Resources.openFileDescriptors();
        int max = 50;
        server = WebSocketServer.builder().host("127.0.0.1").port(0).maxConnections(max)
                .closeTimeout(Duration.ofSeconds(1)).route("/echo", new EchoHandler()).build().start();
        try (WebSocketClient client = WebSocketClient.create()) {
            List<RecordingHandler> handlers = new ArrayList<>();
            List<WebSocketConnection> open = new ArrayList<>();
            for (int i = 0; i < max; i++) {
                RecordingHandler h = new RecordingHandler();
                open.add(client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), h)
                        .get(5, TimeUnit.SECONDS));
                handlers.add(h);
            }
            for (int i = 0; i < 300; i++) {
                try (RawPeer raw = new RawPeer(server.port())) {
                    RawPeer.Response r = raw.handshake("/echo");
                    assertThat(r.status()).isEqualTo(503);
                    assertThat(r.body()).isEqualTo("Server at its connection limit.\n");
                }
            }
            for (int i = 0; i < max; i++) {
                open.get(i).sendText("untouched " + i);
                assertThat(handlers.get(i).nextText()).isEqualTo("untouched " + i);
            }
            assertThat(server.connections()).hasSize(max);
            // One leaves: one new peer gets in.
            open.get(0).close().get(5, TimeUnit.SECONDS);
            handlers.get(0).awaitClose();
            assertThat(Resources.await(() -> server.connections().size() == max - 1, 5000)).isTrue();
            try (RawPeer raw = new RawPeer(server.port())) {
                assertThat(raw.handshake("/echo").status()).isEqualTo(101);
            }
        }
        server.shutdown(Duration.ofSeconds(2));
        server = null;
        assertThat(Resources.awaitFileDescriptorsAtMost(fdsBefore, 5000)).isLessThanOrEqualTo(fdsBefore);
    }

    @Test
    void thePerAddressLimitCountsOnlyConnectionsStillOpen() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).maxConnectionsPerAddress(3)
                .closeTimeout(Duration.ofSeconds(1)).route("/echo", new EchoHandler()).build().start();
        // Many rounds of three peers from 127.0.0.1 that come and go, some refused, some reset:
        // each round must get in again once the previous one has left.
        for (int round = 0; round < 5; round++) {
            List<RawPeer> peers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RawPeer p = new RawPeer(server.port());
                assertThat(p.handshake("/echo").status()).as("round " + round + " peer " + i).isEqualTo(101);
                peers.add(p);
            }
            try (RawPeer fourth = new RawPeer(server.port())) {
                RawPeer.Response r = fourth.handshake("/echo");
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.body()).isEqualTo("Too many connections from this address.\n");
            }
            try (RawPeer refused = new RawPeer(server.port())) {
                assertThat(refused.handshake("/nowhere").status()).isIn(404, 503);
            }
            for (RawPeer p : peers) {
                if (round % 2 == 0) {
                    p.sendClose(1000, "");
                    assertThat(p.readUntilClose().closeCode()).isEqualTo(1000);
                } else {
                    p.socket().setSoLinger(true, 0); // reset
                }
                p.close();
            }
            assertThat(Resources.await(() -> server.connections().isEmpty(), 5000)).isTrue();
        }
    }

    @Test
    void everyAcceptedSocketIsReleasedWhateverBecomesOfIt() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handshakeTimeout(Duration.ofMillis(500))
                .closeTimeout(Duration.ofMillis(500)).route("/echo", new EchoHandler()).build().start();
        Bystander.echoes(server.port(), Duration.ofSeconds(5)); // warm: the client's classes and threads
        int fdsBefore = Resources.openFileDescriptors();
        for (int i = 0; i < 100; i++) {
            switch (i % 5) {
                case 0 -> { // connect and leave at once
                    new Socket("127.0.0.1", server.port()).close();
                }
                case 1 -> { // reset in the middle of the handshake
                    Socket s = new Socket("127.0.0.1", server.port());
                    s.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: x\r\n".getBytes());
                    s.setSoLinger(true, 0);
                    s.close();
                }
                case 2 -> { // refused
                    try (RawPeer raw = new RawPeer(server.port())) {
                        assertThat(raw.handshake("/nowhere").status()).isEqualTo(404);
                    }
                }
                case 3 -> { // silent until the handshake timeout
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", server.port()));
                        s.setSoTimeout(5000);
                        assertThat(s.getInputStream().readAllBytes()).startsWith("HTTP/1.1 408".getBytes());
                    }
                }
                default -> { // upgraded, then reset mid-frame
                    RawPeer raw = new RawPeer(server.port());
                    assertThat(raw.handshake("/echo").status()).isEqualTo(101);
                    raw.sendRaw(new byte[] {(byte) 0x81, (byte) 0x85, 1, 2, 3});
                    raw.socket().setSoLinger(true, 0);
                    raw.close();
                }
            }
        }
        assertThat(Resources.awaitFileDescriptorsAtMost(fdsBefore, 5000)).as("open descriptors").isLessThanOrEqualTo(fdsBefore);
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
