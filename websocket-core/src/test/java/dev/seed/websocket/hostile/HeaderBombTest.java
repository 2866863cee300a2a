package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.EchoHandler;
import dev.seed.websocket.it.RawPeer;
import dev.seed.websocket.protocol.handshake.HandshakeException;
import dev.seed.websocket.protocol.handshake.HttpRequestParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Header bombs: an opening handshake with too many header fields or a header block past the
 * bound (16 KiB by default) is refused with 431 as soon as the bound is crossed, without the
 * parser consuming a byte past it and without the server buffering what follows.
 */
class HeaderBombTest {

    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    private void startServer() {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).closeTimeout(Duration.ofSeconds(1))
                .route("/echo", new EchoHandler()).build().start();
    }

    @Test
    void manyHeaderFieldsAreRefusedWith431() throws Exception {
        startServer();
        String[] fields = new String[150];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = "X-Field-" + i + ": " + i;
        }
        try (RawPeer raw = new RawPeer(server.port())) {
            RawPeer.Response r = raw.handshake("/echo", fields);
            assertThat(r.status()).isEqualTo(431);
            assertThat(r.body()).isEqualTo("Too many header fields.\n");
            assertThat(raw.closedByPeerWithin(5000)).isTrue();
        }
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }

    @Test
    void anEightMebibyteHeaderLineIsRefusedWith431WithoutTheServerBufferingIt() throws Exception {
        startServer();
        long allocatedBefore = Resources.allocatedByServerLoops();
        AtomicLong sent = new AtomicLong();
        try (RawPeer raw = new RawPeer(server.port())) {
            // The bomb goes out from another thread: the answer must not wait for its end.
            Thread bomber = new Thread(() -> {
                try {
                    OutputStream out = raw.socket().getOutputStream();
                    out.write("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bomb: ".getBytes(StandardCharsets.ISO_8859_1));
                    byte[] chunk = new byte[64 * 1024];
                    Arrays.fill(chunk, (byte) 'a');
                    for (int i = 0; i < 128; i++) {
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // the server closed the connection: the rest of the bomb is not wanted
                }
            }, "header-bomber");
            bomber.start();
            RawPeer.Response r = raw.readResponse();
            assertThat(r.status()).isEqualTo(431);
            assertThat(r.body()).isEqualTo("Header fields too large.\n");
            assertThat(r.body()).doesNotContain("aaaa");
            bomber.join(15_000);
            assertThat(bomber.isAlive()).isFalse();
        }
        // The server discards what follows the bound without keeping it: its loops allocated far
        // less than the 8 MiB the peer sent (the read buffer is the loop's own, reused).
        long allocated = Resources.allocatedByServerLoops() - allocatedBefore;
        assertThat(allocated).as("bytes allocated by the server's loops").isLessThan(1024 * 1024);
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }

    @Test
    void theParserNeverConsumesAByteBeyondItsBound() {
        int bound = 16 * 1024;
        byte[] bomb = new byte[1024 * 1024];
        byte[] head = "GET /echo HTTP/1.1\r\nX-Bomb: ".getBytes(StandardCharsets.ISO_8859_1);
        Arrays.fill(bomb, (byte) 'a');
        System.arraycopy(head, 0, bomb, 0, head.length);
        ByteBuffer in = ByteBuffer.wrap(bomb);
        HttpRequestParser parser = new HttpRequestParser(bound);
        assertThatThrownBy(() -> parser.parse(in))
                .isInstanceOf(HandshakeException.class)
                .hasMessage("Header fields too large.")
                .satisfies(e -> assertThat(((HandshakeException) e).status()).isEqualTo(431));
        assertThat(in.position()).isEqualTo(bound);
    }

    @Test
    void aHeaderBlockOneByteUnderTheBoundIsAccepted() throws Exception {
        startServer();
        String base = RawPeer.upgradeRequest("/echo", "X-Pad: ");
        int pad = 16 * 1024 - base.length();
        try (RawPeer raw = new RawPeer(server.port())) {
            RawPeer.Response r = raw.handshake("/echo", "X-Pad: " + "p".repeat(pad));
            assertThat(r.status()).isEqualTo(101);
        }
        try (RawPeer raw = new RawPeer(server.port())) {
            RawPeer.Response r = raw.handshake("/echo", "X-Pad: " + "p".repeat(pad + 1));
            assertThat(r.status()).isEqualTo(431);
        }
    }
}
