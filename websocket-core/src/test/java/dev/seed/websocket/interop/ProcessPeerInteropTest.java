package dev.seed.websocket.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.it.RecordingHandler;
import dev.seed.websocket.it.TestTls;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row of the interoperability matrix for a peer in another process, both directions, with
 * and without permessage-deflate, plain and TLS. Each cell exchanges text and binary messages of
 * 0, 125, 126, 65535, 65536 and 1 MiB bytes, whole and fragmented, multi-byte text split inside
 * code points, a ping, and closes in both directions with a code and reason the other side
 * reports back.
 */
abstract class ProcessPeerInteropTest {

    static final int[] SIZES = {0, 125, 126, 65535, 65536, 1 << 20};
    static final String MULTIBYTE = "héllo wörld 😀 κόσμε";

    /** The peer's name in messages ("node", "python"). */
    abstract String name();

    /** Fails with what is missing and how bin/test installs it, unless the peer is installed. */
    abstract void requireInstalled() throws Exception;

    /** The command that runs the peer script in {@code mode} with the given arguments. */
    abstract List<String> command(String mode, boolean deflate, List<String> args);

    /** The environment the peer needs. */
    Map<String, String> environment() {
        return Map.of();
    }

    static Stream<Arguments> matrix() {
        return Stream.of(Arguments.of(false, false), Arguments.of(true, false),
                Arguments.of(false, true), Arguments.of(true, true));
    }

    private PeerProcess start(String mode, boolean deflate, List<String> args) throws Exception {
        requireInstalled();
        return PeerProcess.start(command(mode, deflate, args), environment());
    }

    @ParameterizedTest(name = "deflate={0} tls={1}")
    @MethodSource("matrix")
    void peerClientAgainstOurServer(boolean deflate, boolean tls) throws Exception {
        try (InteropEchoServer ours = new InteropEchoServer(deflate, tls)) {
            List<String> args = new ArrayList<>(List.of(ours.url(tls)));
            if (tls) {
                args.add(PemFiles.certificate().toString());
            }
            try (PeerProcess peer = start("client", deflate, args)) {
                Map<String, String> open = peer.await("open", 30);
                assertThat(open.get("extensions").contains("permessage-deflate")).as("extension agreed").isEqualTo(deflate);
                List<Map<String, String>> lines = peer.collectUntil("server-close", 60);
                List<Map<String, String>> echoes = lines.stream().filter(l -> "echo".equals(l.get("event"))).toList();
                assertThat(echoes).as("echoes").hasSize(SIZES.length * 4 + 1)
                        .allSatisfy(l -> assertThat(l.get("ok")).as(l.toString()).isEqualTo("true"));
                assertThat(line(lines, "pong").get("payload")).isEqualTo("ping-from-" + name());
                assertThat(ours.pings.poll(5, TimeUnit.SECONDS)).isEqualTo("ping-from-" + name());
                // The peer's close code and reason reach our server, and come back in its answer.
                Map<String, String> close = line(lines, "close");
                String expected = close.get("code") + " " + close.get("reason");
                assertThat(ours.nextClose()).isEqualTo(expected);
                assertThat(expected).startsWith("400").endsWith("bye from " + name());
                // Our server closes the second connection with its own code and reason.
                Map<String, String> serverClose = line(lines, "server-close");
                assertThat(serverClose.get("code") + " " + serverClose.get("reason")).isEqualTo("4003 bye from the server");
                assertThat(ours.nextClose()).isEqualTo("4003 bye from the server");
            }
        }
    }

