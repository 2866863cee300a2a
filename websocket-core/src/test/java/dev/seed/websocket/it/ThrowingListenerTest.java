package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.ConnectionListener;
import dev.seed.websocket.HandshakeFailedException;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketServer;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection listener that throws from every method (a metrics listener with a bug) changes
 * nothing for the connections: messages flow, the close is the normal 1000, refusals still reach
 * the client; each failure is counted.
 */
class ThrowingListenerTest {

    private WebSocketServer server;
    private WebSocketClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        if (server != null) {
            server.shutdown(Duration.ofSeconds(1));
        }
    }

    /** Throws from every method; counts the calls. */
    static final class ThrowingListener implements ConnectionListener {
        final AtomicInteger calls = new AtomicInteger();
        /** Whether it throws a checked exception, as a listener written in Kotlin or Groovy may. */
        private final boolean checked;

        ThrowingListener() {
            this(false);
        }

        ThrowingListener(boolean checked) {
            this.checked = checked;
        }

        private void fail() {
            calls.incrementAndGet();
            if (checked) {
                ThrowingListenerTest.<RuntimeException>sneakyThrow(new IOException("listener bug"));
            }
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void onOpen(WebSocketConnection c) {
            fail();
        }

        @Override
        public void onClose(WebSocketConnection c, int code, CloseCause cause, boolean locallyInitiated) {
            fail();
        }

        @Override
        public void onHandshakeRefused(Side side, int status) {
            fail();
        }

        @Override
        public void onMessageReceived(WebSocketConnection c, boolean text, int bytes) {
            fail();
        }

        @Override
        public void onMessageSent(WebSocketConnection c, boolean text, int bytes, int wireBytes) {
            fail();
        }

        @Override
        public void onSendFailed(WebSocketConnection c, Throwable error) {
            fail();
        }

        @Override
        public void onPingRoundTrip(WebSocketConnection c, long nanos) {
            fail();
        }
    }

    @Test
    void messagesFlowAndTheCloseIsNormalWhateverTheListenersThrow() throws Exception {
        ThrowingListener serverListener = new ThrowingListener();
        ThrowingListener clientListener = new ThrowingListener();
        RecordingHandler serverSide = new RecordingHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                c.sendText(text);
            }

            @Override
            public void onBinary(WebSocketConnection c, ByteBuffer data) {
                c.sendBinary(data);
            }
        };
        server = WebSocketServer.builder().host("127.0.0.1").port(0).connectionListener(serverListener)
                .pingInterval(Duration.ofMillis(100))
                .route("/echo", serverSide).build().start();
        client = WebSocketClient.builder().connectionListener(clientListener).build();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), h)
                .get(5, TimeUnit.SECONDS);
        c.sendText("one");
        assertThat(h.nextText()).isEqualTo("one");
        c.sendBinary(new byte[] {1, 2, 3});
        assertThat(h.nextBinary()).containsExactly(1, 2, 3);
        // keepalive pings of the server come back: onPingRoundTrip throws too (open, 2 received,
        // 2 sent, then at least one round trip)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (serverListener.calls.get() < 6 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        c.close(1000, "done").get(5, TimeUnit.SECONDS);

        assertThat(h.awaitClose().code()).isEqualTo(1000);
        assertThat(serverSide.awaitClose().code()).isEqualTo(1000);
        assertThat(c.closeCause()).isEqualTo(CloseCause.LOCAL_CLOSE);
        // client: open, 2 sent, 2 received, close
        assertThat(clientListener.calls.get()).isEqualTo(6);
        assertThat(client.listenerFailures()).isEqualTo(6);
        // server: open, 2 received, 2 sent, close, and at least one ping round trip
        long serverCalls = serverListener.calls.get();
        assertThat(serverCalls).isGreaterThanOrEqualTo(7);
        assertThat(server.listenerFailures()).isEqualTo(serverCalls);
    }

    /** Throws a checked exception where the compiler sees none (what Kotlin and Groovy code may do). */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void aListenerThrowingACheckedExceptionIsGuardedToo() throws Exception {
        ThrowingListener serverListener = new ThrowingListener(true);
        ThrowingListener clientListener = new ThrowingListener(true);
        RecordingHandler serverSide = new RecordingHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                c.sendText(text);
            }
        };
        server = WebSocketServer.builder().host("127.0.0.1").port(0).connectionListener(serverListener)
                .route("/echo", serverSide).build().start();
        client = WebSocketClient.builder().connectionListener(clientListener).build();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), h)
                .get(5, TimeUnit.SECONDS);
        c.sendText("one");
        assertThat(h.nextText()).isEqualTo("one");
        c.close(1000, "done").get(5, TimeUnit.SECONDS);

        assertThat(h.awaitClose().code()).isEqualTo(1000);
        assertThat(serverSide.awaitClose().code()).isEqualTo(1000);
        // each side: open, 1 received, 1 sent, close
        assertThat(client.listenerFailures()).isEqualTo(4);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (server.listenerFailures() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(server.listenerFailures()).isEqualTo(4);
        assertThat(serverListener.calls.get()).isEqualTo(4);
    }

    @Test
    void aRefusalReachesTheClientWhateverTheListenersThrow() throws Exception {
        ThrowingListener serverListener = new ThrowingListener();
        ThrowingListener clientListener = new ThrowingListener();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).connectionListener(serverListener)
                .route("/echo", new EchoHandler()).build().start();
        client = WebSocketClient.builder().connectionListener(clientListener).build();
        assertThatThrownBy(() -> client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/nowhere"),
                new RecordingHandler()).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(HandshakeFailedException.class)
                .satisfies(e -> assertThat(((HandshakeFailedException) e).status()).isEqualTo(404));
        assertThat(client.listenerFailures()).isEqualTo(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (server.listenerFailures() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(server.listenerFailures()).isEqualTo(1);
    }
}
