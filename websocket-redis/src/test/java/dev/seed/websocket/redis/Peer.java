package dev.seed.websocket.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A client connection of a test: the texts it receives, in order. */
final class Peer implements WebSocketHandler {

    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    WebSocketConnection connection;
    /** The id of the server side of this connection. */
    String id;

    static Peer connect(WebSocketClient client, String url) throws Exception {
        Peer p = new Peer();
        p.connection = client.connect(URI.create(url), p).get(5, TimeUnit.SECONDS);
        String ready = p.next();
        assertThat(ready).startsWith("ready ");
        p.id = ready.substring(6);
        return p;
    }

    /** The server side of this connection on {@code i}. */
    WebSocketConnection connectionOnServer(Instance i) {
        return i.server.connection(id);
    }

    @Override
    public void onText(WebSocketConnection c, String text) {
        texts.add(text);
    }

    String next() throws InterruptedException {
        String t = texts.poll(10, TimeUnit.SECONDS);
        assertThat(t).as("a message within 10 s").isNotNull();
        return t;
    }

    /** Null when nothing comes within {@code millis}. */
    String poll(long millis) throws InterruptedException {
        return texts.poll(millis, TimeUnit.MILLISECONDS);
    }
}
