package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.it.RecordingHandler;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A well-behaved client that checks that a server under attack still serves others: it connects
 * to an echo route, gets its message back, and closes cleanly, all within a bound.
 */
public final class Bystander {

    private Bystander() {
    }

    /** Connects to {@code ws://127.0.0.1:port/echo}, round-trips a message and closes; returns the time it took. */
    public static Duration echoes(int port, Duration within) throws Exception {
        long start = System.nanoTime();
        try (WebSocketClient client = WebSocketClient.create()) {
            RecordingHandler h = new RecordingHandler();
            WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + port + "/echo"), h)
                    .get(within.toMillis(), TimeUnit.MILLISECONDS);
            c.sendText("still served");
            assertThat(h.nextText()).isEqualTo("still served");
            c.close().get(within.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(h.awaitClose().code()).isEqualTo(1000);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("a normal client's round trip").isLessThan(within);
        return took;
    }
}
