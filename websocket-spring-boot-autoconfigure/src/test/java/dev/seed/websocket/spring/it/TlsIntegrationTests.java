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

    private static String[] jks(String name, java.nio.file.Path keyStore, java.nio.file.Path trustStore) {
        java.util.List<String> p = new java.util.ArrayList<>();
        if (keyStore != null) {
            p.add("spring.ssl.bundle.jks." + name + ".keystore.location=file:" + keyStore);
            p.add("spring.ssl.bundle.jks." + name + ".keystore.password=" + TestCertificates.PASSWORD);
            p.add("spring.ssl.bundle.jks." + name + ".keystore.type=PKCS12");
        }
        if (trustStore != null) {
            p.add("spring.ssl.bundle.jks." + name + ".truststore.location=file:" + trustStore);
            p.add("spring.ssl.bundle.jks." + name + ".truststore.password=" + TestCertificates.PASSWORD);
            p.add("spring.ssl.bundle.jks." + name + ".truststore.type=PKCS12");
        }
        return p.toArray(String[]::new);
    }

    private static String[] all(String[]... groups) {
        return java.util.Arrays.stream(groups).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    @Test
    void theBundlesProtocolsAndCipherSuitesAreTheConnections() throws Exception {
        String cipher = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
        try (ConfigurableApplicationContext app = TestApp.start(all(
                jks("server", TestCertificates.keyStore(), null),
                jks("client", null, TestCertificates.serverTrustStore()),
                new String[] {"spring.ssl.bundle.jks.server.options.enabled-protocols=TLSv1.2",
                        "spring.ssl.bundle.jks.server.options.ciphers=" + cipher,
                        "websocket.server.ssl.bundle=server", "websocket.client.ssl.bundle=client"}))) {
            WebSocketConnection c = app.getBean(WebSocketClient.class)
                    .connect(URI.create("wss://127.0.0.1:" + TestApp.port(app) + "/echo"), new Recorder())
                    .get(10, TimeUnit.SECONDS);
            assertThat(c.tlsSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(c.tlsSession().getCipherSuite()).isEqualTo(cipher);
            c.close();
        }
    }

    @Test
    void clientAuthNeedAsksEveryClientForACertificateTheBundleTrusts() throws Exception {
        try (ConfigurableApplicationContext app = TestApp.start(all(
                jks("server", TestCertificates.keyStore(), TestCertificates.clientTrustStore()),
                jks("client", TestCertificates.clientKeyStore(), TestCertificates.serverTrustStore()),
                jks("anonymous", null, TestCertificates.serverTrustStore()),
                new String[] {"websocket.server.ssl.bundle=server", "websocket.server.ssl.client-auth=need",
                        "websocket.client.ssl.bundle=client"}))) {
            URI uri = URI.create("wss://127.0.0.1:" + TestApp.port(app) + "/echo");
            WebSocketConnection c = app.getBean(WebSocketClient.class).connect(uri, new Recorder())
                    .get(10, TimeUnit.SECONDS);
            WebSocketConnection serverSide = app.getBean(WebSocketServer.class).connections().iterator().next();
            assertThat(serverSide.tlsSession().getPeerPrincipal().getName()).isEqualTo("CN=client");
            c.close();
            // a client without a certificate fails the TLS handshake
            SSLContext anonymous = app.getBean(SslBundles.class).getBundle("anonymous").createSslContext();
            try (WebSocketClient without = WebSocketClient.builder().sslContext(anonymous).build()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> without.connect(uri, new Recorder()).get(10, TimeUnit.SECONDS))
                        .isInstanceOf(java.util.concurrent.ExecutionException.class);
            }
        }
    }

    @Test
    void aRenewedCertificateServesNewConnectionsWhileOpenOnesStay() throws Exception {
        java.nio.file.Path live = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("target"), "reload")
                .resolve("server.p12");
        java.nio.file.Files.copy(TestCertificates.keyStore(), live);
        try (ConfigurableApplicationContext app = TestApp.start(all(
                jks("server", live.toAbsolutePath(), null),
                jks("client", null, TestCertificates.serverTrustStore()),
                new String[] {"spring.ssl.bundle.jks.server.reload-on-update=true",
                        "spring.ssl.bundle.watch.file.quiet-period=100ms",
                        "websocket.server.ssl.bundle=server", "websocket.client.ssl.bundle=client"}))) {
            URI uri = URI.create("wss://127.0.0.1:" + TestApp.port(app) + "/echo");
            WebSocketClient client = app.getBean(WebSocketClient.class);
            Recorder first = new Recorder();
            WebSocketConnection before = client.connect(uri, first).get(10, TimeUnit.SECONDS);
            assertThat(before.tlsSession().getPeerPrincipal().getName()).isEqualTo("CN=localhost");

            java.nio.file.Path next = live.resolveSibling("next.p12");
            java.nio.file.Files.copy(TestCertificates.renewedKeyStore(), next);
            java.nio.file.Files.move(next, live, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            String seen = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                WebSocketConnection probe = client.connect(uri, new Recorder()).get(10, TimeUnit.SECONDS);
                seen = probe.tlsSession().getPeerPrincipal().getName();
                probe.close();
                if (seen.equals("CN=renewed")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(seen).isEqualTo("CN=renewed");
            // the connection opened before the renewal is still up, on its first certificate
            before.sendText("still here");
            assertThat(first.next()).isEqualTo("still here");
            assertThat(before.tlsSession().getPeerPrincipal().getName()).isEqualTo("CN=localhost");
        }
    }

    @Test
    void clientAuthWithABundleWithoutATrustStoreFailsTheStart() throws Exception {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestApp.start(all(
                jks("server", TestCertificates.keyStore(), null),
                new String[] {"websocket.server.ssl.bundle=server", "websocket.server.ssl.client-auth=need"})))
                .hasStackTraceContaining("websocket.server.ssl.client-auth")
                .hasStackTraceContaining("has no trust store");
    }
}
