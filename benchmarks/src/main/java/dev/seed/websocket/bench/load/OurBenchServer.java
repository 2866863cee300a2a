package dev.seed.websocket.bench.load;

import dev.seed.websocket.CompressionMode;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Our server as the load benchmark runs it: one event loop, {@code /echo} sends every message
 * back, {@code /broadcast} sends every text message it receives to all open connections. With
 * permessage-deflate in a given {@link CompressionMode}, or in the library's default one.
 */
final class OurBenchServer implements BenchServer.Running {

    private final WebSocketServer server;

    OurBenchServer(boolean deflate) {
        this(deflate, null);
    }

    /** {@code mode}: how permessage-deflate spends memory; null for the library's default. */
    OurBenchServer(boolean deflate, CompressionMode mode) {
        WebSocketServer[] self = new WebSocketServer[1];
        WebSocketServer.Builder b = builder()
                .route("/broadcast", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        self[0].broadcast(text);
                    }
                });
        if (deflate) {
            // Netty compresses every message; so do we here (the default skips those under 1 KiB).
            b.extensions("permessage-deflate").compressionThreshold(0);
            if (mode != null) {
                b.compressionMode(mode);
            }
        }
        server = b.build().start();
        self[0] = server;
    }

    /**
     * The settings every benchmark run of our engine has, on its own port or hosted by a container:
     * one event loop, 127.0.0.1, the benchmark's message size limit, {@code /echo}.
     */
    static WebSocketServer.Builder builder() {
        return WebSocketServer.builder()
                .host("127.0.0.1").port(0)
                .eventLoops(1)
                .backlog(4096)
                .maxFrameSize(BenchServer.MAX_MESSAGE).maxMessageSize(BenchServer.MAX_MESSAGE)
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        c.sendText(text);
                    }

                    @Override
                    public void onBinary(WebSocketConnection c, ByteBuffer data) {
                        c.sendBinary(data);
                    }
                });
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.shutdown(Duration.ofSeconds(2));
    }
}
