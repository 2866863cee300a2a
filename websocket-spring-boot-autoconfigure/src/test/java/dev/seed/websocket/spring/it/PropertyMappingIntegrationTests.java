package dev.seed.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Properties reach the engine: each one observed through what a peer gets. */
class PropertyMappingIntegrationTests {

    @Test
    void maxMessageSizeClosesWith1009() throws Exception {
        try (ConfigurableApplicationContext app = TestApp.start("websocket.server.max-message-size=1KB")) {
            WebSocketClient client = app.getBean(WebSocketClient.class);
            Recorder recorder = new Recorder();
            WebSocketConnection c = client.connect(uri(app, "/echo"), recorder).get(10, TimeUnit.SECONDS);
            c.sendText("x".repeat(1000));
            assertThat(recorder.next()).isEqualTo("x".repeat(1000));
            c.sendText("x".repeat(2000));
            assertThat(recorder.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    void allowedOriginsRefuseOthersWith403() throws Exception {
        try (ConfigurableApplicationContext app = TestApp.start(
                "websocket.server.allowed-origins=https://good.example")) {
            try (RawPeer peer = new RawPeer(TestApp.port(app))) {
                assertThat(peer.handshake("/echo", "Origin: https://evil.example")).startsWith("HTTP/1.1 403");
            }
            try (RawPeer peer = new RawPeer(TestApp.port(app))) {
                assertThat(peer.handshake("/echo", "Origin: https://good.example")).startsWith("HTTP/1.1 101");
            }
        }
    }

    @Test
    void refusalFormatJsonAndAnOriginCheckBeanWithItsTimeout() throws Exception {
        try (ConfigurableApplicationContext app = new org.springframework.boot.builder.SpringApplicationBuilder(
                TestApp.class, OriginCheckConfig.class).web(org.springframework.boot.WebApplicationType.NONE)
                .properties("websocket.server.port=0", "websocket.server.address=127.0.0.1",
                        "websocket.server.refusal-format=json", "websocket.server.origin-check-timeout=200ms")
                .run()) {
            try (RawPeer peer = new RawPeer(TestApp.port(app))) {
                assertThat(peer.handshake("/echo", "Origin: https://good.example")).startsWith("HTTP/1.1 101");
            }
            try (RawPeer peer = new RawPeer(TestApp.port(app))) {
                assertThat(peer.handshake("/echo", "Origin: https://evil.example")).startsWith("HTTP/1.1 403")
                        .contains("Content-Type: application/json");
            }
            try (RawPeer peer = new RawPeer(TestApp.port(app))) {
                assertThat(peer.handshake("/echo", "Origin: https://slow.example")).startsWith("HTTP/1.1 408");
            }
        }
    }

    @Test
    void anAsyncInterceptorBeanWithItsTimeout() throws Exception {
        try (ConfigurableApplicationContext app = new org.springframework.boot.builder.SpringApplicationBuilder(
                TestApp.class, InterceptorConfig.class).web(org.springframework.boot.WebApplicationType.NONE)
                .properties("websocket.server.port=0", "websocket.server.address=127.0.0.1",
                        "websocket.server.interceptor-timeout=200ms")
                .run()) {
            try (RawPeer peer = new RawPeer(TestApp.port(app))) {
                assertThat(peer.handshake("/echo", "X-Token: good")).startsWith("HTTP/1.1 101");
            }
            try (RawPeer peer = new RawPeer(TestApp.port(app))) {
                assertThat(peer.handshake("/echo", "X-Token: bad")).startsWith("HTTP/1.1 401");
            }
            try (RawPeer peer = new RawPeer(TestApp.port(app))) {
                assertThat(peer.handshake("/echo", "X-Token: slow")).startsWith("HTTP/1.1 408");
            }
        }
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class InterceptorConfig {
        /** A token service that answers later: good upgrades, bad gets 401, slow never answers. */
        @org.springframework.context.annotation.Bean
        dev.seed.websocket.AsyncHandshakeInterceptor tokens() {
            return (request, response) -> {
                String token = request.header("X-Token");
                if ("slow".equals(token)) {
                    return new java.util.concurrent.CompletableFuture<>();
                }
                return java.util.concurrent.CompletableFuture.runAsync(() -> {
                    if (!"good".equals(token)) {
                        response.reject(401, "Unknown token.");
                    }
                }, java.util.concurrent.CompletableFuture.delayedExecutor(20, java.util.concurrent.TimeUnit.MILLISECONDS));
            };
        }
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class OriginCheckConfig {
        @org.springframework.context.annotation.Bean
        dev.seed.websocket.OriginCheck originCheck() {
            return (origin, request) -> "https://slow.example".equals(origin)
                    ? new java.util.concurrent.CompletableFuture<>() // never decides
                    : java.util.concurrent.CompletableFuture.completedFuture("https://good.example".equals(origin));
        }
    }

    @Test
    void requireOriginRefusesAHandshakeWithoutOrigin() throws Exception {
        try (ConfigurableApplicationContext app = TestApp.start(
                "websocket.server.allowed-origins=https://good.example")) {
            try (RawPeer peer = new RawPeer(TestApp.port(app))) {
                assertThat(peer.handshake("/echo")).as("no Origin: not a browser").startsWith("HTTP/1.1 101");
            }
        }
        try (ConfigurableApplicationContext app = TestApp.start(
                "websocket.server.allowed-origins=https://good.example", "websocket.server.require-origin=true")) {
            try (RawPeer peer = new RawPeer(TestApp.port(app))) {
                assertThat(peer.handshake("/echo")).startsWith("HTTP/1.1 403");
            }
        }
    }

    @Test
    void maxConnectionsRefusesWith503() throws Exception {
        try (ConfigurableApplicationContext app = TestApp.start("websocket.server.max-connections=1")) {
            try (RawPeer first = new RawPeer(TestApp.port(app))) {
                assertThat(first.handshake("/echo")).startsWith("HTTP/1.1 101");
                try (RawPeer second = new RawPeer(TestApp.port(app))) {
                    assertThat(second.handshake("/echo")).startsWith("HTTP/1.1 503");
                }
            }
        }
    }

    @Test
    void idleTimeoutClosesASilentConnection() throws Exception {
        try (ConfigurableApplicationContext app = TestApp.start("websocket.server.idle-timeout=300ms")) {
            WebSocketClient client = app.getBean(WebSocketClient.class);
            Recorder recorder = new Recorder();
            long start = System.nanoTime();
            WebSocketConnection c = client.connect(uri(app, "/echo"), recorder).get(10, TimeUnit.SECONDS);
            // the server closes an idle connection with 1001 (going away)
            assertThat(recorder.awaitClose()).isEqualTo(1001);
            assertThat(c.closeCause()).isEqualTo(CloseCause.PEER_CLOSED);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(250);
        }
    }

    @Test
    void clientPropertiesReachTheClientBean() throws Exception {
        try (ConfigurableApplicationContext app = TestApp.start(
                "websocket.server.extensions=permessage-deflate",
                "websocket.client.extensions=permessage-deflate; client_no_context_takeover")) {
            WebSocketClient client = app.getBean(WebSocketClient.class);
            WebSocketConnection c = client.connect(uri(app, "/echo"), new Recorder()).get(10, TimeUnit.SECONDS);
            assertThat(c.extensions()).singleElement().asString().contains("client_no_context_takeover");
            c.close();
        }
    }

    private static URI uri(ConfigurableApplicationContext app, String path) {
        return URI.create("ws://127.0.0.1:" + TestApp.port(app) + path);
    }
}
