package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.HandshakeFailedException;
import dev.seed.websocket.ReconnectPolicy;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Our client's features over real loopback sockets: redirects, proxies, reconnection, timeouts, headers. */
class ClientFeaturesTest {

    private WebSocketServer server;
    private WebSocketClient client = WebSocketClient.create();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        client.close();
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private void startEcho() {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/echo", new EchoHandler()).build().start();
    }

    /** A one-shot HTTP server on loopback that answers every request with {@code response}. */
    private int fixedHttpAnswer(String response) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeables.add(ss);
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try (Socket s = ss.accept()) {
                    readHead(s.getInputStream());
                    s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    s.shutdownOutput();
                    s.getInputStream().read();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return ss.getLocalPort();
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in request head");
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    @Test
    void redirectsAreFollowedWhenAskedAndReportedOtherwise() throws Exception {
        startEcho();
        int redirector = fixedHttpAnswer("HTTP/1.1 302 Found\r\nLocation: ws://127.0.0.1:" + server.port()
                + "/echo\r\nContent-Length: 0\r\n\r\n");
        URI uri = URI.create("ws://127.0.0.1:" + redirector + "/old");
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(uri, ConnectOptions.builder().followRedirects(2).build(), h)
                .get(5, TimeUnit.SECONDS);
        c.sendText("after redirect");
        assertThat(h.nextText()).isEqualTo("after redirect");

        assertThatThrownBy(() -> client.connect(uri, new RecordingHandler()).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(HandshakeFailedException.class)
                .satisfies(e -> {
                    HandshakeFailedException f = (HandshakeFailedException) e;
                    assertThat(f.status()).isEqualTo(302);
                    assertThat(f.headers().get("location")).containsExactly(
                            "ws://127.0.0.1:" + server.port() + "/echo");
                });
    }

    /**
     * An HTTP server on loopback (TLS when {@code tls} is given) that records each request head and
     * answers it with {@code answer.apply(head)}.
     */
    private int recordingHttpServer(javax.net.ssl.SSLContext tls, List<String> heads,
            java.util.function.Function<String, String> answer) throws IOException {
        ServerSocket ss = tls == null ? new ServerSocket(0, 50, InetAddress.getLoopbackAddress())
                : tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeables.add(ss);
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try (Socket s = ss.accept()) {
                    String head = readHead(s.getInputStream());
                    heads.add(head);
                    s.getOutputStream().write(answer.apply(head).getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    if (ss.isClosed()) {
                        return;
                    }
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return ss.getLocalPort();
    }

    private static String redirectTo(String location) {
        return "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n";
    }

    private static final String FORBIDDEN = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";

    private static ConnectOptions withCredentials() {
        return ConnectOptions.builder().followRedirects(2).header("Authorization", "Bearer secret")
                .header("X-Trace", "t-1").cookie("session", "s1").build();
    }

    private static boolean hasHeader(String head, String name) {
        return head.toLowerCase(java.util.Locale.ROOT).contains("\r\n" + name.toLowerCase(java.util.Locale.ROOT) + ":");
    }

    @Test
    void aSameOriginRedirectKeepsTheCredentials() throws Exception {
        List<String> heads = new CopyOnWriteArrayList<>();
        int port = recordingHttpServer(null, heads, head -> head.startsWith("GET /old ") ? redirectTo("/new") : FORBIDDEN);
        assertThatThrownBy(() -> client.connect(URI.create("ws://127.0.0.1:" + port + "/old"), withCredentials(),
                new RecordingHandler()).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(HandshakeFailedException.class)
                .satisfies(e -> assertThat(((HandshakeFailedException) e).status()).isEqualTo(403));
        assertThat(heads).hasSize(2);
        assertThat(heads.get(1)).startsWith("GET /new ");
        assertThat(heads.get(1)).contains("Authorization: Bearer secret", "Cookie: session=s1", "X-Trace: t-1");
    }

    @Test
    void aRedirectToAnotherOriginDropsTheCredentials() throws Exception {
        List<String> other = new CopyOnWriteArrayList<>();
        int otherPort = recordingHttpServer(null, other, head -> FORBIDDEN);
        List<String> heads = new CopyOnWriteArrayList<>();
        int port = recordingHttpServer(null, heads, head -> redirectTo("ws://127.0.0.1:" + otherPort + "/new"));
        assertThatThrownBy(() -> client.connect(URI.create("ws://127.0.0.1:" + port + "/old"), withCredentials(),
                new RecordingHandler()).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(HandshakeFailedException.class);
        assertThat(heads.get(0)).contains("Authorization: Bearer secret", "Cookie: session=s1");
        assertThat(other).hasSize(1);
        assertThat(other.get(0)).startsWith("GET /new ").contains("X-Trace: t-1");
        assertThat(hasHeader(other.get(0), "Authorization")).as("Authorization sent to another origin").isFalse();
        assertThat(hasHeader(other.get(0), "Cookie")).as("Cookie sent to another origin").isFalse();
    }

    @Test
    void aRedirectFromWssToWsIsRefusedUnlessAllowed() throws Exception {
        List<String> plain = new CopyOnWriteArrayList<>();
        int plainPort = recordingHttpServer(null, plain, head -> FORBIDDEN);
        List<String> heads = new CopyOnWriteArrayList<>();
        int tlsPort = recordingHttpServer(TestTls.serverContext(), heads,
                head -> redirectTo("ws://127.0.0.1:" + plainPort + "/plain"));
        client.close();
        client = WebSocketClient.builder().sslContext(TestTls.clientContext()).build();
        URI uri = URI.create("wss://127.0.0.1:" + tlsPort + "/secure");
        assertThatThrownBy(() -> client.connect(uri, withCredentials(), new RecordingHandler()).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(HandshakeFailedException.class)
                .hasMessage("Refused to follow a redirect from wss to ws (ws://127.0.0.1:" + plainPort
                        + "/plain); allowInsecureRedirects(true) allows it.");
        Thread.sleep(100);
        assertThat(plain).as("requests sent in clear text").isEmpty();

        ConnectOptions allowed = withCredentials().toBuilder().allowInsecureRedirects(true).build();
        assertThatThrownBy(() -> client.connect(uri, allowed, new RecordingHandler()).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(HandshakeFailedException.class)
                .satisfies(e -> assertThat(((HandshakeFailedException) e).status()).isEqualTo(403));
        assertThat(plain).hasSize(1);
        assertThat(hasHeader(plain.get(0), "Authorization")).isFalse();
    }

    @Test
    void refusalCarriesTheServersStatusHeadersAndBody() throws Exception {
        int port = fixedHttpAnswer("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\nlog in first.");
        assertThatThrownBy(() -> client.connect(URI.create("ws://127.0.0.1:" + port + "/"), new RecordingHandler())
                .get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(HandshakeFailedException.class)
                .satisfies(e -> {
                    HandshakeFailedException f = (HandshakeFailedException) e;
                    assertThat(f.status()).isEqualTo(401);
                    assertThat(f.getMessage()).isEqualTo("Server refused the handshake with status 401.");
                    assertThat(f.headers().get("www-authenticate")).containsExactly("Bearer");
                    assertThat(f.body()).isEqualTo("log in first.");
                });
    }

    @Test
    void aServerThatNeverAnswersFailsAtTheHandshakeTimeout() throws Exception {
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeables.add(silent);
        client.close();
        client = WebSocketClient.builder().handshakeTimeout(Duration.ofMillis(300)).build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.connect(URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/"),
                new RecordingHandler()).get(10, TimeUnit.SECONDS))
                .cause().hasMessageContaining("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
    }

    @Test
    void connectionRefusedFailsTheFutureWithTheAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> client.connect(URI.create("ws://127.0.0.1:" + port + "/"), new RecordingHandler())
                .get(10, TimeUnit.SECONDS))
                .cause().hasMessageContaining("127.0.0.1");
    }

    @Test
    void invalidUrisAreRefusedAtOnce() {
        assertThatThrownBy(() -> client.connect(URI.create("http://127.0.0.1/"), new RecordingHandler()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.connect(URI.create("ws://127.0.0.1/#frag"), new RecordingHandler()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headersCookiesOriginAndSubprotocolReachTheServer() throws Exception {
        RecordingHandler serverSide = new RecordingHandler();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/chat", serverSide, List.of("chat.v2", "chat.v1")).build().start();
        ConnectOptions options = ConnectOptions.builder().header("X-Trace", "abc").cookie("session", "s1")
                .origin("http://127.0.0.1:8080").subprotocols("chat.v1", "chat.v2").build();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/chat"), options,
                new RecordingHandler()).get(5, TimeUnit.SECONDS);
        WebSocketConnection s = serverSide.opened.get(5, TimeUnit.SECONDS);
        // the server's preference (its route lists chat.v2 first), not the client's order
        assertThat(c.subprotocol()).isEqualTo("chat.v2");
        assertThat(s.subprotocol()).isEqualTo("chat.v2");
        assertThat(s.request().header("x-trace")).isEqualTo("abc");
        assertThat(s.request().cookies()).containsEntry("session", "s1");
        assertThat(s.request().origin()).isEqualTo("http://127.0.0.1:8080");
        assertThat(s.request().subprotocols()).containsExactly("chat.v1", "chat.v2");
        assertThat(s.remoteAddress()).isEqualTo(c.localAddress());
    }

    private static final ReconnectPolicy FAST_RECONNECT = new ReconnectPolicy(Duration.ofMillis(20),
            Duration.ofMillis(200), 2.0, 5, ReconnectPolicy.DEFAULT_STOP_CODES);

    /** The application's side of a reconnecting client: its opens and closes, in order. */
    private static final class ReconnectingPeer implements WebSocketHandler {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<WebSocketConnection> connections = new CopyOnWriteArrayList<>();

        @Override
        public void onOpen(WebSocketConnection c) {
            connections.add(c);
            events.add("open");
        }

        @Override
        public void onClose(WebSocketConnection c, int code, String reason) {
            events.add("close " + code);
        }

        /** The {@code n}th connection (1-based), once it opened (10 s at most). */
        WebSocketConnection awaitOpen(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (connections.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(connections).as("connections opened").hasSizeGreaterThanOrEqualTo(n);
            return connections.get(n - 1);
        }

        void awaitEvents(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (events.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(events).hasSizeGreaterThanOrEqualTo(n);
        }
    }

    @Test
    void reconnectsAfterAnAbnormalCloseButNotAfterAPolicyClose() throws Exception {
        AtomicInteger serverOpens = new AtomicInteger();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/flaky", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        serverOpens.incrementAndGet();
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        switch (text) {
                            case "drop" -> c.abort();
                            case "policy" -> c.close(1008, "go away");
                            default -> c.sendText(text);
                        }
                    }
                })
                .build().start();
        ReconnectingPeer peer = new ReconnectingPeer();
        client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/flaky"),
                ConnectOptions.builder().reconnect(FAST_RECONNECT).build(), peer).get(5, TimeUnit.SECONDS);
        peer.awaitOpen(1).sendText("drop");
        peer.awaitOpen(2).sendText("policy");
        peer.awaitEvents(4);
        Thread.sleep(500); // many times the retry delay
        assertThat(peer.events).containsExactly("open", "close 1006", "open", "close 1008");
        assertThat(serverOpens.get()).isEqualTo(2);
    }

    /** The rule the browser client (websocket-client.js) follows too: 1001 is retried, 1000 is final. */
    @Test
    void reconnectsAfterTheServerGoesAwayButNotAfterItsNormalClose() throws Exception {
        AtomicInteger serverOpens = new AtomicInteger();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/session", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        serverOpens.incrementAndGet();
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        c.close(text.equals("restart") ? 1001 : 1000, text);
                    }
                })
                .build().start();
        ReconnectingPeer peer = new ReconnectingPeer();
        client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/session"),
                ConnectOptions.builder().reconnect(FAST_RECONNECT).build(), peer).get(5, TimeUnit.SECONDS);
        peer.awaitOpen(1).sendText("restart");
        peer.awaitOpen(2).sendText("done");
        peer.awaitEvents(4);
        Thread.sleep(500); // many times the retry delay
        assertThat(peer.events).containsExactly("open", "close 1001", "open", "close 1000");
        assertThat(serverOpens.get()).isEqualTo(2);
    }

    /** A reconnection refused with 403 is the last; one refused with 503 is retried up to maxAttempts. */
    @ParameterizedTest
    @CsvSource({"403, 2", "404, 2", "503, 6", "429, 6"})
    void aReconnectionRefusedWith4xxIsTheLast(int refusal, int expectedHandshakes) throws Exception {
        AtomicInteger handshakes = new AtomicInteger();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .interceptor((request, response) -> {
                    if (handshakes.incrementAndGet() > 1) {
                        response.reject(refusal, "not now");
                    }
                })
                .route("/session", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        c.close(1001, "restart");
                    }
                })
                .build().start();
        ReconnectingPeer peer = new ReconnectingPeer();
        client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/session"),
                ConnectOptions.builder().reconnect(FAST_RECONNECT).build(), peer).get(5, TimeUnit.SECONDS);
        peer.awaitOpen(1).sendText("restart");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (handshakes.get() < expectedHandshakes && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(FAST_RECONNECT.maxDelay().toMillis() * 3); // room for one more attempt, if one came
        assertThat(handshakes.get()).isEqualTo(expectedHandshakes);
        assertThat(peer.events).containsExactly("open", "close 1001");
    }

    @Test
    void tunnelsThroughAnHttpConnectProxyWithBasicCredentials() throws Exception {
        startEcho();
        ConnectProxy proxy = new ConnectProxy("user", "pass");
        closeables.add(proxy);
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"),
                ConnectOptions.builder().proxy(proxy.address(), "user", "pass").build(), h).get(5, TimeUnit.SECONDS);
        c.sendText("through the tunnel");
        assertThat(h.nextText()).isEqualTo("through the tunnel");
        assertThat(proxy.tunnels.get()).isEqualTo(1);

        assertThatThrownBy(() -> client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"),
                ConnectOptions.builder().proxy(proxy.address(), "user", "wrong").build(), new RecordingHandler())
                .get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(HandshakeFailedException.class)
                .satisfies(e -> assertThat(((HandshakeFailedException) e).status()).isEqualTo(407));
    }

    @Test
    void wssThroughAProxyVerifiesTheServerCertificate() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).sslContext(TestTls.serverContext())
                .route("/echo", new EchoHandler()).build().start();
        ConnectProxy proxy = new ConnectProxy(null, null);
        closeables.add(proxy);
        client.close();
        client = WebSocketClient.builder().sslContext(TestTls.clientContext()).build();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(URI.create("wss://localhost:" + server.port() + "/echo"),
                ConnectOptions.builder().proxy(proxy.address()).build(), h).get(10, TimeUnit.SECONDS);
        assertThat(c.isSecure()).isTrue();
        c.sendText("secret");
        assertThat(h.nextText()).isEqualTo("secret");
    }

    @Test
    void wssToAServerWhoseCertificateIsNotTrustedFails() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).sslContext(TestTls.serverContext())
                .route("/echo", new EchoHandler()).build().start();
        assertThatThrownBy(() -> client.connect(URI.create("wss://localhost:" + server.port() + "/echo"),
                new RecordingHandler()).get(10, TimeUnit.SECONDS))
                .cause().hasMessageContaining("TLS");
    }

    /** A minimal HTTP CONNECT proxy on loopback, with optional basic credentials. */
    static final class ConnectProxy implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger tunnels = new AtomicInteger();
        private final Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

        ConnectProxy(String user, String password) throws IOException {
            String expected = user == null ? null
                    : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        open.add(s);
                        Thread h = new Thread(() -> handle(s, expected));
                        h.setDaemon(true);
                        h.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
        }

        private void handle(Socket s, String expected) {
            try {
                String head = readHead(s.getInputStream());
                String[] first = head.split("\r\n")[0].split(" ");
                if (expected != null && !head.contains("Proxy-Authorization: " + expected + "\r\n")) {
                    s.getOutputStream().write(("HTTP/1.1 407 Proxy Authentication Required\r\n"
                            + "Proxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    s.close();
                    return;
                }
                String[] hostPort = first[1].split(":");
                if (!first[0].equals("CONNECT") || !hostPort[0].matches("127\\.0\\.0\\.1|localhost")) {
                    s.getOutputStream().write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    s.close();
                    return;
                }
                Socket upstream = new Socket("127.0.0.1", Integer.parseInt(hostPort[1]));
                open.add(upstream);
                tunnels.incrementAndGet();
                s.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                Thread pump = new Thread(() -> pipe(upstream, s));
                pump.setDaemon(true);
                pump.start();
                pipe(s, upstream);
            } catch (IOException e) {
                // the tunnel ends
            }
        }

        private static void pipe(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                // one side went away
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
