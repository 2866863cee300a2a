package dev.seed.websocket.spring.autoconfigure.oneport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.TestTls;
import dev.seed.websocket.spring.WsHandler;
import java.net.URI;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * wss on the web server's HTTPS port (server.ssl) behind Spring Security's defaults: the container
 * runs TLS and authentication, the engine the WebSocket.
 */
class OnePortTlsTests {

    /** No component scan: only this handler, and Spring Security's defaults (HTTP Basic, one user). */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        Secure secure() {
            return new Secure();
        }
    }

    /** Says whether the connection is encrypted, as the engine sees it. */
    @WsHandler("/secure")
    static class Secure implements WebSocketHandler {
        final java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        final java.util.List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void onText(WebSocketConnection c, String text) {
            c.sendText("secure=" + c.isSecure() + " " + text);
        }

        @Override
        public void onError(WebSocketConnection c, Throwable error) {
            errors.add(error);
        }

        @Override
        public void onClose(WebSocketConnection c, int code, String reason) {
            closed.complete(code);
        }
    }

    private static ConfigurableApplicationContext start() throws Exception {
        return new SpringApplicationBuilder(App.class)
                .properties("server.port=0", "server.address=127.0.0.1",
                        "server.ssl.key-store=" + TestTls.keyStoreFile().toUri(),
                        "server.ssl.key-store-password=" + TestTls.password(),
                        "server.ssl.key-store-type=PKCS12", "spring.main.banner-mode=off",
                        "spring.security.user.name=ada", "spring.security.user.password=secret")
                .run();
    }

    /**
     * A peer that ends TLS (close_notify, then TCP's FIN) without a WebSocket Close: 1006 and no
     * error, as a plain TCP end (Tomcat reports a close_notify arriving alone as a failed read).
     */
    @Test
    void aPeerEndingTlsWithoutACloseFrameIsAnAbnormalCloseNotAnError() throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) TestTls.clientContext().getSocketFactory()
                    .createSocket("127.0.0.1", port);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET /secure HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nOrigin: https://127.0.0.1:" + port + "\r\n"
                    + "Authorization: Basic " + java.util.Base64.getEncoder().encodeToString("ada:secret".getBytes())
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            while (!head.toString(java.nio.charset.StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = s.getInputStream().read();
                assertThat(b).as("the 101's head").isNotNegative();
                head.write(b);
            }
            assertThat(head.toString(java.nio.charset.StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
            s.close(); // close_notify, then FIN
            Secure handler = app.getBean(Secure.class);
            assertThat(handler.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1006);
            assertThat(handler.errors).as("errors reported to the handler").isEmpty();
        }
    }

    @Test
    void wssOnTheWebServersHttpsPort() throws Exception {
        try (ConfigurableApplicationContext app = start();
                WebSocketClient client = WebSocketClient.builder().sslContext(TestTls.clientContext()).build()) {
            int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            assertThat(app.getEnvironment().getProperty("local.websocket.server.port", Integer.class)).isEqualTo(port);
            LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
            dev.seed.websocket.ConnectOptions basic = dev.seed.websocket.ConnectOptions.builder()
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("ada:secret".getBytes()))
                    .build();
            WebSocketConnection c = client.connect(URI.create("wss://127.0.0.1:" + port + "/secure"), basic,
                    new WebSocketHandler() {
                        @Override
                        public void onText(WebSocketConnection c, String text) {
                            answers.add(text);
                        }
                    }).get(10, TimeUnit.SECONDS);
            String big = "x".repeat(100_000);
            c.sendText("hello");
            c.sendText(big);
            assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo("secure=true hello");
            assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo("secure=true " + big);
            assertThat(app.getBean(WebSocketServer.class).connections()).hasSize(1);
            c.close(1000, "done").get(10, TimeUnit.SECONDS);
        }
    }
}
