package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.ScheduledTask;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WebSocketConnection#schedule}: the task runs on the connection's loop after its delay,
 * unless cancelled (from any thread) or the connection ended first; a handle kept after that holds
 * nothing the task captured; a task that throws closes its connection with 1011.
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

    /**
     * Waits up to 5 s, collecting garbage, for {@code ref} to be cleared; whether it was. A
     * reference that stays set means something still reaches what it refers to.
     */
    private static boolean collected(WeakReference<?> ref) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ref.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        return ref.get() == null;
    }

    /**
     * Schedules, an hour from now, a task that captures 1 MiB (a session's state, say), which
     * {@code captured} then refers to weakly. In a method of its own: no local of the test holds it.
     */
    private static ScheduledTask scheduleHolding(WebSocketConnection s, List<WeakReference<byte[]>> captured) {
        byte[] state = new byte[1 << 20];
        captured.add(new WeakReference<>(state));
        return s.schedule(() -> state[0]++, Duration.ofHours(1));
    }

    @Test
    void aHandleKeptByTheApplicationHoldsNothingOfItsTaskOnceCancelledOrClosed() throws Exception {
        WebSocketConnection s = serverSide.get(5, TimeUnit.SECONDS);
        List<WeakReference<byte[]>> captured = new ArrayList<>();
        ScheduledTask cancelled = scheduleHolding(s, captured);
        ScheduledTask endedWithTheConnection = scheduleHolding(s, captured);
        WeakReference<byte[]> cancelledState = captured.get(0);
        WeakReference<byte[]> closedState = captured.get(1);

        assertThat(cancelled.cancel()).isTrue();
        assertThat(collected(cancelledState)).as("what a cancelled task captured").isTrue();

        c.close().get(5, TimeUnit.SECONDS);
        clientHandler.awaitClose();
        assertThat(collected(closedState)).as("what a task of a closed connection captured").isTrue();
        // the handles, kept until here, still answer
        assertThat(cancelled.isCancelled()).isTrue();
        assertThat(endedWithTheConnection.isCancelled()).isTrue();
        assertThat(endedWithTheConnection.cancel()).isFalse();
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
