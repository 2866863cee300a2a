package dev.seed.websocket.interop;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.TestTls;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Our server as the interop peers' counterpart: echoes text and binary, closes with the code and
 * reason a "close-me:CODE:REASON" text asks for, and records the pings and closes it sees.
 */
final class InteropEchoServer implements AutoCloseable {

    static final long MAX = 64L * 1024 * 1024;

    final WebSocketServer server;
    final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    final BlockingQueue<String> pings = new LinkedBlockingQueue<>();

    InteropEchoServer(boolean deflate, boolean tls) throws Exception {
        this(deflate, tls, dev.seed.websocket.protocol.extension.PerMessageDeflate.DEFAULT_MODE);
    }

    InteropEchoServer(boolean deflate, boolean tls, dev.seed.websocket.CompressionMode mode) throws Exception {
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(0).compressionMode(mode)
                .maxMessageSize(MAX).maxFrameSize(MAX)
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        if (text.startsWith("close-me:")) {
                            String[] p = text.split(":", 3);
                            c.close(Integer.parseInt(p[1]), p[2]);
                        } else {
                            c.sendText(text);
                        }
                    }

                    @Override
                    public void onBinary(WebSocketConnection c, ByteBuffer data) {
                        c.sendBinary(data);
                    }

                    @Override
                    public void onPing(WebSocketConnection c, ByteBuffer data) {
                        pings.add(StandardCharsets.UTF_8.decode(data.duplicate()).toString());
                    }

                    @Override
                    public void onClose(WebSocketConnection c, int code, String reason) {
                        closes.add(code + " " + reason);
                    }
                });
        if (deflate) {
            b.extensions("permessage-deflate; client_max_window_bits");
        }
        if (tls) {
            b.sslContext(TestTls.serverContext());
        }
        server = b.build().start();
    }

    /** The URL of the echo route: wss://localhost (the certificate's name) or ws://127.0.0.1. */
    String url(boolean tls) {
        return (tls ? "wss://localhost:" : "ws://127.0.0.1:") + server.port() + "/echo";
    }

    String nextClose() throws InterruptedException {
        String c = closes.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("our server saw no close within 10 s");
        }
        return c;
    }

    @Override
    public void close() {
        server.shutdown(Duration.ofSeconds(1));
    }
}
