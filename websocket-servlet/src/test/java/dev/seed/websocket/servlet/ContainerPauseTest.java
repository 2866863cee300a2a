package dev.seed.websocket.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.RecordingHandler;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Inbound flow control on a container: a connection that pauses reading while the peer keeps
 * sending stops reading for real (the container stays idle, TCP holds the peer back), and resumes
 * with nothing lost, repeated or reordered, however often it pauses and resumes. (Through the
 * Servlet API on Tomcat a pause cannot stop Tomcat from dispatching again while data waits, which
 * is why Tomcat gets its own upgrade kind: that path is not run here.)
 */
class ContainerPauseTest extends ContainerTestBase {

    private static final int MESSAGES = 2000;


    @ParameterizedTest
    @EnumSource(value = Container.Kind.class, names = {"TOMCAT", "JETTY", "TOMCAT_WITHOUT_ASYNC_IO"})
    void aPausedConnectionStopsReadingAndResumesWithEverythingInOrder(Container.Kind kind) throws Exception {
        CompletableFuture<WebSocketConnection> serverSide = new CompletableFuture<>();
        AtomicInteger received = new AtomicInteger();
        server = WebSocketServer.builder().listen(false)
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        serverSide.complete(c);
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        received.incrementAndGet();
                        if (text.endsWith("#0")) {
                            c.pauseReading();
                        }
                        c.sendText(text.substring(text.lastIndexOf('#')));
                    }
                })
                .build().start();
        container = Container.start(kind, List.of(Container.upgradeFilter(kind, server)));
        client = WebSocketClient.builder().build();
        RecordingHandler replies = new RecordingHandler();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + container.port() + "/echo"), replies)
                .get(10, TimeUnit.SECONDS);
        String padding = "p".repeat(4000);
        for (int i = 0; i < MESSAGES; i++) {
            c.sendText(padding + "#" + i); // 8 MB: far more than the socket buffers hold
        }
        assertThat(replies.next().text()).isEqualTo("#0");
        Thread.sleep(500); // the peer's data piles up in the container's buffers and the kernel's

        // paused with data waiting: nothing is delivered and nobody spins (a container that keeps
        // dispatching reads burns a core here: 850 ms of CPU per second before the fix)
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long wallBefore = System.nanoTime();
        Thread.sleep(1000);
        long cpuNanos = os.getProcessCpuTime() - cpuBefore;
        long wallNanos = System.nanoTime() - wallBefore;
        assertThat(received.get()).as("messages delivered while paused").isEqualTo(1);
        assertThat(cpuNanos).as("CPU time of the process while paused, against %d ms of wall time", wallNanos / 1_000_000)
                .isLessThan(wallNanos / 4);

        // resume and pause again and again while the backlog drains (a resume racing new data)
        WebSocketConnection s = serverSide.get(10, TimeUnit.SECONDS);
        for (int k = 0; k < 300 && received.get() < MESSAGES; k++) {
            s.resumeReading();
            Thread.sleep(1);
            s.pauseReading();
        }
        s.resumeReading();
        for (int i = 1; i < MESSAGES; i++) {
            RecordingHandler.Event e = replies.next();
            assertThat(e).as("reply %d of %d (the server received %d)", i, MESSAGES, received.get()).isNotNull();
            assertThat(e.text()).isEqualTo("#" + i);
        }
        assertThat(received.get()).isEqualTo(MESSAGES);
        c.close(1000, "bye");
        assertThat(replies.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
    }
}
