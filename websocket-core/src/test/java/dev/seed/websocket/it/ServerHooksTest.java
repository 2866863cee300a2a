package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The seed's server hooks: on_tick once per period, on_shutdown, on_accept with the socket, listen on a given socket. */
class ServerHooksTest {

    private WebSocketServer server;
    private final WebSocketClient client = WebSocketClient.create();

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.shutdown(Duration.ofSeconds(1));
        }
    }

    private URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/s");
    }

    @Test
    void tickRunsOncePerPeriodForTheServerWhateverTheNumberOfLoops() throws Exception {
        AtomicInteger ticks = new AtomicInteger();
        Set<WebSocketServer> given = ConcurrentHashMap.newKeySet();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(4)
                .tick(Duration.ofMillis(50), s -> {
                    given.add(s);
                    ticks.incrementAndGet();
                })
                .route("/s", new WebSocketHandler() { }).build().start();
        Thread.sleep(1000);
        int n = ticks.get();
        // about 20 at one per period; once per loop would make it about 80
        assertThat(n).isBetween(8, 24);
        assertThat(given).containsExactly(server);
        server.shutdown(Duration.ofSeconds(1));
        int after = ticks.get();
        Thread.sleep(200);
        assertThat(ticks.get()).isEqualTo(after);
        server = null;
    }

    @Test
    void shutdownHooksRunBeforeTheConnectionsGetTheir1001() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .onShutdown(s -> {
                    order.add("hook");
                    s.broadcast("goodbye");
                })
                .onShutdown(s -> {
                    throw new IllegalStateException("a hook that fails does not stop the shutdown");
                })
                .route("/s", new WebSocketHandler() { }).build().start();
        RecordingHandler h = new RecordingHandler();
        client.connect(uri(), h).get(5, TimeUnit.SECONDS);
        assertThat(server.shutdown(Duration.ofSeconds(2))).isTrue();
        server = null;
        assertThat(order).containsExactly("hook");
        assertThat(h.nextText()).isEqualTo("goodbye");
        assertThat(h.awaitClose().code()).isEqualTo(CloseCodes.WS_GONE);
    }

    @Test
    void acceptSocketSeesTheSocketBeforeAnyByteAndMayRefuseIt() throws Exception {
        List<InetSocketAddress> seen = new CopyOnWriteArrayList<>();
        AtomicInteger refuseNext = new AtomicInteger(1);
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .acceptSocket(ch -> {
                    try {
                        seen.add((InetSocketAddress) ch.getRemoteAddress());
                        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                        return refuseNext.getAndSet(0) == 0;
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .route("/s", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        c.sendText("open");
                    }
                }).build().start();
        try {
            client.connect(uri(), new RecordingHandler()).get(5, TimeUnit.SECONDS);
            throw new AssertionError("the first socket should have been refused");
        } catch (ExecutionException expected) {
            // closed before the handshake
        }
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(uri(), h).get(5, TimeUnit.SECONDS);
        assertThat(h.nextText()).isEqualTo("open");
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1)).isEqualTo(c.localAddress());
    }

    @Test
    void aListeningSocketTheApplicationOpenedIsServedAndClosedWithTheServer() throws Exception {
        ServerSocketChannel channel = ServerSocketChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        server = WebSocketServer.builder().port(12345 /* not used */).channel(channel)
                .route("/s", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        c.sendText("echo " + text);
                    }
                }).build().start();
        assertThat(server.port()).isEqualTo(port);
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(uri(), h).get(5, TimeUnit.SECONDS);
        c.sendText("hi");
        assertThat(h.nextText()).isEqualTo("echo hi");
        server.shutdown(Duration.ofSeconds(1));
        server = null;
        assertThat(channel.isOpen()).isFalse();
        try (SocketChannel probe = SocketChannel.open()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            throw new AssertionError("still listening");
        } catch (java.net.ConnectException expected) {
            // nobody listens any more
        }
    }

    @Test
    void aCipherSuiteOrProtocolTheJvmDoesNotKnowFailsTheStartNotEveryConnection() throws Exception {
        WebSocketServer bad = WebSocketServer.builder().host("127.0.0.1").port(0)
                .sslContext(TestTls.serverContext()).tlsCipherSuites("ECDHE-RSA-AES128-GCM-SHA256")
                .route("/s", new WebSocketHandler() { }).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(bad::start)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ECDHE-RSA-AES128-GCM-SHA256");
        assertThat(bad.isRunning()).isFalse();
    }
}
