package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our server driven by the JDK's own java.net.http.WebSocket client, plain and over TLS. */
class JdkClientInteropTest {

    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    /** Records what the JDK client receives. */
    static final class JdkListener implements WebSocket.Listener {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text = new StringBuilder();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                messages.add(binary.toByteArray());
                binary = new java.io.ByteArrayOutputStream();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            byte[] b = new byte[message.remaining()];
            message.get(b);
            messages.add("pong:" + new String(b, StandardCharsets.UTF_8));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        Object next() throws InterruptedException {
            Object o = messages.poll(10, TimeUnit.SECONDS);
            assertThat(o).as("a message within 10 s").isNotNull();
            return o;
        }
    }

    private WebSocket connect(boolean tls, String path, JdkListener listener) throws Exception {
        HttpClient.Builder http = HttpClient.newBuilder();
        if (tls) {
            http.sslContext(TestTls.clientContext());
        }
        String scheme = tls ? "wss" : "ws";
        return http.build().newWebSocketBuilder()
                .buildAsync(URI.create(scheme + "://localhost:" + server.port() + path), listener)
                .get(10, TimeUnit.SECONDS);
    }

    private void startEcho(boolean tls, String... extensions) throws Exception {
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(0)
                .extensions(extensions).route("/echo", new EchoHandler());
        if (tls) {
            b.sslContext(TestTls.serverContext());
        }
        server = b.build().start();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void textAndBinaryOfEverySizeEcho(boolean tls) throws Exception {
        startEcho(tls);
        JdkListener listener = new JdkListener();
        WebSocket ws = connect(tls, "/echo", listener);
        Random random = new Random(7);
        for (int size : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70000, 1 << 20}) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < size; i++) {
                sb.append((char) ('a' + random.nextInt(26)));
            }
            ws.sendText(sb.toString(), true).get(10, TimeUnit.SECONDS);
            assertThat(listener.next()).as("text of %d", size).isEqualTo(sb.toString());
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            ws.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
            assertThat((byte[]) listener.next()).as("binary of %d", size).isEqualTo(bytes);
        }
        ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
        // RFC 6455 5.5.1: the answer echoes the status code (and here the reason too).
        assertThat(listener.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1000 bye");
    }

    /** Every size again, each message sent by the JDK client as 3 fragments. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void fragmentedTextAndBinaryOfEverySizeEcho(boolean tls) throws Exception {
        startEcho(tls);
        JdkListener listener = new JdkListener();
        WebSocket ws = connect(tls, "/echo", listener);
        Random random = new Random(8);
        for (int size : new int[] {0, 125, 126, 65535, 65536, 1 << 20}) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < size; i++) {
                sb.append((char) ('a' + random.nextInt(26)));
            }
            String text = sb.toString();
            ws.sendText(text.substring(0, size / 3), false).get(10, TimeUnit.SECONDS);
            ws.sendText(text.substring(size / 3, 2 * size / 3), false).get(10, TimeUnit.SECONDS);
            ws.sendText(text.substring(2 * size / 3), true).get(10, TimeUnit.SECONDS);
            assertThat(listener.next()).as("fragmented text of %d", size).isEqualTo(text);
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            ws.sendBinary(ByteBuffer.wrap(bytes, 0, size / 3), false).get(10, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.wrap(bytes, size / 3, 2 * size / 3 - size / 3), false).get(10, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.wrap(bytes, 2 * size / 3, size - 2 * size / 3), true).get(10, TimeUnit.SECONDS);
            assertThat((byte[]) listener.next()).as("fragmented binary of %d", size).isEqualTo(bytes);
        }
        ws.sendPing(ByteBuffer.wrap("jdk ping".getBytes(StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS);
        assertThat(listener.next()).isEqualTo("pong:jdk ping");
        ws.sendClose(4010, "jdk says bye").get(5, TimeUnit.SECONDS);
        assertThat(listener.closed.get(10, TimeUnit.SECONDS)).isEqualTo("4010 jdk says bye");
    }

    @Test
    void fragmentedTextWithMultiByteCharactersSplitAcrossFramesIsReassembled() throws Exception {
        startEcho(false);
        JdkListener listener = new JdkListener();
        WebSocket ws = connect(false, "/echo", listener);
        ws.sendText("héllo ", false).get(5, TimeUnit.SECONDS);
        ws.sendText("wörld ", false).get(5, TimeUnit.SECONDS);
        ws.sendText("😀", true).get(5, TimeUnit.SECONDS);
        assertThat(listener.next()).isEqualTo("héllo wörld 😀");
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), false).get(5, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[] {3}), true).get(5, TimeUnit.SECONDS);
        assertThat((byte[]) listener.next()).containsExactly(1, 2, 3);
        ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
    }

    @Test
    void pingIsAnsweredWithPongCarryingTheSamePayload() throws Exception {
        startEcho(false);
        JdkListener listener = new JdkListener();
        WebSocket ws = connect(false, "/echo", listener);
        ws.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS);
        assertThat(listener.next()).isEqualTo("pong:are you there");
        ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
    }

    @Test
    void clientCloseCodeAndReasonReachTheHandler() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/rec", handler).build().start();
        JdkListener listener = new JdkListener();
        WebSocket ws = connect(false, "/rec", listener);
        ws.sendClose(4001, "custom reason").get(5, TimeUnit.SECONDS);
        RecordingHandler.Event close = handler.awaitClose();
        assertThat(close.code()).isEqualTo(4001);
        assertThat(close.text()).isEqualTo("custom reason");
        assertThat(listener.closed.get(10, TimeUnit.SECONDS)).isEqualTo("4001 custom reason");
        handler.assertExhausted();
    }

    @Test
    void serverCloseCodeAndReasonReachTheJdkClient() throws Exception {
        WebSocketHandler closer = new WebSocketHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                c.close(3007, "closing: " + text);
            }
        };
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/close", closer).build().start();
        JdkListener listener = new JdkListener();
        WebSocket ws = connect(false, "/close", listener);
        ws.sendText("now", true).get(5, TimeUnit.SECONDS);
        assertThat(listener.closed.get(10, TimeUnit.SECONDS)).isEqualTo("3007 closing: now");
    }
}
