package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.EchoHandler;
import dev.seed.websocket.it.RawPeer;
import dev.seed.websocket.it.RecordingHandler;
import dev.seed.websocket.protocol.ProtocolException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Length lies (RFC 6455 section 10.4): a frame that claims 2^63-1 bytes, or a message that grows
 * past the limit fragment by fragment, is failed with 1009 as soon as its header says so, and the
 * server allocates nothing near the claimed size.
 */
class LengthLieTest {

    private static final int LIMIT = 1024 * 1024;

    private WebSocketServer server;
    private final RecordingHandler serverSide = new RecordingHandler();

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    private void startServer() {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .maxFrameSize(LIMIT).maxMessageSize(LIMIT).closeTimeout(Duration.ofSeconds(1))
                .route("/lie", serverSide).route("/echo", new EchoHandler()).build().start();
    }

    @Test
    void aFrameClaiming2To63Minus1BytesIsFailedWith1009BeforeAnyPayload() throws Exception {
        startServer();
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/lie").status()).isEqualTo(101);
            long allocatedBefore = Resources.allocatedByServerLoops();
            // The header alone: 2^63-1 in the 64-bit length, then a masking key, no payload.
            raw.sendFrame(0x82, new byte[0], true, Long.MAX_VALUE);
            RawPeer.Frame close = raw.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(1009);
            assertThat(close.text().substring(2)).isEqualTo("Frame too large.");
            assertThat(raw.closedByPeerWithin(5000)).isTrue();
            assertThat(Resources.allocatedByServerLoops() - allocatedBefore)
                    .as("bytes the server allocated for the lie").isLessThan(256 * 1024);
        }
        serverSide.awaitClose();
        assertThat(serverSide.opened.get().closeCause()).isEqualTo(CloseCause.PROTOCOL_ERROR);
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }

    @Test
    void aMessageGrowingPastTheLimitFragmentByFragmentIsFailedWith1009AtTheFragmentThatCrossesIt()
            throws Exception {
        startServer();
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/lie").status()).isEqualTo(101);
            long allocatedBefore = Resources.allocatedByServerLoops();
            byte[] fragment = new byte[64 * 1024];
            raw.sendFrame(0x02, fragment, true);
            // 16 fragments make exactly the limit: still accepted.
            for (int i = 1; i < 16; i++) {
                raw.sendFrame(0x00, fragment, true);
            }
            // The 17th only announces its length: the message would pass the limit.
            raw.sendFrame(0x00, new byte[0], true, fragment.length);
            RawPeer.Frame close = raw.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(1009);
            assertThat(close.text().substring(2)).isEqualTo("Message too large.");
            assertThat(raw.closedByPeerWithin(5000)).isTrue();
            // The assembly buffer doubles up to the limit: about 2 MiB all told, never more.
            assertThat(Resources.allocatedByServerLoops() - allocatedBefore)
                    .as("bytes the server allocated").isLessThan(3L * LIMIT);
        }
        assertThat(serverSide.awaitClose().code()).isEqualTo(1009);
        RecordingHandler.Event error = serverSide.next();
        assertThat(error.type()).isEqualTo("error");
        assertThat(((ProtocolException) error.value()).closeCode()).isEqualTo(1009);
        serverSide.assertExhausted();
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }

    @Test
    void aMessageOfExactlyTheLimitIsDelivered() throws Exception {
        startServer();
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/lie").status()).isEqualTo(101);
            byte[] fragment = new byte[64 * 1024];
            raw.sendFrame(0x02, fragment, true);
            for (int i = 1; i < 16; i++) {
                raw.sendFrame(i == 15 ? 0x80 : 0x00, fragment, true);
            }
            assertThat(serverSide.nextBinary()).hasSize(LIMIT);
        }
    }
}
