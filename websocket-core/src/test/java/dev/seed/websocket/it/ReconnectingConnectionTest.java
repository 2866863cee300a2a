package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.BackpressureException;
import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.ReconnectListener;
import dev.seed.websocket.ReconnectPolicy;
import dev.seed.websocket.ReconnectingConnection;
import dev.seed.websocket.ReconnectingConnection.Reason;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One handle across reconnections: queued sends delivered once and in order, the events, every
 * way it ends; the 101 answer on the client; onClosing before onClose on both sides.
 */
class ReconnectingConnectionTest {

    private WebSocketServer server;
    private final WebSocketClient client = WebSocketClient.create();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicBoolean refuse = new AtomicBoolean();

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    private void startServer(int port) {
        server = WebSocketServer.builder().host("127.0.0.1").port(port)
                .interceptor((request, response) -> {
                    if (refuse.get()) {
                        response.reject(403, "Not any more.");
                    }
                })
                .route("/r", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        received.add(text);
                        if (text.startsWith("close ")) {
                            c.close(Integer.parseInt(text.substring(6)), "asked");
                        }
                    }
                }).build().start();
    }

    private URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/r");
    }

    private static ReconnectPolicy fast() {
        return new ReconnectPolicy(Duration.ofMillis(20), Duration.ofMillis(50), 2.0, 0,
                ReconnectPolicy.DEFAULT_STOP_CODES);
    }

    private final ReconnectListener recorder = new ReconnectListener() {
        @Override
        public void onReconnecting(ReconnectingConnection h, int attempt, Duration delay, int code, Throwable failure) {
            events.add("reconnecting " + attempt + " " + code);
        }

        @Override
        public void onReconnected(ReconnectingConnection h, WebSocketConnection c, int attempts) {
            events.add("reconnected " + attempts);
        }

        @Override
        public void onGaveUp(ReconnectingConnection h, ReconnectingConnection.Ending ending) {
            events.add("gave up " + ending.reason());
        }
    };

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void sendsWhileReconnectingAreQueuedAndDeliveredOnceInOrder() throws Exception {
        startServer(0);
        ReconnectPolicy slow = new ReconnectPolicy(Duration.ofMillis(400), Duration.ofMillis(400), 1.0, 0,
                ReconnectPolicy.DEFAULT_STOP_CODES);
        ReconnectingConnection handle = client.connectReconnecting(uri(),
                ConnectOptions.builder().reconnect(slow).reconnectListener(recorder).build(), new WebSocketHandler() { });
        WebSocketConnection first = handle.connected().get(5, TimeUnit.SECONDS);
        assertThat(handle.state()).isEqualTo(ReconnectingConnection.State.OPEN);
        for (int i = 0; i < 100; i++) {
            handle.sendText(Integer.toString(i));
        }
        await("first batch", () -> received.size() == 100);
        server.connections().forEach(WebSocketConnection::abort);
        await("the drop is seen", () -> handle.state() == ReconnectingConnection.State.RECONNECTING);
        assertThat(handle.current()).isNull();
        List<java.util.concurrent.CompletableFuture<Void>> queued = new java.util.ArrayList<>();
        for (int i = 100; i < 200; i++) {
            queued.add(handle.sendText(Integer.toString(i)));
        }
        assertThat(handle.queuedMessages()).isEqualTo(100);
        for (var f : queued) {
            f.get(10, TimeUnit.SECONDS);
        }
        await("second batch", () -> received.size() == 200);
        for (int i = 0; i < 200; i++) {
            assertThat(received.get(i)).isEqualTo(Integer.toString(i));
        }
        assertThat(handle.current()).isNotNull().isNotSameAs(first);
        assertThat(events).containsExactly("reconnecting 1 1006", "reconnected 1");
        handle.close().get(5, TimeUnit.SECONDS);
        assertThat(handle.closed().get(5, TimeUnit.SECONDS).reason()).isEqualTo(Reason.CLOSED_BY_APPLICATION);
        assertThat(events).doesNotContain("gave up CLOSED_BY_APPLICATION");
    }

    @Test
    void aFirstConnectThatFailsIsRetriedUntilTheServerIsUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ReconnectingConnection handle = client.connectReconnecting(URI.create("ws://127.0.0.1:" + port + "/r"),
                ConnectOptions.builder().reconnect(fast()).reconnectListener(recorder).build(), new WebSocketHandler() { });
        handle.sendText("queued before the server exists");
        await("a retry", () -> !events.isEmpty());
        assertThat(handle.state()).isEqualTo(ReconnectingConnection.State.CONNECTING);
        startServer(port);
        handle.connected().get(10, TimeUnit.SECONDS);
        await("queued message", () -> received.contains("queued before the server exists"));
        assertThat(events.get(0)).startsWith("reconnecting 2 1006");
    }

    @Test
    void givesUpAfterMaxAttemptsAndFailsWhatWasQueued() throws Exception {
        startServer(0);
        ReconnectingConnection handle = client.connectReconnecting(uri(),
                ConnectOptions.builder().reconnect(fast().withMaxAttempts(3)).reconnectListener(recorder).build(),
                new WebSocketHandler() { });
        handle.connected().get(5, TimeUnit.SECONDS);
        server.shutdown(Duration.ofSeconds(2)); // 1001 to the client, then nothing listens
        server = null;
        await("the drop is seen", () -> handle.state() != ReconnectingConnection.State.OPEN);
        var queued = handle.sendText("never delivered");
        ReconnectingConnection.Ending ending = handle.closed().get(10, TimeUnit.SECONDS);
        assertThat(ending.reason()).isEqualTo(Reason.MAX_ATTEMPTS);
        assertThat(events).containsExactly("reconnecting 1 1001", "reconnecting 2 1006", "reconnecting 3 1006",
                "gave up MAX_ATTEMPTS");
        assertThat(queued).isCompletedExceptionally();
        assertThat(handle.sendText("after the end")).isCompletedExceptionally();
        assertThat(handle.state()).isEqualTo(ReconnectingConnection.State.CLOSED);
    }

    @Test
    void aStopCodeOrANormalClosureFromTheServerEndsIt() throws Exception {
        startServer(0);
        for (int code : new int[] {CloseCodes.WS_FORBIDDEN, CloseCodes.WS_OK}) {
            events.clear();
            ReconnectingConnection handle = client.connectReconnecting(uri(),
                    ConnectOptions.builder().reconnect(fast()).reconnectListener(recorder).build(), new WebSocketHandler() { });
            handle.connected().get(5, TimeUnit.SECONDS);
            handle.sendText("close " + code);
            ReconnectingConnection.Ending ending = handle.closed().get(10, TimeUnit.SECONDS);
            assertThat(ending.code()).isEqualTo(code);
            assertThat(ending.reason()).isEqualTo(code == CloseCodes.WS_OK ? Reason.NORMAL_CLOSURE : Reason.STOP_CODE);
            assertThat(events).containsExactly("gave up " + ending.reason());
        }
    }

    @Test
    void aRefusalWith4xxEndsItWithItsStatus() throws Exception {
        startServer(0);
        ReconnectingConnection handle = client.connectReconnecting(uri(),
                ConnectOptions.builder().reconnect(fast()).reconnectListener(recorder).build(), new WebSocketHandler() { });
        handle.connected().get(5, TimeUnit.SECONDS);
        refuse.set(true);
        server.connections().forEach(WebSocketConnection::abort);
        ReconnectingConnection.Ending ending = handle.closed().get(10, TimeUnit.SECONDS);
        assertThat(ending.reason()).isEqualTo(Reason.REFUSED);
        assertThat(ending.status()).isEqualTo(403);
        assertThat(events).containsExactly("reconnecting 1 1006", "gave up REFUSED");
    }

    @Test
    void theApplicationsConditionDecides() throws Exception {
        startServer(0);
        ReconnectPolicy policy = fast().withCondition((code, attempt) -> code != 4001);
        ReconnectingConnection handle = client.connectReconnecting(uri(),
                ConnectOptions.builder().reconnect(policy).reconnectListener(recorder).build(), new WebSocketHandler() { });
        handle.connected().get(5, TimeUnit.SECONDS);
        handle.sendText("close 4002"); // allowed: it comes back
        await("reconnected", () -> events.contains("reconnected 1"));
        handle.sendText("close 4001"); // not allowed
        assertThat(handle.closed().get(10, TimeUnit.SECONDS).reason()).isEqualTo(Reason.CONDITION);
        assertThat(events).containsExactly("reconnecting 1 4002", "reconnected 1", "gave up CONDITION");
    }

    @Test
    void theQueueIsBoundedAndClosingWhileNotConnectedFailsIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ReconnectingConnection handle = client.connectReconnecting(URI.create("ws://127.0.0.1:" + port + "/r"),
                ConnectOptions.builder().reconnect(fast()).reconnectListener(recorder).reconnectQueue(2, 1000).build(),
                new WebSocketHandler() { });
        var a = handle.sendText("a");
        var b = handle.sendText("b");
        var c = handle.sendText("c");
        assertThat(c).isCompletedExceptionally();
        assertThatCause(c).isInstanceOf(BackpressureException.class);
        assertThat(handle.sendText("x".repeat(600))).isCompletedExceptionally(); // 1,200 bytes > 1000
        handle.close().get(5, TimeUnit.SECONDS);
        assertThat(handle.closed().get(5, TimeUnit.SECONDS).reason()).isEqualTo(Reason.CLOSED_BY_APPLICATION);
        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedExceptionally();
        assertThat(handle.connected()).isCompletedExceptionally();
        assertThat(events).noneMatch(e -> e.startsWith("gave up"));
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertThatCause(
            java.util.concurrent.CompletableFuture<?> f) {
        try {
            f.get(5, TimeUnit.SECONDS);
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return assertThat(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void closingTheClientEndsIt() throws Exception {
        startServer(0);
        WebSocketClient own = WebSocketClient.create();
        ReconnectingConnection handle = own.connectReconnecting(uri(),
                ConnectOptions.builder().reconnect(fast()).reconnectListener(recorder).build(), new WebSocketHandler() { });
        handle.connected().get(5, TimeUnit.SECONDS);
        own.close();
        assertThat(handle.closed().get(10, TimeUnit.SECONDS).reason()).isEqualTo(Reason.CLIENT_CLOSED);
    }

    @Test
    void theClientSeesThe101AnswerWithItsHeadersAndCookies() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .interceptor((request, response) -> {
                    response.header("X-Server", "test");
                    response.header("Set-Cookie", "session=abc123; Path=/; HttpOnly");
                    response.header("Set-Cookie", "theme=\"dark\"");
                })
                .route("/r", new WebSocketHandler() { }).build().start();
        WebSocketConnection c = client.connect(uri(), new WebSocketHandler() { }).get(5, TimeUnit.SECONDS);
        assertThat(c.handshakeResponse().status()).isEqualTo(101);
        assertThat(c.handshakeResponse().header("x-server")).isEqualTo("test");
        assertThat(c.handshakeResponse().headers("set-cookie")).hasSize(2);
        assertThat(c.handshakeResponse().headers()).containsKey("Upgrade");
        assertThat(c.handshakeResponse().cookies()).containsExactly(
                java.util.Map.entry("session", "abc123"), java.util.Map.entry("theme", "dark"));
        WebSocketConnection serverSide = server.connections().iterator().next();
        assertThat(serverSide.handshakeResponse()).isNull();
    }

    @Test
    void onClosingComesBeforeOnCloseAfterTheLastMessageOnBothSides() throws Exception {
        List<String> serverEvents = new CopyOnWriteArrayList<>();
        java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            server = WebSocketServer.builder().host("127.0.0.1").port(0).handlerExecutor(executor)
                    .route("/r", new WebSocketHandler() {
                        @Override
                        public void onText(WebSocketConnection c, String text) {
                            serverEvents.add("text " + text);
                            if (text.equals("bye")) {
                                c.sendText("last words");
                                c.close(4002, "server done");
                            }
                        }

                        @Override
                        public void onClosing(WebSocketConnection c, int code, String reason) {
                            serverEvents.add("closing " + code + " " + reason);
                        }

                        @Override
                        public void onClose(WebSocketConnection c, int code, String reason) {
                            serverEvents.add("close " + code);
                        }
                    }).build().start();
            List<String> clientEvents = new CopyOnWriteArrayList<>();
            WebSocketHandler h = new WebSocketHandler() {
                @Override
                public void onText(WebSocketConnection c, String text) {
                    clientEvents.add("text " + text);
                }

                @Override
                public void onClosing(WebSocketConnection c, int code, String reason) {
                    clientEvents.add("closing " + code + " " + reason + " open=" + c.isOpen());
                }

                @Override
                public void onClose(WebSocketConnection c, int code, String reason) {
                    clientEvents.add("close " + code);
                }
            };
            // the server closes: the client hears closing, then close
            WebSocketConnection c = client.connect(uri(), h).get(5, TimeUnit.SECONDS);
            c.sendText("bye");
            await("client closed", () -> clientEvents.contains("close 4002"));
            assertThat(clientEvents).containsExactly("text last words", "closing 4002 server done open=false",
                    "close 4002");
            await("server closed", () -> serverEvents.contains("close 4002"));
            // the server started it: it hears the client's answer as closing too
            assertThat(serverEvents).containsExactly("text bye", "closing 4002 server done", "close 4002");

            // the client closes: the server hears closing then close
            serverEvents.clear();
            WebSocketConnection c2 = client.connect(uri(), new WebSocketHandler() { }).get(5, TimeUnit.SECONDS);
            c2.sendText("one");
            c2.close(4003, "client done");
            await("server closed", () -> serverEvents.contains("close 4003"));
            assertThat(serverEvents).containsExactly("text one", "closing 4003 client done", "close 4003");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void beforeHandshakeSeesTheSocketAndAddsHeadersAndAResponseCheckMayRefuse() throws Exception {
        List<String> seenByServer = new CopyOnWriteArrayList<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .interceptor((request, response) -> {
                    seenByServer.add(request.header("X-Client-Port"));
                    response.header("X-Server-Mood", request.header("X-Want-Mood"));
                })
                .route("/r", new WebSocketHandler() { }).build().start();
        List<java.net.InetSocketAddress> locals = new CopyOnWriteArrayList<>();
        ConnectOptions options = ConnectOptions.builder()
                .beforeHandshake(connecting -> {
                    locals.add(connecting.localAddress());
                    assertThat(connecting.remoteAddress().getPort()).isEqualTo(server.port());
                    connecting.header("X-Client-Port", Integer.toString(connecting.localAddress().getPort()));
                    connecting.header("X-Want-Mood", connecting.uri().getQuery());
                })
                .responseCheck(response -> "grumpy".equals(response.header("X-Server-Mood"))
                        ? "The server is grumpy." : null)
                .build();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/r?happy"), options,
                new WebSocketHandler() { }).get(5, TimeUnit.SECONDS);
        assertThat(seenByServer).containsExactly(Integer.toString(c.localAddress().getPort()));
        assertThat(locals).containsExactly(c.localAddress());

        var refused = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/r?grumpy"), options,
                new WebSocketHandler() { });
        assertThatCause(refused).isInstanceOf(dev.seed.websocket.HandshakeFailedException.class)
                .hasMessageContaining("The server is grumpy.");
        // the refused connection is not kept: only the first one is open
        await("refused socket gone", () -> server.connections().size() == 1 || server.connections().isEmpty());
        assertThat(client.connections()).hasSize(1);

        var badHeader = client.connect(uri(), ConnectOptions.builder()
                .beforeHandshake(connecting -> connecting.header("X-Bad", "line\r\nbreak")).build(),
                new WebSocketHandler() { });
        assertThatCause(badHeader).hasMessageContaining("beforeHandshake failed");
    }

    @Test
    void closingTheClientWhileAHandleWaitsForItsNextAttemptEndsIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        WebSocketClient own = WebSocketClient.create();
        ReconnectPolicy slow = new ReconnectPolicy(Duration.ofSeconds(3), Duration.ofSeconds(3), 1.0, 0,
                ReconnectPolicy.DEFAULT_STOP_CODES);
        ReconnectingConnection handle = own.connectReconnecting(URI.create("ws://127.0.0.1:" + port + "/r"),
                ConnectOptions.builder().reconnect(slow).reconnectListener(recorder).build(), new WebSocketHandler() { });
        await("first attempt failed", () -> !events.isEmpty());
        var queued = handle.sendText("never");
        own.close();
        assertThat(handle.closed().get(2, TimeUnit.SECONDS).reason()).isEqualTo(Reason.CLIENT_CLOSED);
        assertThat(queued).isCompletedExceptionally();
        assertThat(handle.state()).isEqualTo(ReconnectingConnection.State.CLOSED);
    }
}
