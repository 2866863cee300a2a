package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.ScheduledTask;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WebSocketConnection#schedule}: the task runs on the connection's loop after its delay,
 * unless cancelled (from any thread) or the connection ended first; a task that throws closes its
 * connection with 1011.
 */
class ScheduledTaskTest {

    private WebSocketServer server;
    private WebSocketClient client;
    private final CompletableFuture<WebSocketConnection> serverSide = new CompletableFuture<>();
    private final CompletableFuture<Thread> loopThread = new CompletableFuture<>();
    private RecordingHandler clientHandler;
    private WebSocketConnection c;

    @BeforeEach
    void start() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/s", new WebSocketHandler() {
            @Override
            public void onOpen(WebSocketConnection conn) {
                loopThread.complete(Thread.currentThread());
                serverSide.complete(conn);
            }
        }).build().start();
        client = WebSocketClient.builder().build();
        clientHandler = new RecordingHandler();
        c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/s"), clientHandler).get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        client.close(Duration.ofSeconds(1));
        server.shutdown(Duration.ofSeconds(1));
    }

    @Test
    void aTaskRunsOnTheConnectionsLoopAfterItsDelay() throws Exception {
        WebSocketConnection s = serverSide.get(5, TimeUnit.SECONDS);
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        long start = System.nanoTime();
        ScheduledTask t = s.schedule(() -> ranOn.complete(Thread.currentThread()), Duration.ofMillis(200));
        assertThat(ranOn.get(5, TimeUnit.SECONDS)).isSameAs(loopThread.get());
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(t.isDone()).isTrue();
        assertThat(t.isCancelled()).isFalse();
        assertThat(t.cancel()).as("cancel after it ran").isFalse();
    }

    @Test
    void aTaskCancelledFromAnotherThreadNeverRuns() throws Exception {
        WebSocketConnection s = serverSide.get(5, TimeUnit.SECONDS);
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask now = s.schedule(runs::incrementAndGet, Duration.ofMillis(300));
        assertThat(now.cancel()).isTrue();
        ScheduledTask later = s.schedule(runs::incrementAndGet, Duration.ofMillis(300));
        Thread.sleep(100);
        assertThat(later.cancel()).isTrue();
        assertThat(later.cancel()).as("a second cancel").isFalse();
        Thread.sleep(500);
        assertThat(runs.get()).isZero();
        assertThat(now.isCancelled()).isTrue();
        assertThat(later.isDone()).isTrue();
    }

    @Test
    void nothingScheduledRunsAfterTheConnectionClosed() throws Exception {
        WebSocketConnection s = serverSide.get(5, TimeUnit.SECONDS);
        AtomicInteger runs = new AtomicInteger();
        ScheduledTask pending = s.schedule(runs::incrementAndGet, Duration.ofMillis(300));
        c.close().get(5, TimeUnit.SECONDS);
        clientHandler.awaitClose();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!pending.isCancelled() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(pending.isCancelled()).as("cancelled by the close").isTrue();
        ScheduledTask afterClose = s.schedule(runs::incrementAndGet, Duration.ofMillis(10));
        assertThat(afterClose.isCancelled()).isTrue();
        Thread.sleep(500);
        assertThat(runs.get()).isZero();
    }

    @Test
    void aTaskThatThrowsClosesItsConnectionWith1011() throws Exception {
        WebSocketConnection s = serverSide.get(5, TimeUnit.SECONDS);
        s.schedule(() -> {
            throw new IllegalStateException("task bug");
        }, Duration.ofMillis(10));
        assertThat(clientHandler.awaitClose().code()).isEqualTo(1011);
    }
}
