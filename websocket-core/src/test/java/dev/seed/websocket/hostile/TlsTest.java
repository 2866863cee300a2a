package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.EchoHandler;
import dev.seed.websocket.it.RawPeer;
import dev.seed.websocket.it.RecordingHandler;
import dev.seed.websocket.it.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS at the edge: by default only TLS 1.2 and 1.3 are spoken; a client that offers nothing newer
 * than TLS 1.1 is refused in the handshake; a plain-text client on a TLS port and a TLS client on
 * a plain port both fail within a second or two, cleanly, and the server serves others.
 */
class TlsTest {

    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    private void startTlsServer() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).sslContext(TestTls.serverContext())
                .route("/echo", new EchoHandler()).build().start();
    }

    /** A JDK TLS socket to the server with only {@code protocol} enabled; returns the protocol agreed. */
    private String handshakeWith(String protocol) throws Exception {
        try (SSLSocket s = (SSLSocket) TestTls.clientContext().getSocketFactory().createSocket("127.0.0.1", server.port())) {
            s.setEnabledProtocols(new String[] {protocol});
            s.setSoTimeout(5000);
            s.startHandshake();
            return s.getSession().getProtocol();
        }
    }

    private void tlsEchoes() throws Exception {
        try (WebSocketClient client = WebSocketClient.builder().sslContext(TestTls.clientContext()).build()) {
            RecordingHandler h = new RecordingHandler();
            WebSocketConnection c = client.connect(URI.create("wss://127.0.0.1:" + server.port() + "/echo"), h)
                    .get(5, TimeUnit.SECONDS);
            c.sendText("over tls");
            assertThat(h.nextText()).isEqualTo("over tls");
            c.close();
        }
    }

    @Test
    void tls12AndTls13AreSpokenByDefault() throws Exception {
        startTlsServer();
        assertThat(handshakeWith("TLSv1.3")).isEqualTo("TLSv1.3");
        assertThat(handshakeWith("TLSv1.2")).isEqualTo("TLSv1.2");
        tlsEchoes();
    }

    /**
     * A TLS 1.1 ClientHello, written by hand because the JDK's own client refuses to offer TLS
     * 1.1 at all: record version 3.2, client_version 3.2, no supported_versions extension.
     */
    static byte[] tls11ClientHello() {
        ByteBuffer hello = ByteBuffer.allocate(512);
        hello.put((byte) 0x03).put((byte) 0x02); // client_version TLS 1.1
        for (int i = 0; i < 32; i++) {
            hello.put((byte) (0x20 + i)); // random, without a line feed
        }
        hello.put((byte) 0); // session id
        hello.putShort((short) 4).putShort((short) 0x002F).putShort((short) 0x0035); // AES-CBC-SHA suites
        hello.put((byte) 1).put((byte) 0); // null compression
        hello.flip();
        ByteBuffer handshake = ByteBuffer.allocate(4 + hello.remaining());
        handshake.put((byte) 1).put((byte) 0).putShort((short) hello.remaining()).put(hello).flip();
        ByteBuffer record = ByteBuffer.allocate(5 + handshake.remaining());
        record.put((byte) 0x16).put((byte) 0x03).put((byte) 0x02).putShort((short) handshake.remaining()).put(handshake);
        return record.array();
    }

    /** Reads until the server ends the connection or {@code millis} pass; returns what came. */
    private static byte[] readUntilEnd(Socket s, int millis) throws Exception {
        s.setSoTimeout(millis);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
            }
        } catch (SocketException e) {
            // reset: ended all the same
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not end the connection within " + millis + " ms; got "
                    + got.size() + " bytes");
        }
        return got.toByteArray();
    }

    @Test
    void aClientOfferingOnlyTls11IsRefusedWithAnAlert() throws Exception {
        startTlsServer();
        int fdsBefore = Resources.openFileDescriptors();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(tls11ClientHello());
            long start = System.nanoTime();
            byte[] answer = readUntilEnd(s, 3000);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000L);
            // A fatal alert record (content type 21): protocol_version (70) or handshake_failure (40).
            assertThat(answer.length).as("an alert record").isGreaterThanOrEqualTo(7);
            assertThat(answer[0]).isEqualTo((byte) 0x15);
            assertThat(answer[5]).isEqualTo((byte) 2);
            assertThat((int) answer[6]).isIn(70, 40);
        }
        assertThat(Resources.awaitFileDescriptorsAtMost(fdsBefore, 5000)).isLessThanOrEqualTo(fdsBefore);
        tlsEchoes();
    }

    @Test
    void aPlainTextClientOnTheTlsPortFailsFast() throws Exception {
        startTlsServer();
        int fdsBefore = Resources.openFileDescriptors();
        try (RawPeer raw = new RawPeer(server.port())) {
            raw.sendRaw(RawPeer.upgradeRequest("/echo").getBytes(StandardCharsets.ISO_8859_1));
            long start = System.nanoTime();
            byte[] answer = readUntilEnd(raw.socket(), 3000);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000L);
            // Never an HTTP answer: at most a TLS alert record.
            if (answer.length > 0) {
                assertThat(answer[0]).isEqualTo((byte) 0x15);
            }
        }
        try (WebSocketClient client = WebSocketClient.create()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"),
                    new RecordingHandler()).get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000L);
        }
        assertThat(Resources.awaitFileDescriptorsAtMost(fdsBefore, 5000)).isLessThanOrEqualTo(fdsBefore);
        tlsEchoes();
    }

    @Test
    void aTlsClientOnAPlainPortFailsFast() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/echo", new EchoHandler()).build().start();
        int fdsBefore = Resources.openFileDescriptors();
        try (SSLSocket s = (SSLSocket) TestTls.clientContext().getSocketFactory().createSocket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            long start = System.nanoTime();
            assertThatThrownBy(s::startHandshake).isInstanceOf(SSLException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000L);
        }
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(tls11ClientHello());
            long start = System.nanoTime();
            String answer = new String(readUntilEnd(s, 3000), StandardCharsets.ISO_8859_1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000L);
            assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n");
        }
        try (WebSocketClient client = WebSocketClient.builder().sslContext(TestTls.clientContext()).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.connect(URI.create("wss://127.0.0.1:" + server.port() + "/echo"),
                    new RecordingHandler()).get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000L);
        }
        assertThat(Resources.awaitFileDescriptorsAtMost(fdsBefore, 5000)).isLessThanOrEqualTo(fdsBefore);
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }
}
