package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.RecordingHandler;
import dev.seed.websocket.it.TestTls;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writing over TLS reuses the loop's record buffer: what the server's loop thread allocates per
 * small echoed message (the JDK's TLS engine, the frame, the string, the future: about 3.6 KiB)
 * stays below half of one TLS record buffer, where it was over 20 KiB with a new record buffer
 * per write. Measured with the JVM's per-thread allocation counter.
 */
class TlsWriteAllocationTest {

    private static final int WARM_UP = 2_000;
    private static final int MEASURED = 4_000;

    private WebSocketServer server;
    private WebSocketClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        if (server != null) {
            server.shutdown(Duration.ofSeconds(1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aSmallEchoAllocatesLessThanARecordBufferOnTheLoop(String protocol) throws Exception {
        CompletableFuture<Thread> loopThread = new CompletableFuture<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .sslContext(TestTls.serverContext()).tlsProtocols(protocol)
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        loopThread.complete(Thread.currentThread());
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        c.sendText(text);
                    }
                }).build().start();
        client = WebSocketClient.builder().sslContext(TestTls.clientContext()).build();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(URI.create("wss://127.0.0.1:" + server.port() + "/echo"), h)
                .get(5, TimeUnit.SECONDS);
        long tid = loopThread.get(5, TimeUnit.SECONDS).getId();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        echo(c, h, WARM_UP);
        long before = threads.getThreadAllocatedBytes(tid);
        echo(c, h, MEASURED);
        long perMessage = (threads.getThreadAllocatedBytes(tid) - before) / MEASURED;
        System.out.println(protocol + ": server loop allocated " + perMessage + " B per echoed message");
        assertThat(perMessage).as("bytes allocated on the loop per echoed message").isLessThan(8192);
    }

    /** One message at a time: each echo is its own read, unwrap, wrap and write on the server. */
    private static void echo(WebSocketConnection c, RecordingHandler h, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            c.sendText("message " + i);
            assertThat(h.nextText()).isEqualTo("message " + i);
        }
    }
}
