package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.transport.EventLoop;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Buffer ownership across event loops: a handler that passes on what {@code onBinary} (or
 * {@code onPing}) was given, to a connection on another loop, to a broadcast or to a topic, while
 * its own loop goes on reading the next messages into the same buffer. Every one of 20,000 numbered
 * messages must arrive byte for byte, in order, plain and with permessage-deflate, whole and in
 * fragments.
 */
class RelayAcrossLoopsTest {

    private static final int MESSAGES = 20_000;
    private static final int SIZE = 1024;

    private WebSocketServer server;
    private WebSocketClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    /** How the server passes a message on from the source connection to the sink. */
    enum Mode { SEND_BINARY, SEND_TEXT, BROADCAST, PUBLISH }

    @ParameterizedTest(name = "{0}, deflate {1}, fragment size {2}")
    @CsvSource({
        "SEND_BINARY, false, 0", "SEND_BINARY, true, 0", "SEND_BINARY, false, 300", "SEND_BINARY, true, 300",
        "SEND_TEXT, false, 0", "SEND_TEXT, true, 0",
        "BROADCAST, false, 0", "BROADCAST, true, 0",
        "PUBLISH, false, 0", "PUBLISH, true, 0",
    })
    void everyRelayedMessageArrivesIntact(Mode mode, boolean deflate, int fragmentSize) throws Exception {
        AtomicReference<WebSocketConnection> sink = new AtomicReference<>();
        List<EventLoop> loops = new ArrayList<>();
        WebSocketHandler relay = new WebSocketHandler() {
            @Override
            public void onOpen(WebSocketConnection c) {
                synchronized (loops) {
                    loops.add(EventLoop.current());
                }
                if ("sink".equals(c.pathVariable("role"))) {
                    server.subscribe(c, "numbers");
                    sink.set(c);
                }
            }

            @Override
            public void onBinary(WebSocketConnection c, ByteBuffer data) {
                switch (mode) {
                    case SEND_BINARY -> sink.get().sendBinary(data);
                    case BROADCAST -> server.broadcast(data, other -> other != c);
                    case PUBLISH -> server.publish("numbers", data);
                    default -> throw new IllegalStateException("binary in " + mode);
                }
            }

            @Override
            public void onText(WebSocketConnection c, String text) {
                sink.get().sendText(text);
            }
        };
        // The relay ignores its send futures: room for every message, so that none fails for backpressure.
        WebSocketServer.Builder sb = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2)
                .backpressureLimit(64L * 1024 * 1024).route("/relay/{role}", relay);
        WebSocketClient.Builder cb = WebSocketClient.builder().eventLoops(2).outgoingFragmentSize(fragmentSize);
        if (deflate) {
            sb.extensions("permessage-deflate");
            cb.extensions("permessage-deflate");
        }
        server = sb.build().start();
        client = cb.build();

        Verifier verifier = new Verifier(mode == Mode.SEND_TEXT);
        String base = "ws://127.0.0.1:" + server.port() + "/relay/";
        WebSocketConnection sinkClient = client.connect(URI.create(base + "sink"), verifier).get(5, TimeUnit.SECONDS);
        WebSocketConnection source = client.connect(URI.create(base + "source"), new RecordingHandler())
                .get(5, TimeUnit.SECONDS);
        assertThat(sinkClient.extensions()).hasSize(deflate ? 1 : 0);
        waitUntil(() -> loops.size() == 2);
        assertThat(loops.get(0)).as("source and sink on different server loops").isNotSameAs(loops.get(1));

        CompletableFuture<Void> last = null;
        for (int i = 0; i < MESSAGES; i++) {
            last = mode == Mode.SEND_TEXT ? source.sendText(text(i)) : source.sendBinary(message(i));
            if (i % 500 == 499) {
                last.get(10, TimeUnit.SECONDS); // bounded client-side queue
            }
        }
        last.get(10, TimeUnit.SECONDS);
        try {
            verifier.done.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("received " + verifier.received + " of " + MESSAGES + ", corrupted "
                    + verifier.corrupted, e);
        }
        assertThat(verifier.corrupted.get()).as("messages with bytes of other messages").isZero();
        assertThat(verifier.received.get()).isEqualTo(MESSAGES);
    }

    @ParameterizedTest(name = "deflate {0}")
    @CsvSource({"false", "true"})
    void relayedPingPayloadsArriveIntact(boolean deflate) throws Exception {
        AtomicReference<WebSocketConnection> sink = new AtomicReference<>();
        WebSocketHandler relay = new WebSocketHandler() {
            @Override
            public void onOpen(WebSocketConnection c) {
                if ("sink".equals(c.pathVariable("role"))) {
                    sink.set(c);
                }
            }

            @Override
            public void onPing(WebSocketConnection c, ByteBuffer data) {
                if (c != sink.get()) {
                    sink.get().ping(data);
                }
            }
        };
        WebSocketServer.Builder sb = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2)
                .route("/relay/{role}", relay);
        if (deflate) {
            sb.extensions("permessage-deflate");
        }
        server = sb.build().start();
        client = WebSocketClient.builder().eventLoops(2).build();
        int pings = 5_000;
        AtomicInteger received = new AtomicInteger();
        AtomicInteger corrupted = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        String base = "ws://127.0.0.1:" + server.port() + "/relay/";
        client.connect(URI.create(base + "sink"), new WebSocketHandler() {
            @Override
            public void onPing(WebSocketConnection c, ByteBuffer data) {
                int n = received.getAndIncrement();
                if (!data.equals(ByteBuffer.wrap(pingPayload(n)))) {
                    corrupted.incrementAndGet();
                }
                if (n + 1 == pings) {
                    done.complete(null);
                }
            }
        }).get(5, TimeUnit.SECONDS);
        waitUntil(() -> sink.get() != null);
        WebSocketConnection source = client.connect(URI.create(base + "source"), new RecordingHandler())
                .get(5, TimeUnit.SECONDS);
        for (int i = 0; i < pings; i++) {
            CompletableFuture<Void> f = source.ping(ByteBuffer.wrap(pingPayload(i)));
            if (i % 500 == 499) {
                f.get(10, TimeUnit.SECONDS);
            }
        }
        done.get(30, TimeUnit.SECONDS);
        assertThat(corrupted.get()).isZero();
    }

    /** Message {@code n}: its number, then bytes that depend on it. */
    static ByteBuffer message(int n) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.putInt(n);
        for (int i = 4; i < SIZE; i++) {
            b.put((byte) (n * 31 + i * 7));
        }
        return b.flip();
    }

    static String text(int n) {
        StringBuilder sb = new StringBuilder(SIZE).append(n).append(':');
        while (sb.length() < SIZE) {
            sb.append((char) ('a' + (n + sb.length()) % 26));
        }
        return sb.toString();
    }

    static byte[] pingPayload(int n) {
        byte[] p = new byte[100];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (n + i);
        }
        return p;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    /** Checks each message against the one expected next, on the client's loop. */
    private static final class Verifier implements WebSocketHandler {
        final boolean text;
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger corrupted = new AtomicInteger();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Verifier(boolean text) {
            this.text = text;
        }

        @Override
        public void onBinary(WebSocketConnection c, ByteBuffer data) {
            count(data.equals(message(received.get())));
        }

        @Override
        public void onText(WebSocketConnection c, String s) {
            count(s.equals(text(received.get())));
        }

        private void count(boolean intact) {
            if (!intact) {
                corrupted.incrementAndGet();
            }
            if (received.incrementAndGet() == MESSAGES) {
                done.complete(null);
            }
        }
    }
}
