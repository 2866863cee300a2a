package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Queues every event it sees, for tests to take in order; {@link #assertExhausted()} after each test. */
public class RecordingHandler implements WebSocketHandler {

    /** One recorded event. */
    public record Event(String type, Object value, int code) {
        public String text() {
            return (String) value;
        }

        public byte[] bytes() {
            return (byte[]) value;
        }
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    public final CompletableFuture<WebSocketConnection> opened = new CompletableFuture<>();
    public final CompletableFuture<Event> closed = new CompletableFuture<>();
    public volatile boolean skipPings = true;

    @Override
    public void onOpen(WebSocketConnection c) {
        opened.complete(c);
    }

    @Override
    public void onText(WebSocketConnection c, String text) {
        events.add(new Event("text", text, 0));
    }

    @Override
    public void onBinary(WebSocketConnection c, ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.duplicate().get(b);
        events.add(new Event("binary", b, 0));
    }

    @Override
    public void onPing(WebSocketConnection c, ByteBuffer data) {
        if (!skipPings) {
            byte[] b = new byte[data.remaining()];
            data.duplicate().get(b);
            events.add(new Event("ping", b, 0));
        }
    }

    @Override
    public void onPong(WebSocketConnection c, ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.duplicate().get(b);
        events.add(new Event("pong", b, 0));
    }

    @Override
    public void onClose(WebSocketConnection c, int code, String reason) {
        Event e = new Event("close", reason, code);
        closed.complete(e);
    }

    @Override
    public void onError(WebSocketConnection c, Throwable error) {
        events.add(new Event("error", error, 0));
    }

    /** The next event within 10 s. */
    public Event next() throws InterruptedException {
        Event e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("an event within 10 s").isNotNull();
        return e;
    }

    public String nextText() throws InterruptedException {
        Event e = next();
        assertThat(e.type()).isEqualTo("text");
        return e.text();
    }

    public byte[] nextBinary() throws InterruptedException {
        Event e = next();
        assertThat(e.type()).isEqualTo("binary");
        return e.bytes();
    }

    /** Waits for onClose and returns it. */
    public Event awaitClose() throws Exception {
        return closed.get(15, TimeUnit.SECONDS);
    }

    public void assertExhausted() {
        assertThat(events).isEmpty();
    }
}
