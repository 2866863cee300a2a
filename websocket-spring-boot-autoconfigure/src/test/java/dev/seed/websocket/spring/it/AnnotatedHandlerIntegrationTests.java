package dev.seed.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.spring.OnClose;
import dev.seed.websocket.spring.OnError;
import dev.seed.websocket.spring.OnMessage;
import dev.seed.websocket.spring.OnOpen;
import dev.seed.websocket.spring.OnText;
import dev.seed.websocket.spring.PathVariable;
import dev.seed.websocket.spring.WsHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/** Handlers written with annotated methods, served for real: every event, argument and reply kind. */
@SpringBootTest(classes = AnnotatedHandlerIntegrationTests.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"websocket.server.port=0", "websocket.server.address=127.0.0.1",
                "websocket.server.handler-executor=pool", "websocket.server.handler-pool-size=2"})
class AnnotatedHandlerIntegrationTests {

    @Value("${local.websocket.server.port}")
    int port;

    @Autowired
    WebSocketClient client;

    @Autowired
    Chat chat;

    @BeforeEach
    void reset() {
        chat.events.clear();
    }

    @Test
    void openTextBinaryAndCloseWithPathVariables() throws Exception {
        Recorder recorder = new Recorder();
        WebSocketConnection c = client.connect(uri("/chat/lobby/7"), recorder).get(10, TimeUnit.SECONDS);
        assertThat(recorder.next()).isEqualTo("welcome to lobby #7");
        c.sendText("hello");
        assertThat(recorder.next()).isEqualTo("lobby: hello");
        c.sendBinary(new byte[] {1, 2, 3});
        assertThat((byte[]) recorder.next()).containsExactly(3, 2, 1);
        c.close(4000, "bye");
        recorder.awaitClose();
        Await.until("onClose called", () -> chat.events.stream().anyMatch(e -> e.startsWith("close")));
        assertThat(chat.events).contains("close 4000 bye peer_closed lobby");
        assertThat(chat.threads).allMatch(t -> t.startsWith("websocket-server-handler-"));
    }

    @Test
    void runtimeExceptionClosesWith1011AndReachesOnError() throws Exception {
        Recorder recorder = new Recorder();
        WebSocketConnection c = client.connect(uri("/chat/lobby/1"), recorder).get(10, TimeUnit.SECONDS);
        recorder.next();
        c.sendText("boom");
        assertThat(recorder.awaitClose()).isEqualTo(1011);
        Await.until("onError called", () -> chat.events.contains("error IllegalStateException boom"));
    }

    @Test
    void checkedExceptionClosesWith1011AndSkipsAnOnErrorOfAnotherType() throws Exception {
        Recorder recorder = new Recorder();
        WebSocketConnection c = client.connect(uri("/chat/lobby/1"), recorder).get(10, TimeUnit.SECONDS);
        recorder.next();
        c.sendText("io");
        assertThat(recorder.awaitClose()).isEqualTo(1011);
        Await.until("onClose called", () -> chat.events.stream().anyMatch(e -> e.startsWith("close 1011")));
        assertThat(chat.events).noneMatch(e -> e.startsWith("error"));
    }

    @Test
    void convertedPathVariableAndOnText() throws Exception {
        Recorder recorder = new Recorder();
        WebSocketConnection c = client.connect(uri("/items/41"), recorder).get(10, TimeUnit.SECONDS);
        c.sendText("next");
        assertThat(recorder.next()).isEqualTo("next 42");
        c.close();
    }

    @Test
    void badPathVariableValueClosesWith1011() throws Exception {
        Recorder recorder = new Recorder();
        WebSocketConnection c = client.connect(uri("/items/abc"), recorder).get(10, TimeUnit.SECONDS);
        c.sendText("next");
        assertThat(recorder.awaitClose()).isEqualTo(1011);
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({Chat.class, Items.class})
    static class App {
    }

    @WsHandler("/chat/{room}/{seq}")
    static class Chat {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @OnOpen
        String open(@PathVariable String room, @PathVariable("seq") int seq) {
            threads.add(Thread.currentThread().getName());
            return "welcome to " + room + " #" + seq;
        }

        @OnMessage
        String text(WebSocketConnection c, String message, @PathVariable("room") String room) throws IOException {
            threads.add(Thread.currentThread().getName());
            if (message.equals("boom")) {
                throw new IllegalStateException("boom");
            }
            if (message.equals("io")) {
                throw new IOException("io");
            }
            return room + ": " + message;
        }

        @OnMessage
        ByteBuffer binary(byte[] data) {
            byte[] reversed = new byte[data.length];
            for (int i = 0; i < data.length; i++) {
                reversed[i] = data[data.length - 1 - i];
            }
            return ByteBuffer.wrap(reversed);
        }

        @OnClose
        void close(int code, String reason, CloseCause cause, @PathVariable("room") String room) {
            events.add("close " + code + " " + reason + " " + cause.tag() + " " + room);
        }

        @OnError
        void error(IllegalStateException e) {
            events.add("error " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    @WsHandler("/items/{id}")
    static class Items {
        @OnText
        String next(String message, @PathVariable("id") long id) {
            return message + " " + (id + 1);
        }
    }
}
