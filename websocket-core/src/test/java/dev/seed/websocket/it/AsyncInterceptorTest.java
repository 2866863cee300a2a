package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.HandshakeFailedException;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Handshake interceptors that complete later: their answer, their refusal, their timeout, their failure. */
class AsyncInterceptorTest {

    private WebSocketServer server;
    private final WebSocketClient client = WebSocketClient.create();
    private final CompletableFuture<WebSocketConnection> opened = new CompletableFuture<>();

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.stop();
        }
    }

    private void start(dev.seed.websocket.AsyncHandshakeInterceptor interceptor) {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .asyncInterceptor(interceptor)
                .interceptorTimeout(Duration.ofMillis(300))
                .route("/r", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        opened.complete(c);
                    }
                })
                .build().start();
    }

    private CompletableFuture<WebSocketConnection> connect() {
        return client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/r"), new WebSocketHandler() {
        });
    }

    private int refusal() throws Exception {
        try {
            connect().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(HandshakeFailedException.class);
            return ((HandshakeFailedException) e.getCause()).status();
        }
        throw new AssertionError("the handshake was accepted");
    }

    @Test
    void anAnswerThatComesLaterOpensWithItsPrincipalAndUserId() throws Exception {
        start((request, response) -> CompletableFuture.runAsync(() -> {
            response.principal(() -> "ada");
            response.attribute("tenant", "t1");
        }, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)));
        connect().get(10, TimeUnit.SECONDS);
        WebSocketConnection c = opened.get(10, TimeUnit.SECONDS);
        assertThat(c.principal().getName()).isEqualTo("ada");
        assertThat(c.userId()).isEqualTo("ada"); // the principal's name, as no user id was set
        assertThat(c.attributes()).containsEntry("tenant", "t1");
        assertThat(server.connectionsOfUser("ada")).hasSize(1);
    }

    @Test
    void aRefusalThatComesLaterIsSentWithItsStatus() throws Exception {
        start((request, response) -> CompletableFuture.runAsync(() -> response.reject(401, "Who are you?"),
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)));
        assertThat(refusal()).isEqualTo(401);
        assertThat(opened).isNotDone();
    }

    @Test
    void anInterceptorThatNeverAnswersIsRefusedWith408() throws Exception {
        start((request, response) -> new CompletableFuture<>());
        assertThat(refusal()).isEqualTo(408);
    }

    @Test
    void anInterceptorWhoseStageFailsIsRefusedWith500() throws Exception {
        start((request, response) -> CompletableFuture.failedFuture(new IllegalStateException("directory down")));
        assertThat(refusal()).isEqualTo(500);
    }
}
