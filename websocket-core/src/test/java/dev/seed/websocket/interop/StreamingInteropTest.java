package dev.seed.websocket.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A message 32 times our server's maximum message size, sent in one frame by Node's {@code ws}
 * (a browser does the same), taken in parts by a streaming handler and echoed in parts; ws
 * checks the echo byte for byte, plain and with permessage-deflate.
 */
class StreamingInteropTest {

    private static final int LIMIT = 1024 * 1024;
    private static final int SIZE = 32 * LIMIT;
    /** Small, so that an echo without pacing would meet it (the first part of the next message refused). */
    private static final long BACKPRESSURE_LIMIT = LIMIT / 4;
    private static final long HIGH_WATER = LIMIT / 16;

    @ParameterizedTest(name = "deflate={0}")
    @ValueSource(booleans = {false, true})
    void nodeWsSendsAMessageFarOverTheLimitToAStreamingHandler(boolean deflate) throws Exception {
        Path ws = PeerProcess.projectRoot().resolve(".tools/node_modules/ws");
        assertThat(Files.isRegularFile(ws.resolve("package.json")))
                .as("Node's ws package in %s (bin/test installs it)", ws).isTrue();
        AtomicLong streamed = new AtomicLong();
        AtomicReference<Throwable> sendFailure = new AtomicReference<>();
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(0)
                .maxMessageSize(LIMIT).backpressureLimit(BACKPRESSURE_LIMIT)
                .route("/stream", new WebSocketHandler() {
                    @Override
                    public boolean receivesParts() {
                        return true;
                    }

                    @Override
                    public void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
                        streamed.addAndGet(part.remaining());
                        paced(c, c.sendBinary(part, last));
                    }

                    @Override
                    public void onTextPart(WebSocketConnection c, String part, boolean last) {
                        paced(c, c.sendText(part, last));
                    }

                    /**
                     * A proxy's manners (see the README): past a high-water mark reading pauses until the
                     * socket has taken this part, so the echo never meets the backpressure limit, which
                     * would refuse the first part of the next message; a refused send fails the test.
                     */
                    private void paced(WebSocketConnection c, CompletableFuture<Void> sent) {
                        sent.whenComplete((v, e) -> {
                            if (e != null) {
                                sendFailure.compareAndSet(null, e);
                            }
                        });
                        if (c.bufferedAmount() > HIGH_WATER && !c.isReadingPaused()) {
                            c.pauseReading();
                            sent.whenComplete((v, e) -> c.resumeReading());
                        }
                    }
                });
        if (deflate) {
            b.extensions("permessage-deflate");
        }
        WebSocketServer server = b.build().start();
        try (PeerProcess peer = PeerProcess.start(List.of("node",
                PeerProcess.script("node/ws-stream-client.js").toString(), deflate ? "deflate" : "plain",
                "ws://127.0.0.1:" + server.port() + "/stream", Integer.toString(SIZE)),
                Map.of("WS_MODULE", ws.toString()))) {
            Map<String, String> open = peer.await("open", 30);
            assertThat(open.get("extensions").contains("permessage-deflate")).isEqualTo(deflate);
            Map<String, String> echo = peer.await("echo", 120);
            assertThat(echo.get("size")).isEqualTo(Integer.toString(SIZE));
            assertThat(echo.get("ok")).isEqualTo("true");
            assertThat(sendFailure.get()).as("a send of the echo failed").isNull();
            assertThat(peer.await("text", 30).get("text")).isEqualTo("text after");
            assertThat(peer.await("close", 30).get("code")).isEqualTo("1000");
            assertThat(streamed.get()).isEqualTo(SIZE);
        } finally {
            server.shutdown(Duration.ofSeconds(2));
        }
    }
}
