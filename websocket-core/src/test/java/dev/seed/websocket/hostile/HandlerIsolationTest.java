package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.RecordingHandler;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A handler that throws, blocks or is slow on one connection, and its neighbours on the same
 * event loop (one loop here, so that every connection shares it). The documented bounds: a
 * handler that throws closes its own connection only (1011); a handler that runs on the loop
 * delays the loop's other connections by as long as it runs, no longer; with
 * {@code handlerExecutor(...)} a blocked handler delays no one else.
 */
class HandlerIsolationTest {

    private WebSocketServer server;
    private ExecutorService executor;
    private final WebSocketClient client = WebSocketClient.create();

    @AfterEach
    void stop() throws Exception {
        client.close();
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** Echoes, except "throw" (throws) and "block" (waits on the latch, at most 10 s). */
    private static final class Moody implements WebSocketHandler {
        final CountDownLatch release = new CountDownLatch(1);
        final CompletableFuture<Void> blocking = new CompletableFuture<>();
        final long blockMillis;

        Moody(long blockMillis) {
            this.blockMillis = blockMillis;
        }

        @Override
        public void onText(WebSocketConnection c, String text) {
            switch (text) {
                case "throw" -> throw new IllegalStateException("handler failure");
                case "block" -> {
                    blocking.complete(null);
                    try {
                        release.await(blockMillis, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    c.sendText("unblocked");
                }
                default -> c.sendText(text);
            }
        }
    }

    private WebSocketConnection connect(RecordingHandler h) throws Exception {
        return client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/moody"), h).get(5, TimeUnit.SECONDS);
    }

    private static long roundTripMillis(WebSocketConnection c, RecordingHandler h, String text) throws Exception {
        long start = System.nanoTime();
        c.sendText(text);
        assertThat(h.nextText()).isEqualTo(text);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void aHandlerThatThrowsClosesOnlyItsOwnConnectionWith1011() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .route("/moody", new Moody(0)).build().start();
        RecordingHandler victim = new RecordingHandler();
        RecordingHandler neighbour = new RecordingHandler();
        WebSocketConnection v = connect(victim);
        WebSocketConnection n = connect(neighbour);
        v.sendText("throw");
        assertThat(victim.awaitClose().code()).isEqualTo(1011);
        assertThat(roundTripMillis(n, neighbour, "fine")).isLessThan(1000L);
        assertThat(Resources.await(() -> server.connections().size() == 1, 5000)).isTrue();
        assertThat(n.isOpen()).isTrue();
    }

    @Test
    void aHandlerBlockingTheLoopDelaysItsNeighboursByNoMoreThanItBlocks() throws Exception {
        long block = 600;
        Moody moody = new Moody(block);
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .route("/moody", moody).build().start();
        RecordingHandler blocker = new RecordingHandler();
        RecordingHandler neighbour = new RecordingHandler();
        WebSocketConnection b = connect(blocker);
        WebSocketConnection n = connect(neighbour);
        assertThat(roundTripMillis(n, neighbour, "warm")).isLessThan(1000L);
        b.sendText("block");
        moody.blocking.get(5, TimeUnit.SECONDS);
        long delay = roundTripMillis(n, neighbour, "while blocked");
        // The loop is the handler's while it blocks: the neighbour waits, but not beyond the block.
        assertThat(delay).isLessThan(block + 500);
        assertThat(blocker.nextText()).isEqualTo("unblocked");
        assertThat(roundTripMillis(n, neighbour, "after")).isLessThan(1000L);
    }

    @Test
    void withAHandlerExecutorABlockedHandlerDelaysNoOneElse() throws Exception {
        executor = Executors.newCachedThreadPool();
        Moody moody = new Moody(10_000);
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).handlerExecutor(executor)
                .route("/moody", moody).build().start();
        RecordingHandler blocker = new RecordingHandler();
        RecordingHandler neighbour = new RecordingHandler();
        WebSocketConnection b = connect(blocker);
        WebSocketConnection n = connect(neighbour);
        b.sendText("block");
        moody.blocking.get(5, TimeUnit.SECONDS);
        // The blocked connection's later messages wait their turn (events of one connection stay
        // in order); every other connection is served at once.
        b.sendText("queued behind the block");
        for (int i = 0; i < 20; i++) {
            assertThat(roundTripMillis(n, neighbour, "hello " + i)).isLessThan(500L);
        }
        moody.release.countDown();
        assertThat(blocker.nextText()).isEqualTo("unblocked");
        assertThat(blocker.nextText()).isEqualTo("queued behind the block");
    }

    @Test
    void withAHandlerExecutorAThrowingHandlerClosesOnlyItsConnection() throws Exception {
        executor = Executors.newCachedThreadPool();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).handlerExecutor(executor)
                .route("/moody", new Moody(0)).build().start();
        RecordingHandler victim = new RecordingHandler();
        RecordingHandler neighbour = new RecordingHandler();
        WebSocketConnection v = connect(victim);
        WebSocketConnection n = connect(neighbour);
        v.sendText("throw");
        assertThat(victim.awaitClose().code()).isEqualTo(1011);
        assertThat(roundTripMillis(n, neighbour, "fine")).isLessThan(1000L);
        assertThat(Resources.await(() -> server.connections().size() == 1, 5000)).isTrue();
        assertThat(n.isOpen()).isTrue();
    }
}
