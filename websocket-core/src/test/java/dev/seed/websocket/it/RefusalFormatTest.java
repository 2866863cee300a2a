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
}
