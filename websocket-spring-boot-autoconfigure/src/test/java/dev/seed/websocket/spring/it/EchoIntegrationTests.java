package dev.seed.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** A {@code @WsHandler} bean served on a free port, reached by the core's client and the JDK's. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"websocket.server.port=0", "websocket.server.address=127.0.0.1"})
class EchoIntegrationTests {

    @Value("${local.websocket.server.port}")
    int port;

    @Autowired
    WebSocketClient client;

    @Test
    void echoThroughTheClientBean() throws Exception {
        Recorder recorder = new Recorder();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + port + "/echo"), recorder)
                .get(10, TimeUnit.SECONDS);
        c.sendText("hello");
        assertThat(recorder.next()).isEqualTo("hello");
        c.sendBinary(new byte[] {1, 2, 3});
        assertThat((byte[]) recorder.next()).containsExactly(1, 2, 3);
        c.close(1000, "done");
        assertThat(recorder.awaitClose()).isEqualTo(1000);
    }

    @Test
    void echoThroughTheJdkClient() throws Exception {
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        HttpClient http = HttpClient.newHttpClient();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/echo"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            received.add(text.toString());
                            text.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                        byte[] copy = new byte[data.remaining()];
                        data.get(copy);
                        received.add(copy);
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("héllo wörld", true).get(10, TimeUnit.SECONDS);
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("héllo wörld");
        ws.sendBinary(ByteBuffer.wrap("bin".getBytes(StandardCharsets.US_ASCII)), true).get(10, TimeUnit.SECONDS);
        assertThat((byte[]) received.poll(10, TimeUnit.SECONDS)).asString(StandardCharsets.US_ASCII)
                .isEqualTo("bin");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }

    @Test
    void pathTemplateAndSubprotocol() throws Exception {
        Recorder recorder = new Recorder();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + port + "/rooms/42"),
                ConnectOptions.builder().subprotocols("chat.v1", "chat.v3").build(), recorder)
                .get(10, TimeUnit.SECONDS);
        assertThat(c.subprotocol()).isEqualTo("chat.v1");
        c.sendText("hi");
        assertThat(recorder.next()).isEqualTo("42:chat.v1:hi");
        c.close();
        // both offered: the handler's order (chat.v2 first) decides, not the client's
        WebSocketConnection both = client.connect(URI.create("ws://127.0.0.1:" + port + "/rooms/43"),
                ConnectOptions.builder().subprotocols("chat.v1", "chat.v2").build(), new Recorder())
                .get(10, TimeUnit.SECONDS);
        assertThat(both.subprotocol()).isEqualTo("chat.v2");
        both.close();
    }

    @Test
    void unknownPathIsRefusedWith404() throws Exception {
        try (RawPeer peer = new RawPeer(port)) {
            assertThat(peer.handshake("/nowhere")).startsWith("HTTP/1.1 404");
        }
    }
}
