package dev.seed.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.CompressionMode;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.protocol.WebSocketProtocol;
import dev.seed.websocket.protocol.extension.PerMessageDeflateExtension;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a compressed connection keeps, on a real server over loopback: nothing at the handshake, a
 * context in the mode's size after traffic, and, once it has compressed nothing for the
 * endpoint's compressionIdleRelease, only what the peer's context needs (RFC 7692 lets a
 * compressor stop referring back at any time; the peer's window is the peer's).
 */
class CompressionMemoryTest {

    private static final String MESSAGE = "{\"type\":\"message\",\"room\":\"tea\",\"text\":\"hello there\"}".repeat(40);

    /** The server's connection's compression state in bytes, read on its loop. */
    private static long retained(WebSocketConnection c) throws Exception {
        WsConnection w = (WsConnection) c;
        CompletableFuture<Long> bytes = new CompletableFuture<>();
        w.loop().execute(() -> bytes.complete(
                ((WebSocketProtocol) w.engine()).extension(PerMessageDeflateExtension.class).retainedBytes()));
        return bytes.get(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(CompressionMode.class)
    void aCompressedConnectionKeepsWhatItsModeSaysAndFreesItsCompressorWhenIdle(CompressionMode mode)
            throws Exception {
        CompletableFuture<WebSocketConnection> serverSide = new CompletableFuture<>();
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .extensions("permessage-deflate").compressionThreshold(0).compressionMode(mode)
                .compressionIdleRelease(Duration.ofMillis(300))
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        serverSide.complete(c);
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        c.sendText(text);
                    }
                }).build().start();
        BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
        try (WebSocketClient client = WebSocketClient.builder().extensions("permessage-deflate; client_max_window_bits")
                .compressionMode(CompressionMode.FULL).compressionThreshold(0).build()) {
            WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"),
                    new WebSocketHandler() {
                        @Override
                        public void onText(WebSocketConnection c, String text) {
                            echoes.add(text);
                        }
                    }).get(10, TimeUnit.SECONDS);
            WebSocketConnection s = serverSide.get(10, TimeUnit.SECONDS);
            assertThat(retained(s)).as("nothing at the handshake").isZero();

            c.sendText(MESSAGE);
            assertThat(echoes.poll(10, TimeUnit.SECONDS)).isEqualTo(MESSAGE);
            long afterTraffic = retained(s);
            // The peer's context: our decoder's window, 2^12 bytes in WINDOWED, 2^9 in SHARED
            // (the client keeps its context, in the smallest window), zlib's in FULL.
            long peerContext = switch (mode) {
                case SHARED -> 512;
                case WINDOWED -> 4096;
                case FULL -> 40 * 1024;
            };
            switch (mode) {
                case SHARED -> assertThat(afterTraffic).isEqualTo(peerContext);
                // our compressor keeps its history only: the message, under the 16 KiB window
                case WINDOWED -> assertThat(afterTraffic).isEqualTo(peerContext + MESSAGE.length());
                case FULL -> assertThat(afterTraffic).isGreaterThan(256 * 1024);
            }

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (retained(s) > peerContext && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(retained(s)).as("the compressor freed after an idle period").isEqualTo(peerContext);

            // And the conversation goes on, compressed, with a new context.
            for (int i = 0; i < 3; i++) {
                c.sendText(MESSAGE + i);
                assertThat(echoes.poll(10, TimeUnit.SECONDS)).isEqualTo(MESSAGE + i);
            }
            c.close();
        } finally {
            server.shutdown(Duration.ofSeconds(1));
        }
    }
}
