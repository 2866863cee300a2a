package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The maximum send size (the seed's max_send_size) and the connection's state through its close. */
class SendLimitsTest {

    private WebSocketServer server;
    private WebSocketClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    private static String failure(CompletableFuture<Void> f) throws Exception {
        assertThat(f).isDone(); // at once, not after a trip through the loop
        try {
            f.get();
            return "sent";
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        }
    }

    @Test
    void aMessageOverTheMaximumSendSizeFailsAtOnceAndNothingIsSent() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).maxSendSize(10)
                .route("/s", new WebSocketHandler() { }).build().start();
        client = WebSocketClient.create();
        RecordingHandler h = new RecordingHandler();
        client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/s"), h).get(5, TimeUnit.SECONDS);
        WebSocketConnection c = server.connections().iterator().next();
        // ten bytes pass; eleven do not; "ééééé" is 5 chars but 10 bytes, "éééééé" 12 bytes
        c.sendText("0123456789").get(5, TimeUnit.SECONDS);
        c.sendText("ééééé").get(5, TimeUnit.SECONDS);
        assertThat(failure(c.sendText("01234567890")))
                .isEqualTo("Message of 11 bytes is larger than the maximum send size of 10 bytes.");
        assertThat(failure(c.sendText("éééééé"))).contains("12 bytes");
        assertThat(failure(c.sendBinary(new byte[11]))).contains("11 bytes");
        assertThat(failure(c.sendBinary(ByteBuffer.allocate(11), false))).contains("11 bytes");
        assertThat(server.broadcast("01234567890").get(5, TimeUnit.SECONDS)).isZero();
        c.sendBinary(new byte[10]).get(5, TimeUnit.SECONDS);
        assertThat(h.nextText()).isEqualTo("0123456789");
        assertThat(h.nextText()).isEqualTo("ééééé");
        assertThat(h.nextBinary()).hasSize(10);
        h.assertExhausted();
    }

    @Test
    void stateGoesFromOpenThroughClosingToClosed() throws Exception {
        CompletableFuture<String> closingState = new CompletableFuture<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/s", new WebSocketHandler() {
                    @Override
                    public void onClosing(WebSocketConnection c, int code, String reason) {
                        closingState.complete(c.state().name());
                    }
                }).build().start();
        client = WebSocketClient.create();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/s"), h)
                .get(5, TimeUnit.SECONDS);
        assertThat(c.state()).isEqualTo(WebSocketConnection.State.OPEN);
        c.close();
        assertThat(c.state()).isIn(WebSocketConnection.State.CLOSING, WebSocketConnection.State.CLOSED);
        h.awaitClose();
        assertThat(c.state()).isEqualTo(WebSocketConnection.State.CLOSED);
        assertThat(closingState.get(5, TimeUnit.SECONDS)).isEqualTo("CLOSING");
    }

    @Test
    void aHandlerThatAnswersPingsItselfDecidesForEachPing() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/s", new WebSocketHandler() {
            @Override
            public boolean autoPong() {
                return false;
            }

            @Override
            public void onPing(WebSocketConnection c, ByteBuffer data) {
                String asked = java.nio.charset.StandardCharsets.UTF_8.decode(data.duplicate()).toString();
                if (asked.startsWith("answer")) {
                    c.pong(ByteBuffer.wrap(("pong for " + asked).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                }
            }
        }).build().start();
        client = WebSocketClient.create();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/s"), h)
                .get(5, TimeUnit.SECONDS);
        c.ping(ByteBuffer.wrap("ignore me".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        c.ping(ByteBuffer.wrap("answer 1".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        RecordingHandler.Event pong = h.next();
        assertThat(pong.type()).isEqualTo("pong");
        assertThat(new String(pong.bytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("pong for answer 1");
        c.sendText("after");
        h.assertExhausted(); // no pong for the ping it chose not to answer
    }

    @Test
    void aFrameListenerThatAsksGetsEachFramesPayloadUnmaskedAsOnTheWire() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/s", new WebSocketHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                c.sendText("echo " + text);
            }
        }).build().start();
        java.util.List<String> wire = new java.util.concurrent.CopyOnWriteArrayList<>();
        client = WebSocketClient.builder().outgoingFragmentSize(4).frameListener(new dev.seed.websocket.FrameListener() {
            @Override
            public void onFrame(WebSocketConnection c, boolean inbound, int opcode, boolean fin, int rsv, long length) {
                wire.add((inbound ? "in " : "out ") + opcode + (fin ? " fin " : " ") + length);
            }

            @Override
            public boolean wantsPayload() {
                return true;
            }

            @Override
            public void onPayload(WebSocketConnection c, boolean inbound, ByteBuffer chunk, boolean frameEnd) {
                wire.add((inbound ? "in: " : "out: ") + java.nio.charset.StandardCharsets.UTF_8.decode(chunk)
                        + (frameEnd ? "|" : ""));
            }
        }).build();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/s"), h)
                .get(5, TimeUnit.SECONDS);
        c.sendText("hello!").get(5, TimeUnit.SECONDS);
        assertThat(h.nextText()).isEqualTo("echo hello!");
        // sent in fragments of 4, unmasked in the view; the answer as one frame
        assertThat(wire).containsExactly("out 1 4", "out: hell|", "out 0 fin 2", "out: o!|",
                "in 1 fin 11", "in: echo hello!|");
    }
}
