package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.RefusalFormat;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Handshake refusals: their body format is the application's choice, and they carry the interceptor's headers. */
class RefusalFormatTest {

    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(1));
        }
    }

    @Test
    void jsonRefusalsNameTheStatusAndTheReason() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).refusalFormat(RefusalFormat.JSON)
                .route("/s", new WebSocketHandler() { }).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            raw.sendRaw(("GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            RawPeer.Response r = raw.readResponse();
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.headers().get("content-type")).isEqualTo("application/json");
            assertThat(r.body()).isEqualTo(
                    "{\"status\":404,\"error\":\"Not Found\",\"message\":\"No WebSocket endpoint at this path.\"}\n");
        }
    }

    @Test
    void anInterceptorsRefusalCarriesItsHeadersAndTextIsTheDefault() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .interceptor((request, response) -> {
                    response.header("WWW-Authenticate", "Bearer realm=\"chat\"");
                    response.header("Retry-After", "120");
                    response.reject(401, "Sign in first.");
                })
                .route("/s", new WebSocketHandler() { }).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            raw.sendRaw(("GET /s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            RawPeer.Response r = raw.readResponse();
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.headers().get("www-authenticate")).isEqualTo("Bearer realm=\"chat\"");
            assertThat(r.headers().get("retry-after")).isEqualTo("120");
            assertThat(r.headers().get("content-type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(r.body()).isEqualTo("Sign in first.\n");
        }
    }

    private static RawPeer.Response upgradeFrom(int port, String origin) throws Exception {
        try (RawPeer raw = new RawPeer(port)) {
            raw.sendRaw(("GET /s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Origin: " + origin + "\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return raw.readResponse();
        }
    }

    @Test
    void anOriginCheckMayDecideLaterAndOneThatDoesNotDecideInTimeIs408() throws Exception {
        java.util.concurrent.ScheduledExecutorService later = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            server = WebSocketServer.builder().host("127.0.0.1").port(0)
                    .allowedOrigins("https://good.example", "https://bad.example", "https://slow.example",
                            "https://stuck.example", "https://broken.example")
                    .originCheckTimeout(Duration.ofMillis(300))
                    .originCheck((origin, request) -> {
                        assertThat(request.path()).isEqualTo("/s");
                        switch (origin) {
                            case "https://good.example":
                                return java.util.concurrent.CompletableFuture.completedFuture(true);
                            case "https://slow.example": {
                                java.util.concurrent.CompletableFuture<Boolean> f = new java.util.concurrent.CompletableFuture<>();
                                later.schedule(() -> f.complete(true), 100, java.util.concurrent.TimeUnit.MILLISECONDS);
                                return f;
                            }
                            case "https://stuck.example":
                                return new java.util.concurrent.CompletableFuture<>();
                            case "https://broken.example":
                                throw new IllegalStateException("the lookup service is down");
                            default:
                                return java.util.concurrent.CompletableFuture.completedFuture(false);
                        }
                    })
                    .route("/s", new WebSocketHandler() { }).build().start();
            assertThat(upgradeFrom(server.port(), "https://good.example").status()).isEqualTo(101);
            assertThat(upgradeFrom(server.port(), "https://bad.example").status()).isEqualTo(403);
            assertThat(upgradeFrom(server.port(), "https://slow.example").status()).isEqualTo(101);
            long start = System.nanoTime();
            RawPeer.Response stuck = upgradeFrom(server.port(), "https://stuck.example");
            assertThat(stuck.status()).isEqualTo(408);
            assertThat(stuck.body()).isEqualTo("Origin check timed out.\n");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
            assertThat(upgradeFrom(server.port(), "https://broken.example").status()).isEqualTo(500);
            // the allow-list still comes first: an origin not on it never reaches the check
            assertThat(upgradeFrom(server.port(), "https://elsewhere.example").status()).isEqualTo(403);
        } finally {
            later.shutdownNow();
        }
    }

    @Test
    void aTimedOutHandshakeIsCountedOnceAndAPendingOriginCheckAnswers408NotSilence() throws Exception {
        java.util.List<Integer> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.seed.websocket.ConnectionListener counting = new dev.seed.websocket.ConnectionListener() {
            @Override
            public void onHandshakeRefused(Side side, int status) {
                refusals.add(status);
            }
        };
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handshakeTimeout(Duration.ofMillis(300))
                .originCheckTimeout(Duration.ofMillis(1000)).connectionListener(counting)
                .originCheck((origin, request) -> new java.util.concurrent.CompletableFuture<>())
                .route("/s", new WebSocketHandler() { }).build().start();
        // an idle socket: one 408 for the handshake timeout, counted once
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.readResponse().status()).isEqualTo(408);
        }
        // a pending origin check outlives the handshake timeout and answers 408 at its own limit
        long start = System.nanoTime();
        RawPeer.Response r = upgradeFrom(server.port(), "https://pending.example");
        assertThat(r.status()).isEqualTo(408);
        assertThat(r.body()).isEqualTo("Origin check timed out.\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        Thread.sleep(300);
        assertThat(refusals).containsExactly(408, 408);
    }

    @Test
    void anInterceptorCannotReplaceTheRefusalsFramingHeaders() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .interceptor((request, response) -> {
                    response.header("Content-Length", "999");
                    response.header("Transfer-Encoding", "chunked");
                    response.reject(403, "No.");
                })
                .route("/s", new WebSocketHandler() { }).build().start();
        RawPeer.Response r = upgradeFrom(server.port(), "https://a.example");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.headers().get("content-length")).isEqualTo("4");
        assertThat(r.headers()).doesNotContainKey("transfer-encoding");
        assertThat(r.body()).isEqualTo("No.\n");
    }
}
