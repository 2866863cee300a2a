package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.RawPeer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown under load: while the server streams numbered messages to 200 peers it
 * shuts down; every message whose send future completed before the shutdown began reaches its
 * peer, in order, none twice; every peer gets 1001; and nothing outlives the grace period, not
 * even a peer that never answers the close.
 */
class GracefulShutdownTest {

    private static final int PEERS = 200;

    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(1));
        }
    }

    /** A client that checks the numbers it gets are 0, 1, 2, ... */
    private static final class Receiver implements WebSocketHandler {
        final AtomicInteger next = new AtomicInteger();
        final List<String> errors = new ArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public void onText(WebSocketConnection c, String text) {
            int n = Integer.parseInt(text);
            if (n != next.get()) {
                errors.add("got " + n + " after " + (next.get() - 1));
            }
            next.set(n + 1);
        }

        @Override
        public void onClose(WebSocketConnection c, int code, String reason) {
            closed.complete(code);
        }
    }

    @Test
    void everyMessageSentBeforeTheShutdownArrivesAndEveryPeerGets1001() throws Exception {
        Map<WebSocketConnection, AtomicInteger> completed = new ConcurrentHashMap<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/stream", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        completed.put(c, new AtomicInteger(-1));
                    }
                })
                .build().start();
        try (WebSocketClient client = WebSocketClient.create()) {
            List<Receiver> receivers = new ArrayList<>();
            for (int i = 0; i < PEERS; i++) {
                Receiver r = new Receiver();
                client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/stream"), r).get(5, TimeUnit.SECONDS);
                receivers.add(r);
            }
            assertThat(Resources.await(() -> completed.size() == PEERS, 5000)).isTrue();
            // Four threads stream numbers to every connection as fast as each peer reads, each
            // number's future recording it.
            List<WebSocketConnection> connections = new ArrayList<>(completed.keySet());
            List<Thread> senders = new ArrayList<>();
            long sendUntil = System.currentTimeMillis() + 10_000;
            for (int t = 0; t < 4; t++) {
                List<WebSocketConnection> mine = connections.subList(t * PEERS / 4, (t + 1) * PEERS / 4);
                Thread sender = new Thread(() -> {
                    int[] sequence = new int[mine.size()];
                    boolean anyOpen = true;
                    while (anyOpen && System.currentTimeMillis() < sendUntil) {
                        anyOpen = false;
                        for (int i = 0; i < mine.size(); i++) {
                            WebSocketConnection c = mine.get(i);
                            if (!c.isOpen()) {
                                continue;
                            }
                            anyOpen = true;
                            if (c.bufferedAmount() > 4096) {
                                continue; // flow control, as a well-behaved application does
                            }
                            int n = sequence[i]++;
                            AtomicInteger done = completed.get(c);
                            c.sendText(Integer.toString(n)).thenRun(() -> done.accumulateAndGet(n, Math::max));
                        }
                        Thread.onSpinWait();
                    }
                }, "stream-sender-" + t);
                sender.start();
                senders.add(sender);
            }
            Thread.sleep(1000);
            // What completed before the shutdown began must arrive.
            Map<WebSocketConnection, Integer> promised = new ConcurrentHashMap<>();
            completed.forEach((c, n) -> promised.put(c, n.get()));
            long start = System.nanoTime();
            boolean clean = server.shutdown(Duration.ofSeconds(5));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            server = null;
            assertThat(clean).as("every peer closed within the grace period").isTrue();
            assertThat(millis).isLessThan(5000L);
            for (Thread s : senders) {
                s.join(10_000);
                assertThat(s.isAlive()).isFalse();
            }
            for (Receiver r : receivers) {
                assertThat(r.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
                assertThat(r.errors).isEmpty();
            }
            // Receivers and server connections pair up by the count each received: every peer's
            // count is at least the promise of some connection, and all promises are met.
            List<Integer> received = receivers.stream().map(r -> r.next.get()).sorted().toList();
            List<Integer> owed = promised.values().stream().map(n -> n + 1).sorted().toList();
            for (int i = 0; i < PEERS; i++) {
                assertThat(received.get(i)).as("messages received by peer rank " + i).isGreaterThanOrEqualTo(owed.get(i));
            }
            assertThat(owed.get(0)).as("every connection had messages completed before the shutdown").isPositive();
            for (WebSocketConnection c : connections) {
                assertThat(c.closeCause()).isEqualTo(CloseCause.SHUTDOWN);
            }
        }
    }

    @Test
    void aPeerThatNeverAnswersTheCloseDoesNotHoldTheShutdownPastItsGrace() throws Exception {
        CompletableFuture<WebSocketConnection> opened = new CompletableFuture<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/mute", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        opened.complete(c);
                    }
                })
                .build().start();
        int fdsBefore = Resources.openFileDescriptors();
        try (RawPeer mute = new RawPeer(server.port())) {
            assertThat(mute.handshake("/mute").status()).isEqualTo(101);
            WebSocketConnection c = opened.get(5, TimeUnit.SECONDS);
            long start = System.nanoTime();
            boolean clean = server.shutdown(Duration.ofSeconds(1));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            server = null;
            assertThat(clean).isFalse();
            assertThat(millis).as("shutdown time").isBetween(900L, 2500L);
            assertThat(c.closeCause()).isEqualTo(CloseCause.SHUTDOWN);
            assertThat(mute.readUntilClose().closeCode()).isEqualTo(1001);
            assertThat(mute.closedByPeerWithin(2000)).isTrue();
        }
        assertThat(Resources.awaitFileDescriptorsAtMost(fdsBefore - 1, 5000)).as("the server's own socket too")
                .isLessThanOrEqualTo(fdsBefore - 1);
    }
}
