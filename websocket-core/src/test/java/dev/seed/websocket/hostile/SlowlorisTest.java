package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.EchoHandler;
import dev.seed.websocket.it.RawPeer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slowloris: peers that send their opening handshake a byte at a time to hold connections open.
 * The handshake timeout closes each of them with 408, however many there are, and while they
 * hang on a normal client connects and is served.
 */
class SlowlorisTest {

    private static final byte[] REQUEST = RawPeer.upgradeRequest("/echo").getBytes(StandardCharsets.ISO_8859_1);

    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void aClientSendingItsHandshakeOneByteEverySecondIsAnswered408AtTheHandshakeTimeout() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handshakeTimeout(Duration.ofSeconds(2))
                .route("/echo", new EchoHandler()).build().start();
        try (SlowPeers slow = new SlowPeers(REQUEST)) {
            slow.connect(server.port(), 1);
            slow.start(1000, 10_000);
            slow.join(10_000);
            SlowPeers.Peer peer = slow.peers().get(0);
            assertThat(peer.closedAtMillis).as("closed at the 2 s timeout (ms)").isBetween(1900L, 3500L);
            assertThat(peer.received.toString()).startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .endsWith("\r\n\r\nOpening handshake timed out.\n");
            assertThat(peer.sent).isLessThan(REQUEST.length);
        }
    }

    @Test
    void threeThousandSlowClientsDoNotStopANormalClientAndAreAllClosedAtTheTimeout() throws Exception {
        Resources.requireOpenFileLimit(2 * 3000 + 1024);
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handshakeTimeout(Duration.ofSeconds(4))
                .route("/echo", new EchoHandler()).build().start();
        Bystander.echoes(server.port(), Duration.ofSeconds(5)); // what the JVM opens once, opened now
        int fdsWithServer = Resources.openFileDescriptors();
        int count = 3000;
        try (SlowPeers slow = new SlowPeers(REQUEST)) {
            slow.connect(server.port(), count);
            slow.start(1000, 20_000);
            // All of them hang in their handshake now; a well-behaved client is served at once.
            Thread.sleep(500);
            assertThat(slow.closedCount()).isZero();
            Bystander.echoes(server.port(), Duration.ofSeconds(2));
            slow.join(20_000);
            assertThat(slow.closedCount()).isEqualTo(count);
            for (SlowPeers.Peer p : slow.peers()) {
                assertThat(p.received.toString()).startsWith("HTTP/1.1 408 ");
                assertThat(p.closedAtMillis).isLessThan(12_000L);
            }
        }
        // Every socket of the server side is released once the peers are gone.
        assertThat(Resources.awaitFileDescriptorsAtMost(fdsWithServer, 10_000)).isLessThanOrEqualTo(fdsWithServer);
    }
}
