package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketServer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interoperability with Netty 4.2's websocketx handlers, both directions, with and without
 * permessage-deflate, plain and over TLS.
 */
class NettyInteropTest {

    static final int[] SIZES = {0, 125, 126, 65535, 65536, 1 << 20};

    static Stream<Arguments> matrix() {
        return Stream.of(Arguments.of(false, false), Arguments.of(true, false),
                Arguments.of(false, true), Arguments.of(true, true));
    }

    /** The matrix, each cell once with whole messages and once with every message fragmented. */
    static Stream<Arguments> matrixWithFragments() {
        return matrix().flatMap(a -> Stream.of(Arguments.of(a.get()[0], a.get()[1], 0),
                Arguments.of(a.get()[0], a.get()[1], 1000)));
    }

    private static String text(Random r, int size) {
        StringBuilder sb = new StringBuilder(size);
        String alphabet = "abcdefghij {}\":,0123456789é";
        while (sb.length() < size) {
            char c = alphabet.charAt(r.nextInt(alphabet.length()));
            sb.append(c);
        }
        return sb.substring(0, size);
    }

    @ParameterizedTest(name = "deflate={0} tls={1} fragmentSize={2}")
    @MethodSource("matrixWithFragments")
    void ourClientAgainstNettyServer(boolean deflate, boolean tls, int fragmentSize) throws Exception {
        try (NettyPeers.Server netty = new NettyPeers.Server(deflate, tls)) {
            WebSocketClient.Builder b = WebSocketClient.builder().maxMessageSize(NettyPeers.MAX)
                    .outgoingFragmentSize(fragmentSize);
            if (deflate) {
                b.extensions("permessage-deflate");
            }
            if (tls) {
                b.sslContext(TestTls.clientContext());
            }
            try (WebSocketClient client = b.build()) {
                RecordingHandler h = new RecordingHandler();
                String scheme = tls ? "wss" : "ws";
                WebSocketConnection c = client.connect(URI.create(scheme + "://localhost:" + netty.port() + "/echo"), h)
                        .get(10, TimeUnit.SECONDS);
                assertThat(c.extensions()).hasSize(deflate ? 1 : 0);
                Random r = new Random(1);
                for (int size : SIZES) {
                    String t = text(r, size);
                    c.sendText(t).get(10, TimeUnit.SECONDS);
                    assertThat(h.nextText()).as("text %d", size).isEqualTo(t);
                    byte[] bytes = new byte[size];
                    r.nextBytes(bytes);
                    c.sendBinary(bytes).get(10, TimeUnit.SECONDS);
                    assertThat(h.nextBinary()).as("binary %d", size).isEqualTo(bytes);
                }
                c.ping(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8)));
                RecordingHandler.Event pong = h.next();
                assertThat(pong.type()).isEqualTo("pong");
                assertThat(new String(pong.bytes(), StandardCharsets.UTF_8)).isEqualTo("hi");
                c.close(4321, "done here");
                assertThat(netty.lastClose.get(10, TimeUnit.SECONDS)).isEqualTo("4321 done here");
                RecordingHandler.Event close = h.awaitClose();
                assertThat(close.code()).isEqualTo(4321);
                h.assertExhausted();
            }
        }
    }

    @ParameterizedTest(name = "deflate={0} tls={1}")
    @MethodSource("matrix")
    void nettyClientAgainstOurServer(boolean deflate, boolean tls) throws Exception {
        RecordingHandler closes = new RecordingHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                c.sendText(text);
            }

            @Override
            public void onBinary(WebSocketConnection c, ByteBuffer data) {
                c.sendBinary(data);
            }
        };
        WebSocketServer.Builder sb = WebSocketServer.builder().host("127.0.0.1").port(0)
                .maxMessageSize(NettyPeers.MAX).route("/echo", closes);
        if (deflate) {
            sb.extensions("permessage-deflate; client_max_window_bits");
        }
        if (tls) {
            sb.sslContext(TestTls.serverContext());
        }
        WebSocketServer server = sb.build().start();
        try (NettyPeers.Client netty = new NettyPeers.Client(
                URI.create((tls ? "wss" : "ws") + "://localhost:" + server.port() + "/echo"), deflate, tls)) {
            WebSocketConnection serverSide = closes.opened.get(5, TimeUnit.SECONDS);
            assertThat(serverSide.extensions()).hasSize(deflate ? 1 : 0);
            Random r = new Random(2);
            for (int size : SIZES) {
                String t = text(r, size);
                netty.sendText(t);
                assertThat(netty.next()).as("text %d", size).isEqualTo(t);
                byte[] bytes = new byte[size];
                r.nextBytes(bytes);
                netty.sendBinary(bytes);
                assertThat((byte[]) netty.next()).as("binary %d", size).isEqualTo(bytes);
            }
            netty.sendFragmentedText("frag", "men", "ted é");
            assertThat(netty.next()).isEqualTo("fragmented é");
            for (int size : SIZES) {
                if (size == 0) {
                    // Netty's deflate encoder cannot compress an empty fragment; 0 is sent whole above.
                    continue;
                }
                String t = text(r, size);
                netty.sendFragmentedText(t.substring(0, size / 3), t.substring(size / 3, 2 * size / 3),
                        t.substring(2 * size / 3));
                assertThat(netty.next()).as("fragmented text %d", size).isEqualTo(t);
                byte[] bytes = new byte[size];
                r.nextBytes(bytes);
                netty.sendFragmentedBinary(java.util.Arrays.copyOfRange(bytes, 0, size / 3),
                        java.util.Arrays.copyOfRange(bytes, size / 3, size));
                assertThat((byte[]) netty.next()).as("fragmented binary %d", size).isEqualTo(bytes);
            }
            netty.ping("ping!");
            assertThat(netty.next()).isEqualTo("pong:ping!");
            netty.sendClose(4000, "netty says bye");
            assertThat(netty.closed.get(10, TimeUnit.SECONDS)).isEqualTo("4000 netty says bye");
            RecordingHandler.Event close = closes.awaitClose();
            assertThat(close.code()).isEqualTo(4000);
            assertThat(close.text()).isEqualTo("netty says bye");
        } finally {
            server.shutdown(Duration.ofSeconds(2));
        }
    }
}
