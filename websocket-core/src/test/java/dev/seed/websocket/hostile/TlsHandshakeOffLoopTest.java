package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.EchoHandler;
import dev.seed.websocket.it.RecordingHandler;
import dev.seed.websocket.it.TestTls;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The TLS engine's delegated tasks (here: a key manager that takes 800 ms to choose its key, as
 * one backed by a hardware module or a remote vault may) run off the event loop: the other
 * connections of the loop keep being served meanwhile.
 */
class TlsHandshakeOffLoopTest {

    private WebSocketServer server;
    private WebSocketClient client;
    private WebSocketClient secondClient;

    @AfterEach
    void stop() {
        if (secondClient != null) {
            secondClient.close(Duration.ofSeconds(1));
        }
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        if (server != null) {
            server.shutdown(Duration.ofSeconds(1));
        }
    }

    @Test
    void aSlowKeyManagerDoesNotStallTheOtherConnectionsOfItsLoop() throws Exception {
        SlowKeyManager keys = new SlowKeyManager();
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(new KeyManager[] {keys}, null, null);
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).sslContext(serverContext)
                .route("/echo", new EchoHandler()).build().start();
        client = WebSocketClient.builder().sslContext(TestTls.clientContext()).build();
        URI uri = URI.create("wss://127.0.0.1:" + server.port() + "/echo");
        RecordingHandler first = new RecordingHandler();
        WebSocketConnection c = client.connect(uri, first).get(5, TimeUnit.SECONDS);

        keys.slow = true;
        // another client (a new TLS context, no session to resume): a full handshake
        secondClient = WebSocketClient.builder().sslContext(TestTls.clientContext()).build();
        CompletableFuture<WebSocketConnection> second = secondClient.connect(uri, new RecordingHandler());
        assertThat(keys.entered.await(5, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        c.sendText("while the other handshake waits for its key");
        assertThat(first.nextText()).isEqualTo("while the other handshake waits for its key");
        long echoMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(echoMillis).as("echo while a handshake is in a delegated task").isLessThan(400);

        assertThat(second.get(5, TimeUnit.SECONDS).isOpen()).isTrue();
        assertThat(keys.threads).isNotEmpty().noneMatch(name -> name.startsWith("websocket-server"));
    }

    /** The test key, chosen slowly when asked to be slow; records the threads that ask. */
    private static final class SlowKeyManager extends X509ExtendedKeyManager {
        final X509ExtendedKeyManager real;
        final List<String> threads = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile boolean slow;

        SlowKeyManager() throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(TestTls.keyStoreFile())) {
                ks.load(in, TestTls.password().toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, TestTls.password().toCharArray());
            real = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            threads.add(Thread.currentThread().getName());
            if (slow) {
                entered.countDown();
                try {
                    Thread.sleep(800);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return real.chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return real.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return real.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return real.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return real.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return real.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return real.getPrivateKey(alias);
        }
    }
}
