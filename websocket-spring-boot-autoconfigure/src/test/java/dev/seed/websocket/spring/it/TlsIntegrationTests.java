package dev.seed.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ConfigurableApplicationContext;

/** TLS through Spring Boot SSL bundles: a JKS bundle for the server, a PEM trust bundle for the client. */
class TlsIntegrationTests {

    @Test
    void wssEchoWithSslBundles() throws Exception {
        try (ConfigurableApplicationContext app = TestApp.start(
                "spring.ssl.bundle.jks.server.keystore.location=file:" + TestCertificates.keyStore(),
                "spring.ssl.bundle.jks.server.keystore.password=" + TestCertificates.PASSWORD,
                "spring.ssl.bundle.jks.server.keystore.type=PKCS12",
                "spring.ssl.bundle.jks.server.options.enabled-protocols=TLSv1.3",
                "spring.ssl.bundle.pem.client.truststore.certificate=file:" + TestCertificates.certificatePem(),
                "websocket.server.ssl.bundle=server",
                "websocket.client.ssl.bundle=client")) {
            int port = TestApp.port(app);
            assertThat(app.getBean(WebSocketServer.class).isRunning()).isTrue();
            URI uri = URI.create("wss://127.0.0.1:" + port + "/echo");

            WebSocketClient client = app.getBean(WebSocketClient.class);
            Recorder recorder = new Recorder();
            WebSocketConnection c = client.connect(uri, recorder).get(10, TimeUnit.SECONDS);
            assertThat(c.isSecure()).isTrue();
            c.sendText("over tls");
            assertThat(recorder.next()).isEqualTo("over tls");
            c.close();

            SSLContext trust = app.getBean(SslBundles.class).getBundle("client").createSslContext();
            CompletableFuture<String> reply = new CompletableFuture<>();
            WebSocket jdk = HttpClient.newBuilder().sslContext(trust).build().newWebSocketBuilder()
                    .buildAsync(uri, new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            reply.complete(data.toString());
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            jdk.sendText("jdk over tls", true);
            assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("jdk over tls");
            jdk.sendClose(WebSocket.NORMAL_CLOSURE, "");
        }
    }

    @Test
    void plainClientIsRefusedByTheTlsServer() throws Exception {
        try (ConfigurableApplicationContext app = TestApp.start(
                "spring.ssl.bundle.jks.server.keystore.location=file:" + TestCertificates.keyStore(),
                "spring.ssl.bundle.jks.server.keystore.password=" + TestCertificates.PASSWORD,
                "spring.ssl.bundle.jks.server.keystore.type=PKCS12",
                "websocket.server.ssl.bundle=server")) {
            try (RawPeer peer = new RawPeer(TestApp.port(app))) {
                assertThat(peer.handshake("/echo")).doesNotStartWith("HTTP/1.1 101");
            }
        }
    }
}
