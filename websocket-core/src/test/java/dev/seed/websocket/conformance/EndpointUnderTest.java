package dev.seed.websocket.conformance;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Our server or our client, set up as a conformance suite expects of the endpoint under test: it
 * echoes every text and binary message and reports how each connection closed.
 */
abstract class EndpointUnderTest implements AutoCloseable {

    /** How an endpoint's handler saw a connection end. */
    record CloseReport(int code, String reason) {
    }

    /** One connection of a case: the peer, and the endpoint's view of the same connection. */
    interface Session {
        WirePeer peer();

        /** Requires the endpoint's report of this connection's close within {@code millis}. */
        CloseReport awaitReport(long millis) throws Exception;
    }

    /** "server" or "client". */
    abstract String side();

    /** Opens a connection for a case, with the case's extension offer or answer. */
    abstract Session open(ConformanceCase cc) throws Exception;

    /** Echoes messages; reports the close through {@code closed}. */
    static class EchoHandler implements WebSocketHandler {
        final CompletableFuture<CloseReport> closed = new CompletableFuture<>();

        @Override
        public void onText(WebSocketConnection c, String text) {
            c.sendText(text);
        }

        @Override
        public void onBinary(WebSocketConnection c, ByteBuffer data) {
            c.sendBinary(data);
        }

        @Override
        public void onClose(WebSocketConnection c, int code, String reason) {
            closed.complete(new CloseReport(code, reason));
        }
    }

    /**
     * Our WebSocketServer with an echo route, permessage-deflate enabled, on its own loopback
     * port. A subclass may serve the same server elsewhere (on a servlet container's port): it
     * decides how the server listens and overrides {@link #port()}.
     */
    static class Server extends EndpointUnderTest {
        final WebSocketServer server;
        /** Close reports by the peer's port. */
        private final Map<Integer, CompletableFuture<CloseReport>> reports = new ConcurrentHashMap<>();

        Server() {
            this(b -> b.host("127.0.0.1").port(0));
        }

        /** The same server, listening as {@code listening} sets it up (for instance {@code listen(false)}). */
        Server(UnaryOperator<WebSocketServer.Builder> listening) {
            server = listening.apply(WebSocketServer.builder())
                    .extensions("permessage-deflate; client_max_window_bits")
                    .compressionThreshold(0)
                    .route("/echo", new WebSocketHandler() {
                        @Override
                        public void onOpen(WebSocketConnection c) {
                            c.attributes().put("port", c.remoteAddress().getPort());
                        }

                        @Override
                        public void onText(WebSocketConnection c, String text) {
                            c.sendText(text);
                        }

                        @Override
                        public void onBinary(WebSocketConnection c, ByteBuffer data) {
                            c.sendBinary(data);
                        }

                        @Override
                        public void onClose(WebSocketConnection c, int code, String reason) {
                            report((Integer) c.attributes().get("port")).complete(new CloseReport(code, reason));
                        }
                    })
                    .build().start();
        }

        private CompletableFuture<CloseReport> report(int port) {
            return reports.computeIfAbsent(port, p -> new CompletableFuture<>());
        }

        /** The loopback port the wire peer connects to: the server's own. */
        int port() {
            return server.port();
        }

        @Override
        String side() {
            return "server";
        }

        @Override
        Session open(ConformanceCase cc) throws IOException {
            WirePeer peer = WirePeer.connect(port(), "/echo", cc.offer());
            int port = peer.localPort();
            return new Session() {
                @Override
                public WirePeer peer() {
                    return peer;
                }

                @Override
                public CloseReport awaitReport(long millis) throws Exception {
                    try {
                        return report(port).get(millis, TimeUnit.MILLISECONDS);
                    } finally {
                        reports.remove(port);
                    }
                }
            };
        }

        @Override
        public void close() {
            server.shutdown(Duration.ofSeconds(1));
        }
    }

    /**
     * Our WebSocketClient, connecting to the wire peer's listening socket. It offers
     * permessage-deflate twice, as a client that wants every server to find an offer it accepts:
     * first with {@code client_max_window_bits}, then also promising no context takeover.
     */
    static final class Client extends EndpointUnderTest {
        final WebSocketClient client;
        final ServerSocket listener;

        Client() throws IOException {
            client = WebSocketClient.builder()
                    .extensions("permessage-deflate; client_max_window_bits",
                            "permessage-deflate; client_no_context_takeover; client_max_window_bits")
                    .compressionThreshold(0)
                    .build();
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        }

        @Override
        String side() {
            return "client";
        }

        @Override
        Session open(ConformanceCase cc) throws Exception {
            EchoHandler handler = new EchoHandler();
            URI uri = URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/case/" + cc.id());
            CompletableFuture<WebSocketConnection> connecting = client.connect(uri, handler);
            WirePeer peer = WirePeer.accept(listener, cc.respond());
            WebSocketConnection c = connecting.get(5, TimeUnit.SECONDS);
            if (c.extensions().isEmpty() != (peer.agreedExtension == null)) {
                peer.close();
                throw new AssertionError("client and peer disagree on extensions: " + c.extensions()
                        + " vs " + peer.agreedExtension);
            }
            return new Session() {
                @Override
                public WirePeer peer() {
                    return peer;
                }

                @Override
                public CloseReport awaitReport(long millis) throws Exception {
                    return handler.closed.get(millis, TimeUnit.MILLISECONDS);
                }
            };
        }

        @Override
        public void close() throws IOException {
            client.close(Duration.ofSeconds(1));
            listener.close();
        }
    }
}
