package dev.seed.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.WebSocketClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Closing the context sends 1001 (going away) to every client, then stops listening. */
class ShutdownIntegrationTests {

    @Test
    void contextCloseSends1001ToEveryPeer() throws Exception {
        ConfigurableApplicationContext app = TestApp.start("websocket.server.shutdown-grace=5s");
        int port = TestApp.port(app);
        CompletableFuture<Integer> jdkClose = new CompletableFuture<>();
        WebSocket jdk = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/echo"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
                        jdkClose.complete(statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try (WebSocketClient client = WebSocketClient.builder().eventLoops(1).build()) {
            Recorder recorder = new Recorder();
            client.connect(URI.create("ws://127.0.0.1:" + port + "/rooms/1"), recorder).get(10, TimeUnit.SECONDS);
            long start = System.nanoTime();
            app.close();
            assertThat(recorder.awaitClose()).isEqualTo(1001);
            assertThat(jdkClose.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
            // both peers answered the close: shutdown did not need the whole grace period
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(5);
        }
        assertThat(jdk.isInputClosed()).isTrue();
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).isInstanceOf(IOException.class);
    }
}
