package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.HostResolver;
import dev.seed.websocket.ReconnectPolicy;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketException;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Host names are looked up off the client's event loops: while a redirect or a reconnection waits
 * 1.5 s for a slow resolver, another connection on the same (only) loop keeps getting its echoes.
 */
class ClientResolverTest {

    private static final long SLOW_MILLIS = 1500;

    private WebSocketServer server;
    private WebSocketClient client;
    private ServerSocket redirector;
    /** Threads the resolver ran on. */
    private final List<String> resolverThreads = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        if (server != null) {
            server.shutdown(Duration.ofSeconds(1));
        }
        if (redirector != null) {
            redirector.close();
        }
    }

    /** Knows one name, slow.test (127.0.0.1), and answers it only after SLOW_MILLIS. */
    private HostResolver slowResolver() {
        return host -> {
            resolverThreads.add(Thread.currentThread().getName());
            if (!host.equals("slow.test")) {
                throw new UnknownHostException(host);
            }
            try {
                Thread.sleep(SLOW_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        };
    }

    private void startServer(WebSocketHandler handler) {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/echo", handler).build().start();
        client = WebSocketClient.builder().eventLoops(1).resolver(slowResolver()).build();
    }

    /** Echo round trips on {@code c} for as long as a lookup is slow; returns the slowest, in ms. */
    private static long slowestEchoWhile(WebSocketConnection c, RecordingHandler h, CompletableFuture<?> until)
            throws Exception {
        long slowest = 0;
        int i = 0;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SLOW_MILLIS - 300);
        while (!until.isDone() && System.nanoTime() < deadline) {
            long start = System.nanoTime();
            c.sendText("ping " + i);
            assertThat(h.nextText()).isEqualTo("ping " + i);
            slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
            i++;
            Thread.sleep(20);
        }
        assertThat(i).as("echoes while the lookup was slow").isGreaterThan(5);
        return slowest;
    }

    @Test
    void aRedirectToASlowNameStallsNoOtherConnection() throws Exception {
        startServer(new EchoHandler());
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection open = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), h)
                .get(5, TimeUnit.SECONDS);
        redirector = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        String answer = "HTTP/1.1 302 Found\r\nLocation: ws://slow.test:" + server.port()
                + "/echo\r\nContent-Length: 0\r\n\r\n";
        Thread t = new Thread(() -> {
            try (Socket s = redirector.accept()) {
                readHead(s.getInputStream());
                s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                s.getInputStream().read();
            } catch (IOException ignored) {
                // closed by the test
            }
        });
        t.setDaemon(true);
        t.start();

        CompletableFuture<WebSocketConnection> redirected = client.connect(
                URI.create("ws://127.0.0.1:" + redirector.getLocalPort() + "/old"),
                ConnectOptions.builder().followRedirects(1).build(), new RecordingHandler());
        long slowest = slowestEchoWhile(open, h, redirected);
        assertThat(slowest).as("slowest echo, ms, while the redirect's lookup waited").isLessThan(300);
        assertThat(redirected.get(5, TimeUnit.SECONDS).isOpen()).isTrue();
        assertThat(resolverThreads).containsOnly("websocket-client-resolver-1");
    }

    @Test
    void aReconnectionToASlowNameStallsNoOtherConnection() throws Exception {
        AtomicInteger opens = new AtomicInteger();
        startServer(new WebSocketHandler() {
            @Override
            public void onOpen(WebSocketConnection c) {
                opens.incrementAndGet();
            }

            @Override
            public void onText(WebSocketConnection c, String text) {
                if (text.equals("restart")) {
                    c.close(1001, "restart");
                } else {
                    c.sendText(text);
                }
            }
        });
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection open = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), h)
                .get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> reopened = new CompletableFuture<>();
        ReconnectPolicy fast = new ReconnectPolicy(Duration.ofMillis(10), Duration.ofMillis(10), 1.0, 3,
                ReconnectPolicy.DEFAULT_STOP_CODES);
        List<WebSocketConnection> reconnecting = new CopyOnWriteArrayList<>();
        client.connect(URI.create("ws://slow.test:" + server.port() + "/echo"),
                ConnectOptions.builder().reconnect(fast).build(), new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        reconnecting.add(c);
                        if (reconnecting.size() == 2) {
                            reopened.complete(null);
                        }
                    }
                }).get(5, TimeUnit.SECONDS);
        reconnecting.get(0).sendText("restart");
        long slowest = slowestEchoWhile(open, h, reopened);
        assertThat(slowest).as("slowest echo, ms, while the reconnection's lookup waited").isLessThan(300);
        reopened.get(5, TimeUnit.SECONDS);
        assertThat(opens.get()).isEqualTo(3);
        assertThat(resolverThreads).hasSize(2).allMatch(name -> name.startsWith("websocket-client-resolver-"));
    }

    @Test
    void anUnknownNameFailsTheConnectNamingIt() throws Exception {
        startServer(new EchoHandler());
        assertThatThrownBy(() -> client.connect(URI.create("ws://nowhere.test:" + server.port() + "/echo"),
                new RecordingHandler()).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(WebSocketException.class)
                .hasMessage("Cannot resolve host nowhere.test.");
    }

    @Test
    void closingTheClientFailsTheConnectsWhoseLookupsWait() throws Exception {
        startServer(new EchoHandler());
        List<CompletableFuture<WebSocketConnection>> connects = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) { // more than the four resolver threads: some wait in line
            connects.add(client.connect(URI.create("ws://slow.test:" + server.port() + "/echo"), new RecordingHandler()));
        }
        client.close(Duration.ofMillis(100));
        for (CompletableFuture<WebSocketConnection> f : connects) {
            assertThatThrownBy(() -> f.get(SLOW_MILLIS * 3, TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WebSocketException.class).hasMessage("Client is closed.");
        }
    }

    @Test
    void aLookupThatNeverAnswersFailsAtTheConnectTimeoutAndAResolverErrorFailsTheConnect() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/echo", new EchoHandler()).build().start();
        client = WebSocketClient.builder().connectTimeout(Duration.ofMillis(300)).resolver(host -> {
            resolverThreads.add(host);
            if (host.equals("broken.test")) {
                throw new AssertionError("resolver bug");
            }
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host);
        }).build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.connect(URI.create("ws://never.test:" + server.port() + "/echo"),
                new RecordingHandler()).get(3, TimeUnit.SECONDS))
                .cause().isInstanceOf(WebSocketException.class).hasMessage("Looking up host never.test timed out.");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
        assertThatThrownBy(() -> client.connect(URI.create("ws://broken.test:" + server.port() + "/echo"),
                new RecordingHandler()).get(3, TimeUnit.SECONDS))
                .cause().isInstanceOf(WebSocketException.class).hasMessage("Cannot resolve host broken.test.");
        // a proxy "999.1.1.1" is not an IPv4 address: a name for the resolver, not a lookup on the calling thread
        ConnectOptions badProxy = ConnectOptions.builder()
                .proxy(java.net.InetSocketAddress.createUnresolved("999.1.1.1", server.port())).build();
        assertThatThrownBy(() -> client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), badProxy,
                new RecordingHandler()).get(3, TimeUnit.SECONDS))
                .cause().isInstanceOf(WebSocketException.class);
        assertThat(resolverThreads).contains("999.1.1.1");
    }

    private static void readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in request head");
            }
            sb.append((char) b);
        }
    }
}
