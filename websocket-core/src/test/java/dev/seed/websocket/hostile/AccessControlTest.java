package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.EchoHandler;
import dev.seed.websocket.it.RawPeer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Who gets in: origins off the allow list get 403; an interceptor that authenticates refuses with
 * one answer whichever credential part was wrong; and no refusal echoes request bytes back, so a
 * hostile request cannot inject headers or markup into the answer.
 */
class AccessControlTest {

    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void originsOffTheAllowListAreRefusedWith403() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .allowedOrigins("https://app.example", "https://admin.example")
                .route("/echo", new EchoHandler()).build().start();
        for (String origin : List.of("Origin: https://evil.example", "Origin: https://app.example.evil.example",
                "Origin: http://app.example", "Origin: null", "Origin: https://app.example:443")) {
            try (RawPeer raw = new RawPeer(server.port())) {
                RawPeer.Response r = raw.handshake("/echo", origin);
                assertThat(r.status()).as(origin).isEqualTo(403);
                assertThat(r.body()).isEqualTo("Origin not allowed.\n");
            }
        }
        try (RawPeer raw = new RawPeer(server.port())) {
            // Browsers always send Origin; a request without one is not a browser's.
            assertThat(raw.handshake("/echo").status()).as("no Origin at all").isEqualTo(101);
        }
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/echo", "Origin: https://admin.example").status()).isEqualTo(101);
        }
        server.shutdown(java.time.Duration.ofSeconds(1));
        server = WebSocketServer.builder().host("127.0.0.1").port(0).requireOrigin(true)
                .allowedOrigins("https://app.example").route("/echo", new EchoHandler()).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/echo").status()).as("no Origin, Origin required").isEqualTo(403);
        }
    }

    @Test
    void sameOriginOnlyRefusesOtherSitesAndLetsTheOwnPageAndNonBrowsersThrough() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).sameOriginOnly(true)
                .route("/echo", new EchoHandler()).build().start();
        int port = server.port();
        // RawPeer sends Host: 127.0.0.1
        for (String origin : List.of("Origin: https://evil.example", "Origin: http://127.0.0.1:1",
                "Origin: null", "Origin: http://127.0.0.1.evil.example", "Origin: ftp://127.0.0.1")) {
            try (RawPeer raw = new RawPeer(port)) {
                assertThat(raw.handshake("/echo", origin).status()).as(origin).isEqualTo(403);
            }
        }
        for (String origin : List.of("Origin: http://127.0.0.1", "Origin: HTTPS://127.0.0.1",
                "Origin: http://127.0.0.1:80", "Origin: https://127.0.0.1:443")) {
            try (RawPeer raw = new RawPeer(port)) {
                assertThat(raw.handshake("/echo", origin).status()).as(origin).isEqualTo(101);
            }
        }
        try (RawPeer raw = new RawPeer(port)) {
            assertThat(raw.handshake("/echo").status()).as("no Origin: not a browser").isEqualTo(101);
        }
    }

    @Test
    void aRequestWithTwoOriginsIsRefusedWith400WhicheverComesFirst() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .allowedOrigins("https://app.example")
                .route("/echo", new EchoHandler()).build().start();
        for (List<String> origins : List.of(List.of("Origin: https://app.example", "Origin: https://evil.example"),
                List.of("Origin: https://evil.example", "Origin: https://app.example"))) {
            try (RawPeer raw = new RawPeer(server.port())) {
                RawPeer.Response r = raw.handshake("/echo", origins.toArray(String[]::new));
                assertThat(r.status()).as(origins.toString()).isEqualTo(400);
                assertThat(r.body()).isEqualTo("More than one Origin header.\n");
            }
        }
    }

    @Test
    void anAuthenticatingInterceptorRefusesWithOneAnswerWhateverPartFailed() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .interceptor((request, response) -> {
                    String user = request.header("X-User");
                    String password = request.header("X-Password");
                    if (!"ann".equals(user) || !"s3cret".equals(password)) {
                        response.reject(401, "Authentication failed.");
                    }
                })
                .route("/echo", new EchoHandler()).build().start();
        String unknownUser = answer("/echo", "X-User: bob", "X-Password: s3cret");
        String wrongPassword = answer("/echo", "X-User: ann", "X-Password: wrong");
        String nothing = answer("/echo");
        assertThat(unknownUser).startsWith("HTTP/1.1 401 Unauthorized\r\n").endsWith("\r\n\r\nAuthentication failed.\n");
        // Byte for byte the same answer: nothing tells which part was wrong.
        assertThat(wrongPassword).isEqualTo(unknownUser);
        assertThat(nothing).isEqualTo(unknownUser);
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/echo", "X-User: ann", "X-Password: s3cret").status()).isEqualTo(101);
        }
    }

    @Test
    void refusalsNeverEchoRequestBytes() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .allowedOrigins("https://app.example")
                .route("/echo", new EchoHandler()).build().start();
        String marker = "%3Cscript%3Ealert(1)%3C/script%3E";
        List<String> answers = List.of(
                answer("/" + marker),
                answer("/echo", "Origin: https://" + marker),
                rawAnswer("GET /echo<script> HTTP/1.1\r\nHost: x\r\n\r\n"),
                rawAnswer("GET /echo HTTP/1.1\r\nHost: x\r\nX-Evil" + marker + " : 1\r\n\r\n"),
                rawAnswer("POST /" + marker + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
                rawAnswer("GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + marker + "\r\nSec-WebSocket-Version: 13\r\nOrigin: https://app.example\r\n\r\n"),
                rawAnswer("GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: " + marker + "\r\n"
                        + "Origin: https://app.example\r\n\r\n"));
        for (String answer : answers) {
            assertThat(answer).startsWith("HTTP/1.1 4").doesNotContain("script").doesNotContain("alert")
                    .doesNotContain("X-Evil").doesNotContain("%3C");
        }
    }

    @Test
    void anInterceptorRejectionMessageCannotInjectHeadersAndABadInterceptorHeaderGets500() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .interceptor((request, response) -> {
                    String input = request.header("X-Input");
                    if (input == null) {
                        return;
                    }
                    if (request.path().equals("/bad-header")) {
                        // A careless interceptor that builds a header value with a line break.
                        response.header("X-Echo", input + "\r\nInjected: yes");
                        return;
                    }
                    // A careless interceptor that puts request bytes in its message.
                    response.reject(403, "No access for " + input);
                })
                .route("/echo", new EchoHandler()).route("/bad-header", new EchoHandler()).build().start();
        String injected = "x\r\nSet-Cookie: session=stolen\r\n\r\n<html>";
        String answer = rawAnswer(RawPeer.upgradeRequest("/echo", "X-Input: a")
                .replace("X-Input: a", "X-Input: " + injected.replace("\r\n", "\\r\\n")));
        assertThat(answer).startsWith("HTTP/1.1 403 Forbidden\r\n").doesNotContain("\r\nSet-Cookie");
        // A header value the interceptor sets is checked like any header: the request is
        // refused with 500, not answered with a broken header, nor dropped without an answer.
        String bad = rawAnswer(RawPeer.upgradeRequest("/bad-header", "X-Input: ok"));
        assertThat(bad).startsWith("HTTP/1.1 500 Internal Server Error\r\n")
                .endsWith("\r\n\r\nHandshake interceptor failed.\n").doesNotContain("Injected");
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }

    private String answer(String path, String... headers) throws Exception {
        return rawAnswer(RawPeer.upgradeRequest(path, headers));
    }

    private String rawAnswer(String request) throws Exception {
        try (RawPeer raw = new RawPeer(server.port())) {
            raw.sendRaw(request.getBytes(StandardCharsets.ISO_8859_1));
            raw.socket().setSoTimeout(5000);
            return new String(raw.socket().getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
