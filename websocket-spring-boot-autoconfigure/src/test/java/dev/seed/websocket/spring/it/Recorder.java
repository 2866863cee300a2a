package dev.seed.websocket.spring.it;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A client handler that queues what arrives, for tests to take in order. */
final class Recorder implements WebSocketHandler {

    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

    @Override
    public void onText(WebSocketConnection c, String text) {
        messages.add(text);
    }

    @Override
    public void onBinary(WebSocketConnection c, ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        messages.add(copy);
    }

    @Override
    public void onClose(WebSocketConnection c, int code, String reason) {
        closeCode.complete(code);
    }

    /** The next message, waiting up to 10 s. */
    Object next() throws InterruptedException {
        Object m = messages.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("No message within 10 s");
        }
        return m;
    }

    int awaitClose() throws Exception {
        return closeCode.get(10, TimeUnit.SECONDS);
    }
}
