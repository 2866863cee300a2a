package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketException;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection kept by the application after its server or client was stopped: every send and
 * close fails at once with a message that says so, and {@code execute} refuses, instead of
 * returning futures that never complete.
 */
class StoppedEndpointTest {

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

    @Test
    void aServerConnectionUsedAfterShutdownFailsAtOnce() throws Exception {
        CompletableFuture<WebSocketConnection> serverSide = new CompletableFuture<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/echo", new WebSocketHandler() {
            @Override
            public void onOpen(WebSocketConnection c) {
                serverSide.complete(c);
            }
        }).build().start();
        client = WebSocketClient.builder().build();
        client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), new RecordingHandler())
                .get(5, TimeUnit.SECONDS);
        WebSocketConnection c = serverSide.get(5, TimeUnit.SECONDS);
        server.shutdown(Duration.ofSeconds(1));

        assertAllFailAtOnce(c, "server");
    }

    @Test
    void aClientConnectionUsedAfterCloseFailsAtOnce() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/echo", new EchoHandler()).build().start();
        client = WebSocketClient.builder().build();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"),
                new RecordingHandler()).get(5, TimeUnit.SECONDS);
        client.close(Duration.ofSeconds(1));

        assertAllFailAtOnce(c, "client");
    }

    private static void assertAllFailAtOnce(WebSocketConnection c, String owner) throws Exception {
        List<CompletableFuture<Void>> calls = List.of(
                c.sendText("late"),
                c.sendBinary(ByteBuffer.allocateDirect(16)),
                c.sendBinary(new byte[8]),
                c.ping(ByteBuffer.allocate(4)),
                c.pong(ByteBuffer.allocate(4)),
                c.close(1000, "late"));
        for (CompletableFuture<Void> f : calls) {
            assertThatThrownBy(() -> f.get(1, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WebSocketException.class)
                    .hasMessage("Connection is closed: its " + owner + " has been stopped.");
        }
        assertThat(c.isOpen()).isFalse();
        assertThatThrownBy(() -> c.execute(() -> { }))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("has stopped");
    }
}
