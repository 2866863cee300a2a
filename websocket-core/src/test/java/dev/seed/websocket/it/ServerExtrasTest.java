package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.ConnectionListener;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Broadcast, topics, legacy versions, server hooks and guard rails, over real loopback sockets. */
class ServerExtrasTest {

    private WebSocketServer server;
    private final WebSocketClient client = WebSocketClient.create();
    private final WebSocketClient deflateClient = WebSocketClient.builder().extensions("permessage-deflate").build();

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
        client.close();
        deflateClient.close();
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    @Test
    void broadcastReachesEveryOpenConnectionOrTheFilteredOnes() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .extensions("permessage-deflate").compressionThreshold(16)
                .route("/b", new WebSocketHandler() { }).build().start();
        List<RecordingHandler> plain = new ArrayList<>();
        List<RecordingHandler> deflated = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingHandler p = new RecordingHandler();
            client.connect(uri("/b?i=" + i), p).get(5, TimeUnit.SECONDS);
            plain.add(p);
            RecordingHandler d = new RecordingHandler();
            WebSocketConnection c = deflateClient.connect(uri("/b?d=" + i), d).get(5, TimeUnit.SECONDS);
            assertThat(c.extensions()).hasSize(1);
            deflated.add(d);
        }
        String message = "{\"event\":\"news\",\"body\":\"" + "all the news that fits ".repeat(20) + "\"}";
        assertThat(server.broadcast(message).get(5, TimeUnit.SECONDS)).isEqualTo(6);
        for (RecordingHandler h : plain) {
            assertThat(h.nextText()).isEqualTo(message);
        }
        for (RecordingHandler h : deflated) {
            assertThat(h.nextText()).isEqualTo(message);
        }
        // after a shared compressed message, each connection's own compressor context must still be valid
        for (WebSocketConnection s : server.connections()) {
            s.sendText(message + " again");
            s.sendText(message + " and again");
        }
        for (RecordingHandler h : deflated) {
            assertThat(h.nextText()).isEqualTo(message + " again");
            assertThat(h.nextText()).isEqualTo(message + " and again");
        }
        for (RecordingHandler h : plain) {
            assertThat(h.nextText()).isEqualTo(message + " again");
            assertThat(h.nextText()).isEqualTo(message + " and again");
        }
        int filtered = server.broadcast("only deflate",
                c -> c.request().queryParameters().containsKey("d")).get(5, TimeUnit.SECONDS);
        assertThat(filtered).isEqualTo(3);
        for (RecordingHandler h : deflated) {
            assertThat(h.nextText()).isEqualTo("only deflate");
        }
        server.broadcast(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})).get(5, TimeUnit.SECONDS);
        for (RecordingHandler h : plain) {
            assertThat(h.nextBinary()).containsExactly(1, 2, 3);
            h.assertExhausted();
        }
    }

    @Test
    void topicsReachTheirSubscribersOnlyAndForgetClosedConnections() throws Exception {
        WebSocketServer[] self = new WebSocketServer[1];
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/rooms/{room}", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        self[0].subscribe(c, c.pathVariable("room"));
                        c.sendText("joined");
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        if (text.equals("leave")) {
                            self[0].unsubscribe(c, c.pathVariable("room"));
                            c.sendText("left");
                        }
                    }
                }).build();
        self[0] = server;
        server.start();
        RecordingHandler a1 = new RecordingHandler();
        RecordingHandler a2 = new RecordingHandler();
        RecordingHandler b1 = new RecordingHandler();
        WebSocketConnection ca1 = client.connect(uri("/rooms/a"), a1).get(5, TimeUnit.SECONDS);
        WebSocketConnection ca2 = client.connect(uri("/rooms/a"), a2).get(5, TimeUnit.SECONDS);
        client.connect(uri("/rooms/b"), b1).get(5, TimeUnit.SECONDS);
        for (RecordingHandler h : List.of(a1, a2, b1)) {
            assertThat(h.nextText()).isEqualTo("joined");
        }
        assertThat(server.publish("a", "to room a").get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(a1.nextText()).isEqualTo("to room a");
        assertThat(a2.nextText()).isEqualTo("to room a");
        ca1.sendText("leave");
        assertThat(a1.nextText()).isEqualTo("left");
        ca2.close().get(5, TimeUnit.SECONDS);
        a2.awaitClose();
        long deadline = System.currentTimeMillis() + 5000;
        while (!server.subscribers("a").isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.subscribers("a")).isEmpty();
        assertThat(server.publish("a", "nobody").get(5, TimeUnit.SECONDS)).isZero();
        assertThat(server.publish("b", "to room b").get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(b1.nextText()).isEqualTo("to room b");
        a1.assertExhausted();
        b1.assertExhausted();
    }

    @Test
    void hybiDraftEightIsAcceptedOnlyWhenEnabled() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/echo", new EchoHandler()).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            String request = RawPeer.upgradeRequest("/echo").replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8");
            raw.sendRaw(request.getBytes(StandardCharsets.ISO_8859_1));
            RawPeer.Response r = raw.readResponse();
            assertThat(r.status()).isEqualTo(426);
            assertThat(r.headers().get("sec-websocket-version")).isEqualTo("13");
        }
        server.shutdown(Duration.ofSeconds(1));
        server = WebSocketServer.builder().host("127.0.0.1").port(0).hybiDrafts(true)
                .route("/echo", new EchoHandler()).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            String request = RawPeer.upgradeRequest("/echo", "Sec-WebSocket-Origin: http://127.0.0.1")
                    .replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8");
            raw.sendRaw(request.getBytes(StandardCharsets.ISO_8859_1));
            RawPeer.Response r = raw.readResponse();
            assertThat(r.status()).isEqualTo(101);
            assertThat(r.headers().get("sec-websocket-accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            raw.sendText("draft 8");
            assertThat(raw.readFrame().text()).isEqualTo("draft 8");
        }
    }

    /** The handshake example of draft-hixie-thewebsocketprotocol-76 section 1.3, its key3 included. */
    private static final String HIXIE76_REQUEST = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\nSec-WebSocket-Protocol: sample\r\n"
            + "Upgrade: WebSocket\r\nSec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n"
            + "Origin: http://example.com\r\n\r\n^n:ds[4U";

    @Test
    void hixie76ClientsAreServedWhenEnabled() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).hixie76(true).route("/echo", new EchoHandler())
                .build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            raw.sendRaw(HIXIE76_REQUEST.getBytes(StandardCharsets.ISO_8859_1));
            RawPeer.Response r = raw.readResponse();
            assertThat(r.status()).isEqualTo(101);
            byte[] challenge = raw.socket().getInputStream().readNBytes(16);
            assertThat(new String(challenge, StandardCharsets.ISO_8859_1)).isEqualTo("8jKS'y:G*Co,Wxa-");
            raw.sendRaw(new byte[] {0x00, 'h', 'i', (byte) 0xFF});
            byte[] echo = raw.socket().getInputStream().readNBytes(4);
            assertThat(echo).containsExactly(0x00, 'h', 'i', 0xFF);
        }
    }

    /**
     * A hixie-76 connection the server fails (a message over the limit) while the client is still
     * writing it: the closing frame, then the server's end of its direction only. It goes on
     * reading what the client sends until the client ends, as for a failed RFC 6455 connection:
     * closing both directions with input still arriving would reset the connection, and a reset
     * can discard the closing frame before the client reads it.
     */
    @Test
    void aFailedHixie76ConnectionKeepsReadingWhatItsClientStillSends() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).hixie76(true).maxMessageSize(1024)
                .closeTimeout(Duration.ofSeconds(30)).route("/echo", new EchoHandler())
                .build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            raw.sendRaw(HIXIE76_REQUEST.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(raw.readResponse().status()).isEqualTo(101);
            assertThat(raw.socket().getInputStream().readNBytes(16)).hasSize(16);
            byte[] part = new byte[2048];
            java.util.Arrays.fill(part, (byte) 'a');
            part[0] = 0x00; // a text frame whose 0xFF end never comes
            raw.sendRaw(part);
            assertThat(raw.socket().getInputStream().readNBytes(2)).containsExactly(0xFF, 0x00);
            assertThat(raw.closedByPeerWithin(5000)).isTrue();
            byte[] more = new byte[256];
            java.util.Arrays.fill(more, (byte) 'a');
            for (int i = 0; i < 25; i++) {
                raw.sendRaw(more); // read and dropped: a reset would fail these writes
                Thread.sleep(20);
            }
        }
    }

    @Test
    void tickRunsPeriodicallyOnTheServersLoops() throws Exception {
        AtomicInteger ticks = new AtomicInteger();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2)
                .tick(Duration.ofMillis(20), ticks::incrementAndGet)
                .route("/echo", new EchoHandler()).build().start();
        Thread.sleep(300);
        assertThat(ticks.get()).isGreaterThanOrEqualTo(6);
        server.shutdown(Duration.ofSeconds(1));
        server = null;
        int after = ticks.get();
        Thread.sleep(100);
        assertThat(ticks.get()).isEqualTo(after);
    }

    @Test
    void acceptFilterDropsAConnectionBeforeAnyByteIsRead() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).acceptFilter(a -> false)
                .route("/echo", new EchoHandler()).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.closedByPeerWithin(5000)).isTrue();
        }
    }

    @Test
    void perAddressCapRefusesWith503() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).maxConnectionsPerAddress(1)
                .route("/echo", new EchoHandler()).build().start();
        RecordingHandler first = new RecordingHandler();
        client.connect(uri("/echo"), first).get(5, TimeUnit.SECONDS);
        try (RawPeer raw = new RawPeer(server.port())) {
            RawPeer.Response r = raw.handshake("/echo");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).contains("Too many connections from this address.");
        }
    }

    @Test
    void maxLifetimeClosesWith1001() throws Exception {
        RecordingHandler serverSide = new RecordingHandler();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).maxLifetime(Duration.ofMillis(200))
                .route("/short", serverSide).build().start();
        RecordingHandler h = new RecordingHandler();
        client.connect(uri("/short"), h).get(5, TimeUnit.SECONDS);
        assertThat(h.awaitClose().code()).isEqualTo(1001);
        serverSide.awaitClose();
        assertThat(serverSide.opened.get().closeCause()).isEqualTo(CloseCause.MAX_LIFETIME);
    }

    @Test
    void aBlockingHandlerOnTheExecutorDoesNotStallOtherConnectionsOfItsLoop() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        CountDownLatch release = new CountDownLatch(1);
        try {
            server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).handlerExecutor(pool)
                    .route("/work", new WebSocketHandler() {
                        @Override
                        public void onText(WebSocketConnection c, String text) {
                            if (text.equals("block")) {
                                try {
                                    release.await(10, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                            c.sendText(text);
                        }
                    }).build().start();
            RecordingHandler blocked = new RecordingHandler();
            RecordingHandler free = new RecordingHandler();
            WebSocketConnection b = client.connect(uri("/work"), blocked).get(5, TimeUnit.SECONDS);
            WebSocketConnection f = client.connect(uri("/work"), free).get(5, TimeUnit.SECONDS);
            b.sendText("block");
            b.sendText("queued behind the block");
            f.sendText("not stalled");
            assertThat(free.nextText()).isEqualTo("not stalled");
            release.countDown();
            assertThat(blocked.nextText()).isEqualTo("block");
            assertThat(blocked.nextText()).isEqualTo("queued behind the block");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void blockingHandlersRunOffTheEventLoopInOrder() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).blockingHandlers()
                .route("/where", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        try {
                            Thread.sleep(text.length() % 3);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        c.sendText(text + "@" + (Thread.currentThread().getName().startsWith("websocket-server")
                                ? "loop" : "executor"));
                    }
                }).build().start();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(uri("/where"), h).get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 50; i++) {
            c.sendText("m" + i);
        }
        for (int i = 0; i < 50; i++) {
            assertThat(h.nextText()).isEqualTo("m" + i + "@executor");
        }
    }

    @Test
    void aSlowHandlerOnTheExecutorStopsReadingInsteadOfQueueingWithoutBound() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        int frame = 16 * 1024;
        try {
            server = WebSocketServer.builder().host("127.0.0.1").port(0).handlerExecutor(pool)
                    .backpressureLimit(256 * 1024)
                    .route("/slow", new WebSocketHandler() {
                        @Override
                        public void onBinary(WebSocketConnection c, java.nio.ByteBuffer data) {
                            try {
                                release.await(20, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            handled.incrementAndGet();
                        }
                    }).build().start();
            try (RawPeer raw = new RawPeer(server.port())) {
                assertThat(raw.handshake("/slow").status()).isEqualTo(101);
                java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
                int frames = 4096; // 64 MiB offered
                Thread writer = new Thread(() -> {
                    try {
                        byte[] one = RawPeer.frame(0x82, new byte[frame], true, frame, 7);
                        for (int i = 0; i < frames; i++) {
                            raw.sendRaw(one);
                            written.addAndGet(one.length);
                        }
                    } catch (java.io.IOException e) {
                        // the test closes the socket
                    }
                });
                writer.setDaemon(true);
                writer.start();
                Thread.sleep(3000);
                // Reading stopped: what the peer could write is the limit plus the kernel's socket buffers.
                assertThat(written.get()).isLessThan(32L * 1024 * 1024);
                assertThat(handled.get()).isZero();
                release.countDown();
                writer.join(30_000);
                assertThat(written.get()).isEqualTo((long) frames * (frame + 8));
                long deadline = System.currentTimeMillis() + 30_000;
                while (handled.get() < frames && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(handled.get()).isEqualTo(frames);
            }
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void listenersSeeOpensClosesRefusalsAndFrames() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .connectionListener(new ConnectionListener() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        events.add("open");
                    }

                    @Override
                    public void onClose(WebSocketConnection c, int code, CloseCause cause, boolean local) {
                        events.add("close " + code + " " + cause.tag() + " " + (local ? "local" : "remote"));
                        closed.complete(null);
                    }

                    @Override
                    public void onHandshakeRefused(Side side, int status) {
                        events.add("refused " + side.tag() + " " + status);
                    }

                    @Override
                    public void onMessageReceived(WebSocketConnection c, boolean text, int bytes) {
                        events.add("in " + (text ? "text" : "binary") + " " + bytes);
                    }
                })
                .frameListener((c, in, op, fin, rsv, len) -> events.add("frame " + (in ? "in" : "out") + " " + op + " " + len))
                .route("/echo", new EchoHandler()).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/missing").status()).isEqualTo(404);
        }
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(uri("/echo"), h).get(5, TimeUnit.SECONDS);
        c.sendText("abc");
        assertThat(h.nextText()).isEqualTo("abc");
        c.close(4000, "bye");
        closed.get(5, TimeUnit.SECONDS);
        assertThat(events).containsExactly("refused server 404", "open", "frame in 1 3", "in text 3",
                "frame out 1 3", "frame in 8 5", "frame out 8 5", "close 4000 peer_closed remote");
    }

    @Test
    void listenersCountTextInUtf8BytesBothWays() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .connectionListener(new ConnectionListener() {
                    @Override
                    public void onMessageReceived(WebSocketConnection c, boolean text, int bytes) {
                        events.add("in " + bytes);
                    }

                    @Override
                    public void onMessageSent(WebSocketConnection c, boolean text, int bytes, int wireBytes) {
                        events.add("out " + bytes);
                    }
                })
                .route("/echo", new EchoHandler()).build().start();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(uri("/echo"), h).get(5, TimeUnit.SECONDS);
        String text = "h\u00e9llo \u20ac"; // 7 chars, 10 UTF-8 bytes
        c.sendText(text);
        assertThat(h.nextText()).isEqualTo(text);
        assertThat(events).containsExactly("in 10", "out 10");
    }

    @Test
    void aBroadcastCompressedOnceReportsTheMessageSizeAndItsSizeOnTheWire() throws Exception {
        List<int[]> sent = new CopyOnWriteArrayList<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .extensions("permessage-deflate").compressionThreshold(16)
                .connectionListener(new ConnectionListener() {
                    @Override
                    public void onMessageSent(WebSocketConnection c, boolean text, int bytes, int wireBytes) {
                        sent.add(new int[] {bytes, wireBytes});
                    }
                })
                .route("/b", new WebSocketHandler() { }).build().start();
        RecordingHandler d = new RecordingHandler();
        assertThat(deflateClient.connect(uri("/b"), d).get(5, TimeUnit.SECONDS).extensions()).hasSize(1);
        String message = "all the news that fits ".repeat(40);
        assertThat(server.broadcast(message).get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(d.nextText()).isEqualTo(message);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)[0]).as("message bytes").isEqualTo(message.length());
        assertThat(sent.get(0)[1]).as("bytes on the wire").isPositive().isLessThan(message.length() / 4);
    }

    @Test
    void aPortInUseFailsStartWithAMessageNamingTheAddress() {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/echo", new EchoHandler()).build().start();
        WebSocketServer second = WebSocketServer.builder().host("127.0.0.1").port(server.port())
                .route("/echo", new EchoHandler()).build();
        assertThatThrownBy(second::start).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("127.0.0.1:" + server.port());
    }

    @Test
    void badConfigurationFailsAtBuildWithAClearMessage() {
        assertThatThrownBy(() -> WebSocketServer.builder().extensions("permessage-deflate; bogus=1")
                .route("/x", new EchoHandler()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bogus");
        assertThatThrownBy(() -> WebSocketServer.builder().extensions("no-such-extension")
                .route("/x", new EchoHandler()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-extension");
        assertThatThrownBy(() -> WebSocketServer.builder().route("/x", new EchoHandler()).route("/x", new EchoHandler()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/x");
        assertThatThrownBy(() -> WebSocketServer.builder().route("rooms/{id}", new EchoHandler()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebSocketServer.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("route");
    }
}
