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

    @Test
    void peersGetTheir1001BeforeTheWebServerAndTheDatasourcesStop() throws Exception {
        java.util.List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        ConfigurableApplicationContext app = new org.springframework.boot.builder.SpringApplicationBuilder(
                TestApp.class, Downstream.class).web(org.springframework.boot.WebApplicationType.NONE)
                .properties("websocket.server.port=0", "websocket.server.address=127.0.0.1")
                .run();
        app.getBean(Downstream.class).order = order;
        assertThat(app.getBean(dev.seed.websocket.spring.autoconfigure.WebSocketServerLifecycle.class).getPhase())
                .isEqualTo(Integer.MAX_VALUE - 1024);
        try (WebSocketClient client = WebSocketClient.builder().eventLoops(1).build()) {
            client.connect(URI.create("ws://127.0.0.1:" + TestApp.port(app) + "/echo"),
                    new dev.seed.websocket.WebSocketHandler() {
                        @Override
                        public void onClose(dev.seed.websocket.WebSocketConnection c, int code, String reason) {
                            order.add("peer closed " + code);
                        }
                    }).get(10, TimeUnit.SECONDS);
            app.close();
        }
        // the web server (phase MAX - 2048) and a datasource (phase 0) stop after every peer got 1001
        assertThat(order).containsExactly("peer closed 1001", "web server stopped", "datasource stopped");
    }

    /** Stands for the web server's start/stop lifecycle and a datasource, recording when they stop. */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class Downstream {
        volatile java.util.List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();

        @org.springframework.context.annotation.Bean
        org.springframework.context.SmartLifecycle webServerStartStop() {
            return lifecycle(Integer.MAX_VALUE - 2048, "web server stopped");
        }

        @org.springframework.context.annotation.Bean
        org.springframework.context.SmartLifecycle datasource() {
            return lifecycle(0, "datasource stopped");
        }

        private org.springframework.context.SmartLifecycle lifecycle(int phase, String event) {
            return new org.springframework.context.SmartLifecycle() {
                private volatile boolean running;

                @Override
                public void start() {
                    running = true;
                }

                @Override
                public void stop() {
                    order.add(event);
                    running = false;
                }

                @Override
                public boolean isRunning() {
                    return running;
                }

                @Override
                public int getPhase() {
                    return phase;
                }
            };
        }
    }
}