    /**
     * Each compression mode against the peer's default offer: the agreement the mode asks for
     * (RFC 7692 section 7.1), and every echo of every size intact in both directions.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(dev.seed.websocket.CompressionMode.class)
    void peerClientInEachCompressionMode(dev.seed.websocket.CompressionMode mode) throws Exception {
        try (InteropEchoServer ours = new InteropEchoServer(true, false, mode)) {
            try (PeerProcess peer = start("client", true, List.of(ours.url(false)))) {
                String agreed = peer.await("open", 30).get("agreed");
                assertThat(agreed).as("the response's Sec-WebSocket-Extensions").contains("permessage-deflate");
                switch (mode) {
                    case SHARED -> assertThat(agreed).contains("server_no_context_takeover", "client_max_window_bits=9");
                    case WINDOWED -> assertThat(agreed).contains("server_max_window_bits=14", "client_max_window_bits=12");
                    case FULL -> assertThat(agreed).doesNotContain("no_context_takeover", "max_window_bits=");
                }
                List<Map<String, String>> lines = peer.collectUntil("server-close", 60);
                assertThat(lines.stream().filter(l -> "echo".equals(l.get("event"))).toList()).as("echoes")
                        .hasSize(SIZES.length * 4 + 1)
                        .allSatisfy(l -> assertThat(l.get("ok")).as(l.toString()).isEqualTo("true"));
            }
        }
    }

    private static Map<String, String> line(List<Map<String, String>> lines, String event) {
        return lines.stream().filter(l -> event.equals(l.get("event"))).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + event + "' in " + lines));
    }

    @ParameterizedTest(name = "deflate={0} tls={1}")
    @MethodSource("matrix")
    void ourClientAgainstPeerServer(boolean deflate, boolean tls) throws Exception {
        List<String> args = tls ? List.of(PemFiles.certificate().toString(), PemFiles.privateKey().toString()) : List.of();
        try (PeerProcess peer = start("server", deflate, args)) {
            int port = Integer.parseInt(peer.await("listening", 30).get("port"));
            URI uri = URI.create((tls ? "wss://localhost:" : "ws://127.0.0.1:") + port + "/echo");
            for (boolean fragmented : new boolean[] {false, true}) {
                try (WebSocketClient client = client(deflate, tls, fragmented ? 100 : 0)) {
                    RecordingHandler h = new RecordingHandler();
                    WebSocketConnection c = client.connect(uri, h).get(10, TimeUnit.SECONDS);
                    assertThat(c.extensions()).hasSize(deflate ? 1 : 0);
                    assertThat(peer.await("open", 10).get("extensions").contains("permessage-deflate")).isEqualTo(deflate);
                    for (int size : SIZES) {
                        String text = "abcdefghijklmnopqrstuvwxyz".repeat(size / 26 + 1).substring(0, size);
                        c.sendText(text).get(10, TimeUnit.SECONDS);
                        assertThat(h.nextText()).as("text %d fragmented=%s", size, fragmented).isEqualTo(text);
                        byte[] bytes = new byte[size];
                        for (int i = 0; i < size; i++) {
                            bytes[i] = (byte) (i * 31 + 7);
                        }
                        c.sendBinary(bytes).get(10, TimeUnit.SECONDS);
                        assertThat(h.nextBinary()).as("binary %d fragmented=%s", size, fragmented).isEqualTo(bytes);
                    }
                    c.sendText(MULTIBYTE).get(10, TimeUnit.SECONDS);
                    assertThat(h.nextText()).isEqualTo(MULTIBYTE);
                    c.ping(ByteBuffer.wrap("ping-from-java".getBytes(StandardCharsets.UTF_8)));
                    RecordingHandler.Event pong = h.next();
                    assertThat(pong.type()).isEqualTo("pong");
                    assertThat(new String(pong.bytes(), StandardCharsets.UTF_8)).isEqualTo("ping-from-java");
                    c.close(4004, "bye from java");
                    Map<String, String> seen = peer.await("close", 10);
                    assertThat(seen.get("code") + " " + seen.get("reason")).isEqualTo("4004 bye from java");
                    RecordingHandler.Event closed = h.awaitClose();
                    assertThat(closed.code() + " " + closed.text()).isEqualTo("4004 bye from java");
                    h.assertExhausted();
                }
            }
            try (WebSocketClient client = client(deflate, tls, 0)) {
                RecordingHandler h = new RecordingHandler();
                WebSocketConnection c = client.connect(uri, h).get(10, TimeUnit.SECONDS);
                c.sendText("close-me:4005:bye from " + name());
                RecordingHandler.Event closed = h.awaitClose();
                assertThat(closed.code() + " " + closed.text()).isEqualTo("4005 bye from " + name());
                Map<String, String> seen = peer.await("close", 10);
                assertThat(seen.get("code") + " " + seen.get("reason")).isEqualTo("4005 bye from " + name());
            }
        }
    }

    private static WebSocketClient client(boolean deflate, boolean tls, int fragmentSize) throws Exception {
        WebSocketClient.Builder b = WebSocketClient.builder().maxMessageSize(InteropEchoServer.MAX)
                .maxFrameSize(InteropEchoServer.MAX).outgoingFragmentSize(fragmentSize);
        if (deflate) {
            b.extensions("permessage-deflate");
        }
        if (tls) {
            b.sslContext(TestTls.clientContext());
        }
        return b.build();
    }
}
