package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.RawPeer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ping floods and pong floods. RFC 6455 section 5.5.3: an endpoint that has not yet sent the
 * pong for earlier pings "MAY elect to send a Pong frame for only the most recently processed
 * Ping frame": a peer that floods pings without reading gets its pongs coalesced, so the outbound
 * queue stays bounded. A pong flood queues nothing outbound, and when handlers run on an executor
 * the server stops reading a peer whose events pile up faster than its handler takes them.
 */
class FloodTest {

    private static final int FLOOD = 300_000;

    private WebSocketServer server;
    private ExecutorService executor;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** Echoes text; hands its connection to the test; counts pings. */
    private static final class Echo implements WebSocketHandler {
        final CompletableFuture<WebSocketConnection> opened = new CompletableFuture<>();
        final AtomicInteger pings = new AtomicInteger();

        @Override
        public void onPing(WebSocketConnection c, ByteBuffer data) {
            pings.incrementAndGet();
        }

        @Override
        public void onOpen(WebSocketConnection c) {
            opened.complete(c);
        }

        @Override
        public void onText(WebSocketConnection c, String text) {
            c.sendText(text);
        }
    }

    /** A masked control frame carrying a 125-byte payload that starts with {@code sequence}. */
    private static byte[] control(int opcode, int sequence) {
        byte[] payload = new byte[125];
        ByteBuffer.wrap(payload).putInt(sequence);
        return RawPeer.frame(0x80 | opcode, payload, true, payload.length, 0x5EED1234 + sequence);
    }

    /** Writes {@code count} control frames in batches; returns how many went out. */
    private static int flood(OutputStream out, int opcode, int count, AtomicInteger sent) throws IOException {
        java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            batch.writeBytes(control(opcode, i));
            if (batch.size() >= 64 * 1024 || i == count - 1) {
                out.write(batch.toByteArray());
                batch.reset();
                sent.set(i + 1);
            }
        }
        out.flush();
        return sent.get();
    }

    @Test
    void aPeerThatFloodsPingsAndNeverReadsGetsCoalescedPongsWithinABoundedQueue() throws Exception {
        Echo echo = new Echo();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/echo", echo).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            raw.socket().setReceiveBufferSize(64 * 1024);
            assertThat(raw.handshake("/echo").status()).isEqualTo(101);
            WebSocketConnection c = echo.opened.get(5, TimeUnit.SECONDS);
            AtomicLong maxQueued = new AtomicLong();
            Thread watcher = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    maxQueued.accumulateAndGet(c.bufferedAmount(), Math::max);
                    Thread.onSpinWait();
                }
            });
            watcher.start();
            flood(raw.socket().getOutputStream(), 0x9, FLOOD, new AtomicInteger());
            // The server processes every ping while the peer reads nothing: 300,000 pongs would
            // be 38 MB, but the queue stays under the congestion bound.
            assertThat(Resources.await(() -> echo.pings.get() == FLOOD, 30_000)).as("all pings processed").isTrue();
            watcher.interrupt();
            watcher.join();
            assertThat(maxQueued.get()).as("bytes queued for the peer at most").isLessThan(1024 * 1024);
            // Now the peer reads: pongs come in the order of their pings, far fewer than the
            // pings (what the socket buffers held, then the owed ones), and the last ping is
            // answered, possibly after the text queued behind the pongs already written.
            c.sendText("after the flood");
            java.io.DataInputStream in = new java.io.DataInputStream(
                    new java.io.BufferedInputStream(raw.socket().getInputStream(), 64 * 1024));
            int pongs = 0;
            int lastSequence = -1;
            boolean textSeen = false;
            while (!textSeen || lastSequence != FLOOD - 1) {
                int b0 = in.readUnsignedByte();
                int length = in.readUnsignedByte();
                assertThat(length).isLessThan(126);
                byte[] payload = in.readNBytes(length);
                if (b0 == 0x81) {
                    assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo("after the flood");
                    textSeen = true;
                    continue;
                }
                assertThat(b0).isEqualTo(0x8A);
                int sequence = ByteBuffer.wrap(payload).getInt();
                assertThat(sequence).isGreaterThan(lastSequence);
                lastSequence = sequence;
                pongs++;
            }
            assertThat(pongs).isLessThan(FLOOD / 2);
            assertThat(lastSequence).isEqualTo(FLOOD - 1);
            raw.sendText("still open");
            assertThat(raw.readFrame().text()).isEqualTo("still open");
        }
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }

    @Test
    void aPingFloodFromAPeerThatReadsIsAnsweredPingByPing() throws Exception {
        Echo echo = new Echo();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/echo", echo).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/echo").status()).isEqualTo(101);
            int count = 2000;
            for (int i = 0; i < count; i++) {
                raw.sendRaw(control(0x9, i));
                RawPeer.Frame pong = raw.readFrame();
                assertThat(pong.opcode()).isEqualTo(0xA);
                assertThat(ByteBuffer.wrap(pong.payload()).getInt()).isEqualTo(i);
            }
        }
    }

    @Test
    void aPongFloodQueuesNothingAndLeavesTheConnectionServing() throws Exception {
        Echo echo = new Echo();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/echo", echo).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/echo").status()).isEqualTo(101);
            WebSocketConnection c = echo.opened.get(5, TimeUnit.SECONDS);
            flood(raw.socket().getOutputStream(), 0xA, FLOOD, new AtomicInteger());
            assertThat(c.bufferedAmount()).isZero();
            raw.sendText("after the pongs");
            assertThat(raw.readFrame().text()).isEqualTo("after the pongs");
        }
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }

    @Test
    void withAHandlerExecutorAFloodIntoABlockedHandlerStopsReadingInsteadOfQueueing() throws Exception {
        executor = Executors.newCachedThreadPool();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        CompletableFuture<WebSocketConnection> opened = new CompletableFuture<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handlerExecutor(executor)
                .backpressureLimit(1024 * 1024)
                .route("/slow", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        opened.complete(c);
                    }

                    @Override
                    public void onPong(WebSocketConnection c, ByteBuffer data) {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        handled.incrementAndGet();
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        c.sendText(text);
                    }
                })
                .build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            raw.socket().setSendBufferSize(16 * 1024);
            assertThat(raw.handshake("/slow").status()).isEqualTo(101);
            opened.get(5, TimeUnit.SECONDS);
            AtomicInteger sent = new AtomicInteger();
            Thread flooder = new Thread(() -> {
                try {
                    flood(raw.socket().getOutputStream(), 0xA, FLOOD, sent);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            flooder.start();
            // The handler is blocked: the server stops reading once about 1 MiB of events waits
            // for it, the socket buffers fill, and TCP stalls the flooder long before its 300,000
            // pongs (39 MB) are out. Without that, the flooder would keep going.
            Thread.sleep(2000);
            int sentAfterTwoSeconds = sent.get();
            Thread.sleep(1000);
            assertThat(flooder.isAlive()).isTrue();
            assertThat(sent.get()).as("frames the flooder got out, stalled").isEqualTo(sentAfterTwoSeconds);
            assertThat((long) sentAfterTwoSeconds * 131).as("bytes the flooder got out").isLessThan(16L * 1024 * 1024);
            // Once the handler runs again, reading resumes and every pong reaches it: nothing lost.
            release.countDown();
            flooder.join(60_000);
            assertThat(flooder.isAlive()).isFalse();
            assertThat(Resources.await(() -> handled.get() == FLOOD, 30_000)).as("all pongs handled").isTrue();
            raw.sendText("after");
            assertThat(raw.readFrame().text()).isEqualTo("after");
        }
    }
}
