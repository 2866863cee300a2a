package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.BackpressureException;
import dev.seed.websocket.BackpressurePolicy;
import dev.seed.websocket.CloseCause;
import dev.seed.websocket.HandshakeFailedException;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Server behaviour over real loopback sockets: routing, refusals, limits, timeouts, shutdown. */
class ServerFeaturesTest {

    private WebSocketServer server;
    private final WebSocketClient client = WebSocketClient.create();

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
        client.close();
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    @Test
    void pathTemplateVariablesAreReadableFromTheConnection() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/rooms/{id}/users/{user}", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        c.sendText(c.pathVariable("id") + "/" + c.pathVariable("user") + "?"
                                + c.request().queryParameters().get("q") + " " + c.routeTemplate() + " "
                                + c.request().routeTemplate());
                    }
                })
                .route("/rooms", new EchoHandler())
                .build().start();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection clientSide = client.connect(uri("/rooms/42/users/ann%20b?q=x"), h).get(5, TimeUnit.SECONDS);
        assertThat(h.nextText()).isEqualTo("42/ann b?[x] /rooms/{id}/users/{user} /rooms/{id}/users/{user}");
        assertThat(clientSide.routeTemplate()).isNull();
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/rooms/42").status()).isEqualTo(404);
        }
    }

    /**
     * The end of TCP after the peer's Close (RFC 6455 section 7.1.1: the server closes first): our
     * Close, then our FIN, and we read on, dropping what the peer still sends, until its end. Not a
     * close of both directions at once: bytes arriving at a closed socket reset the connection,
     * and a reset drops what the kernel still holds of our last messages and our Close (the peer
     * here sends a Ping after its Close; a peer may, section 5.5.1 forbids only data frames).
     */
    @Test
    void afterThePeersCloseTheServerHalfClosesAndReadsOnUntilThePeerEnds() throws Exception {
        CompletableFuture<Integer> closedWith = new CompletableFuture<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).closeTimeout(Duration.ofSeconds(30))
                .route("/r", new WebSocketHandler() {
                    @Override
                    public void onClose(WebSocketConnection c, int code, String reason) {
                        closedWith.complete(code);
                    }
                })
                .build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/r").status()).isEqualTo(101);
            raw.sendClose(1000, "bye");
            RawPeer.Frame close = raw.readFrame();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1000);
            assertThat(raw.closedByPeerWithin(5000)).as("our FIN after our Close").isTrue();
            for (int i = 0; i < 10; i++) { // a closed socket would answer the first with a reset
                raw.sendFrame(0x89, new byte[0], true);
                Thread.sleep(30);
            }
            assertThat(closedWith).as("the connection waits for the peer's end").isNotDone();
            raw.socket().shutdownOutput();
            assertThat(closedWith.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }

    /**
     * The loop's read buffer belongs to the read under way. One connection's handler resumes
     * another connection of the same loop whose held input ends with the peer's Close: that
     * connection completes its closing handshake and ends its TCP connection there and then,
     * inside the first one's read. Nothing it does with its socket may touch the buffer the first
     * connection is still parsing: that one's messages are delivered once, and it stays open.
     */
    @Test
    void aConnectionClosedInsideAnotherOnesReadLeavesThatReadsBufferAlone() throws Exception {
        CompletableFuture<WebSocketConnection> paused = new CompletableFuture<>();
        List<String> texts = java.util.Collections.synchronizedList(new ArrayList<>());
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .route("/r", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        if (text.equals("pause")) {
                            c.pauseReading(); // the Close that came in the same read is held
                            paused.complete(c);
                            return;
                        }
                        texts.add(text);
                        if (text.equals("resume")) {
                            paused.join().resumeReading(); // on the loop, inside this read
                        }
                        c.sendText("got " + text);
                    }
                })
                .build().start();
        try (RawPeer b = new RawPeer(server.port()); RawPeer a = new RawPeer(server.port())) {
            assertThat(b.handshake("/r").status()).isEqualTo(101);
            assertThat(a.handshake("/r").status()).isEqualTo(101);
            java.io.ByteArrayOutputStream both = new java.io.ByteArrayOutputStream();
            both.writeBytes(RawPeer.frame(0x81, "pause".getBytes(java.nio.charset.StandardCharsets.UTF_8), true, 5, 7));
            both.writeBytes(RawPeer.frame(0x88, new byte[] {0x03, (byte) 0xE8}, true, 2, 9));
            b.sendRaw(both.toByteArray()); // one write: one read on the server
            paused.get(5, TimeUnit.SECONDS);
            a.sendText("resume");
            assertThat(b.readUntilClose().closeCode()).isEqualTo(1000);
            assertThat(a.readFrame().text()).isEqualTo("got resume");
            a.sendText("after");
            assertThat(a.readFrame().text()).isEqualTo("got after");
            assertThat(texts).containsExactly("resume", "after");
            assertThat(b.closedByPeerWithin(5000)).isTrue();
        }
    }

    @Test
    void unknownPathIsRefusedWith404AndABodyNamingTheReason() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/echo", new EchoHandler()).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            RawPeer.Response r = raw.handshake("/nope");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).contains("No WebSocket endpoint");
            assertThat(raw.closedByPeerWithin(5000)).isTrue();
        }
        assertThatThrownBy(() -> client.connect(uri("/nope"), new RecordingHandler()).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(HandshakeFailedException.class)
                .satisfies(e -> assertThat(((HandshakeFailedException) e.getCause()).status()).isEqualTo(404));
    }

    @Test
    void originNotOnTheAllowListIsRefusedWith403() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).allowedOrigins("https://good.example")
                .route("/echo", new EchoHandler()).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/echo", "Origin: https://evil.example").status()).isEqualTo(403);
        }
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/echo").status()).as("no Origin: not a browser").isEqualTo(101);
        }
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/echo", "Origin: https://GOOD.example").status()).isEqualTo(101);
        }
    }

    @Test
    void aRequestWithoutOriginIsRefusedWhenOriginIsRequired() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).requireOrigin(true)
                .route("/echo", new EchoHandler()).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            RawPeer.Response r = raw.handshake("/echo");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body()).contains("Origin not allowed.");
        }
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/echo", "Origin: https://any.example").status()).isEqualTo(101);
        }
    }

    @Test
    void interceptorRefusesWithItsStatusOrAddsHeadersAndAttributes() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .interceptor((request, response) -> {
                    String token = request.queryParameters().getOrDefault("token", List.of("")).get(0);
                    if (!token.equals("secret")) {
                        response.reject(401, "Unauthorized.");
                        return;
                    }
                    response.header("Set-Cookie", "session=abc");
                    response.attribute("user", "ann");
                })
                .route("/secure", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        c.sendText("hello " + c.attribute("user"));
                    }
                })
                .build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            RawPeer.Response r = raw.handshake("/secure?token=wrong");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).contains("Unauthorized.").doesNotContain("wrong");
        }
        try (RawPeer raw = new RawPeer(server.port())) {
            RawPeer.Response r = raw.handshake("/secure?token=secret");
            assertThat(r.status()).isEqualTo(101);
            assertThat(r.headers().get("set-cookie")).isEqualTo("session=abc");
            assertThat(raw.readFrame().text()).isEqualTo("hello ann");
        }
    }

    @Test
    void pastMaxConnectionsNewPeersGet503AndExistingOnesAreUntouched() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).maxConnections(2)
                .route("/echo", new EchoHandler()).build().start();
        RecordingHandler a = new RecordingHandler();
        RecordingHandler b = new RecordingHandler();
        WebSocketConnection ca = client.connect(uri("/echo"), a).get(5, TimeUnit.SECONDS);
        WebSocketConnection cb = client.connect(uri("/echo"), b).get(5, TimeUnit.SECONDS);
        try (RawPeer raw = new RawPeer(server.port())) {
            RawPeer.Response r = raw.handshake("/echo");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).contains("connection limit");
        }
        ca.sendText("still here");
        assertThat(a.nextText()).isEqualTo("still here");
        cb.sendText("me too");
        assertThat(b.nextText()).isEqualTo("me too");
    }

    @Test
    void idleTimeoutClosesASilentConnectionWith1001() throws Exception {
        RecordingHandler serverSide = new RecordingHandler();
        CompletableFuture<WebSocketConnection> conn = serverSide.opened;
        server = WebSocketServer.builder().host("127.0.0.1").port(0).idleTimeout(Duration.ofMillis(300))
                .route("/idle", serverSide).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/idle").status()).isEqualTo(101);
            RawPeer.Frame close = raw.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(1001);
            raw.sendClose(1001, "");
            assertThat(raw.closedByPeerWithin(5000)).isTrue();
        }
        serverSide.awaitClose();
        assertThat(conn.get().closeCause()).isEqualTo(CloseCause.IDLE_TIMEOUT);
    }

    @Test
    void keepaliveClosesAPeerThatNeverAnswersPings() throws Exception {
        RecordingHandler serverSide = new RecordingHandler();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .pingInterval(Duration.ofMillis(200)).pongTimeout(Duration.ofMillis(300)).closeTimeout(Duration.ofMillis(500))
                .route("/ka", serverSide).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/ka").status()).isEqualTo(101);
            RawPeer.Frame ping = raw.readFrame();
            assertThat(ping.opcode()).isEqualTo(0x9);
            RawPeer.Frame close = raw.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(1011);
            assertThat(raw.closedByPeerWithin(5000)).isTrue();
        }
        serverSide.awaitClose();
        assertThat(serverSide.opened.get().closeCause()).isEqualTo(CloseCause.PONG_TIMEOUT);
    }

    @Test
    void keepaliveMeasuresTheRoundTripOfAPeerThatAnswers() throws Exception {
        RecordingHandler serverSide = new RecordingHandler();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .pingInterval(Duration.ofMillis(100)).pongTimeout(Duration.ofSeconds(2))
                .route("/ka", serverSide).build().start();
        RecordingHandler clientSide = new RecordingHandler();
        client.connect(uri("/ka"), clientSide).get(5, TimeUnit.SECONDS);
        WebSocketConnection s = serverSide.opened.get(5, TimeUnit.SECONDS);
        long deadline = System.currentTimeMillis() + 5000;
        while (s.roundTripTime() == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(s.roundTripTime()).isNotNull().isLessThan(Duration.ofSeconds(2));
        assertThat(s.isOpen()).isTrue();
    }

    @Test
    void gracefulShutdownSends1001ToEveryPeer() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/echo", new EchoHandler()).build().start();
        List<RecordingHandler> handlers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RecordingHandler h = new RecordingHandler();
            client.connect(uri("/echo"), h).get(5, TimeUnit.SECONDS);
            handlers.add(h);
        }
        assertThat(server.connections()).hasSize(5);
        boolean clean = server.shutdown(Duration.ofSeconds(5));
        server = null;
        assertThat(clean).isTrue();
        for (RecordingHandler h : handlers) {
            RecordingHandler.Event e = h.awaitClose();
            assertThat(e.code()).isEqualTo(1001);
        }
    }

    @Test
    void aThrowingHandlerClosesOnlyItsOwnConnectionWith1011() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        if (text.equals("boom")) {
                            throw new IllegalStateException("handler failure");
                        }
                        c.sendText(text);
                    }
                })
                .build().start();
        RecordingHandler victim = new RecordingHandler();
        RecordingHandler bystander = new RecordingHandler();
        WebSocketConnection v = client.connect(uri("/echo"), victim).get(5, TimeUnit.SECONDS);
        WebSocketConnection b = client.connect(uri("/echo"), bystander).get(5, TimeUnit.SECONDS);
        v.sendText("boom");
        assertThat(victim.awaitClose().code()).isEqualTo(1011);
        b.sendText("fine");
        assertThat(bystander.nextText()).isEqualTo("fine");
    }

    @Test
    void manyThreadsSendingOnOneConnectionKeepPerThreadOrder() throws Exception {
        int threads = 8;
        int perThread = 2000;
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/burst", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        for (int t = 0; t < threads; t++) {
                            int id = t;
                            Thread th = new Thread(() -> {
                                for (int i = 0; i < perThread; i++) {
                                    c.sendText(id + ":" + i);
                                }
                            });
                            th.start();
                        }
                    }
                })
                .build().start();
        CountDownLatch done = new CountDownLatch(threads * perThread);
        Map<Integer, Integer> next = new HashMap<>();
        List<String> errors = new ArrayList<>();
        client.connect(uri("/burst"), new WebSocketHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                String[] parts = text.split(":");
                int t = Integer.parseInt(parts[0]);
                int i = Integer.parseInt(parts[1]);
                int expected = next.getOrDefault(t, 0);
                if (i != expected) {
                    errors.add("thread " + t + " sent " + i + " after " + (expected - 1));
                }
                next.put(t, i + 1);
                done.countDown();
            }
        }).get(5, TimeUnit.SECONDS);
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(errors).isEmpty();
        for (int t = 0; t < threads; t++) {
            assertThat(next.get(t)).isEqualTo(perThread);
        }
    }

    @Test
    void aPeerThatStopsReadingMakesSendsFailOnceTheLimitIsReached() throws Exception {
        CompletableFuture<WebSocketConnection> opened = new CompletableFuture<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).backpressureLimit(1 << 20)
                .backpressurePolicy(BackpressurePolicy.FAIL_SEND)
                .route("/flood", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        opened.complete(c);
                    }
                })
                .build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            raw.socket().setReceiveBufferSize(8192);
            assertThat(raw.handshake("/flood").status()).isEqualTo(101);
            WebSocketConnection c = opened.get(5, TimeUnit.SECONDS);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            Throwable failure = null;
            long maxBuffered = 0;
            for (int i = 0; i < 10_000 && failure == null; i++) {
                CompletableFuture<Void> f = c.sendBinary(chunk.duplicate());
                maxBuffered = Math.max(maxBuffered, c.bufferedAmount());
                if (f.isCompletedExceptionally()) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        failure = e.getCause();
                    }
                }
                if (i % 16 == 0) {
                    Thread.sleep(1);
                }
            }
            assertThat(failure).isInstanceOf(BackpressureException.class);
            assertThat(maxBuffered).isLessThanOrEqualTo((1 << 20) + 2L * 64 * 1024 + 64);
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void aPeerThatStopsReadingIsClosedWhenThePolicyIsClose() throws Exception {
        RecordingHandler serverSide = new RecordingHandler();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).backpressureLimit(256 * 1024)
                .backpressurePolicy(BackpressurePolicy.CLOSE).closeTimeout(Duration.ofMillis(500))
                .route("/flood", serverSide).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            raw.socket().setReceiveBufferSize(8192);
            assertThat(raw.handshake("/flood").status()).isEqualTo(101);
            WebSocketConnection c = serverSide.opened.get(5, TimeUnit.SECONDS);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            for (int i = 0; i < 10_000 && c.isOpen(); i++) {
                c.sendBinary(chunk.duplicate());
                if (i % 16 == 0) {
                    Thread.sleep(1);
                }
            }
            serverSide.awaitClose();
            assertThat(c.closeCause()).isEqualTo(CloseCause.BACKPRESSURE);
        }
    }
}
