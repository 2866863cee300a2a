package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.RawPeer;
import dev.seed.websocket.it.TestTls;
import dev.seed.websocket.transport.EventLoop;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS 1.2 and TLS 1.3 peers ending a connection in every order a peer can choose: Close and
 * close_notify in one segment, close_notify without Close, a reset in the TLS handshake, in the
 * WebSocket upgrade and in a message, and a peer that stops reading while the server closes. After
 * each, the server's only event loop must be idle (it barely turns and burns no CPU) and must
 * serve a new client. With TLS 1.2 the peer's close_notify also closes the server's outbound side
 * (RFC 5246 section 7.2.1): the Close echo can never be sent, and the loop must not keep trying.
 */
class TlsCloseTest {

    /** How long the idle check watches the loop. */
    private static final int IDLE_WINDOW_MS = 600;

    private WebSocketServer server;
    /** Close codes the server's handler saw, in order. */
    private final BlockingQueue<Integer> serverCloses = new LinkedBlockingQueue<>();
    /** Texts the server's handler received, in order. */
    private final BlockingQueue<String> serverTexts = new LinkedBlockingQueue<>();
    /** The close causes of the server's connections, in order. */
    private final BlockingQueue<dev.seed.websocket.CloseCause> closeCauses = new LinkedBlockingQueue<>();
    /** The server's only loop and its thread, taken from the first connection's onOpen. */
    private final CompletableFuture<EventLoop> loop = new CompletableFuture<>();
    private volatile Thread loopThread;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    private void start() throws Exception {
        start(Duration.ofSeconds(1), 0);
    }

    /** {@code sendBuffer}: the SO_SNDBUF of each accepted socket, 0 for the system's. */
    private void start(Duration closeTimeout, int sendBuffer) throws Exception {
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public void onOpen(WebSocketConnection c) {
                loopThread = Thread.currentThread();
                loop.complete(EventLoop.current());
            }

            @Override
            public void onText(WebSocketConnection c, String text) {
                serverTexts.add(text);
                if (text.equals("pause, send, resume later")) {
                    c.pauseReading();
                    c.sendText("paused");
                    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(c::resumeReading);
                } else if (text.equals("flood then close")) {
                    // more than the socket buffers hold: the peer does not read any of it
                    for (int i = 0; i < 64; i++) {
                        c.sendBinary(new byte[256 * 1024]);
                    }
                    c.close(CloseCodes.WS_OK, "bye");
                } else if (text.equals("flood")) {
                    for (int i = 0; i < 64; i++) {
                        c.sendBinary(new byte[256 * 1024]);
                    }
                } else {
                    c.sendText(text);
                }
            }

            @Override
            public void onClose(WebSocketConnection c, int code, String reason) {
                serverCloses.add(code);
                closeCauses.add(c.closeCause());
            }
        };
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .sslContext(TestTls.serverContext())
                .acceptSocket(channel -> {
                    try {
                        if (sendBuffer > 0) {
                            channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, sendBuffer);
                        }
                        return true;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                })
                .closeTimeout(closeTimeout).handshakeTimeout(Duration.ofSeconds(3))
                .backpressureLimit(64L * 1024 * 1024)
                .route("/echo", handler).build().start();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void closeAndCloseNotifyInOneSegment(String protocol) throws Exception {
        start();
        try (TlsWirePeer peer = new TlsWirePeer(server.port(), protocol)) {
            assertThat(peer.open("/echo")).isEqualTo("HTTP/1.1 101 Switching Protocols");
            peer.sendTogether(peer.closeFrame(CloseCodes.WS_OK), peer.closeNotify());
            if (protocol.equals("TLSv1.3")) {
                // TLS 1.3 closes one direction at a time: the echo still comes back
                RawPeer.Frame echo = peer.readFrame();
                assertThat(echo).isNotNull();
                assertThat(echo.opcode()).isEqualTo(0x8);
                assertThat(echo.closeCode()).isEqualTo(CloseCodes.WS_OK);
            }
            assertThat(peer.endedWithin(3000)).as("server ends the TCP connection").isTrue();
        }
        assertThat(serverCloses.poll(3, TimeUnit.SECONDS)).isEqualTo(CloseCodes.WS_OK);
        assertLoopIdleAndServing(protocol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void closeNotifyWithoutClose(String protocol) throws Exception {
        start();
        try (TlsWirePeer peer = new TlsWirePeer(server.port(), protocol)) {
            peer.open("/echo");
            peer.sendTogether(peer.closeNotify());
            assertThat(peer.endedWithin(3000)).as("server ends the TCP connection").isTrue();
        }
        assertThat(serverCloses.poll(3, TimeUnit.SECONDS)).isEqualTo(CloseCodes.WS_CLOSED_ABNORMALLY);
        assertLoopIdleAndServing(protocol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void closeNotifyThenCloseFrameAfterIt(String protocol) throws Exception {
        start();
        try (TlsWirePeer peer = new TlsWirePeer(server.port(), protocol)) {
            peer.open("/echo");
            // close_notify first, then a (now meaningless) record: nothing may come after the alert
            byte[] notify = peer.closeNotify();
            peer.sendTogether(notify, new byte[] {0x17, 0x03, 0x03, 0x00, 0x02, 0x01, 0x02});
            assertThat(peer.endedWithin(3000)).as("server ends the TCP connection").isTrue();
        }
        assertThat(serverCloses.poll(3, TimeUnit.SECONDS)).isEqualTo(CloseCodes.WS_CLOSED_ABNORMALLY);
        assertLoopIdleAndServing(protocol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void resetInTheTlsHandshake(String protocol) throws Exception {
        start();
        warmUp(protocol);
        TlsWirePeer peer = new TlsWirePeer(server.port(), protocol);
        peer.sendClientHello();
        Thread.sleep(100); // the server is answering it
        peer.reset();
        assertLoopIdleAndServing(protocol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void resetInTheUpgradeRequest(String protocol) throws Exception {
        start();
        warmUp(protocol);
        TlsWirePeer peer = new TlsWirePeer(server.port(), protocol);
        peer.handshakeTls();
        peer.sendTogether(peer.record("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgr".getBytes(StandardCharsets.ISO_8859_1)));
        Thread.sleep(100);
        peer.reset();
        assertLoopIdleAndServing(protocol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void resetInAMessage(String protocol) throws Exception {
        start();
        TlsWirePeer peer = new TlsWirePeer(server.port(), protocol);
        peer.open("/echo");
        byte[] frame = RawPeer.frame(0x82, new byte[1000], true, 1000, 0x0102_0304);
        byte[] firstHalf = java.util.Arrays.copyOf(frame, 400);
        peer.sendTogether(peer.record(firstHalf));
        Thread.sleep(100);
        peer.reset();
        assertThat(serverCloses.poll(3, TimeUnit.SECONDS)).isEqualTo(CloseCodes.WS_CLOSED_ABNORMALLY);
        assertLoopIdleAndServing(protocol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void peerStopsReadingWhileTheServerCloses(String protocol) throws Exception {
        start();
        try (TlsWirePeer peer = new TlsWirePeer(server.port(), protocol)) {
            peer.receiveBufferSmall();
            peer.open("/echo");
            peer.sendTogether(peer.frame(0x81, "flood then close".getBytes(StandardCharsets.UTF_8)));
            // The peer reads nothing more: the Close is stuck behind 16 MiB; the close timeout (1 s) ends it.
            assertThat(serverCloses.poll(5, TimeUnit.SECONDS)).isNotNull();
            assertLoopIdleAndServing(protocol);
        }
    }

    /**
     * The handler pauses reading and sends; behind the message that paused it come another
     * message, the peer's Close and its close_notify. With TLS 1.2 the alert closes our outbound
     * side too (RFC 5246 section 7.2.1): the send fails, but what arrived before the alert is still
     * delivered once reading resumes, the peer's Close included, and only then does the server end
     * (close_notify, FIN, close).
     */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void messagesHeldByAPauseBeforeTheCloseNotifyAreDelivered(String protocol) throws Exception {
        start();
        try (TlsWirePeer peer = new TlsWirePeer(server.port(), protocol)) {
            peer.open("/echo");
            peer.sendTogether(peer.frame(0x81, "pause, send, resume later".getBytes(StandardCharsets.UTF_8)),
                    peer.frame(0x81, "behind the pause".getBytes(StandardCharsets.UTF_8)),
                    peer.closeFrame(CloseCodes.WS_OK), peer.closeNotify());
            assertThat(serverTexts.poll(3, TimeUnit.SECONDS)).isEqualTo("pause, send, resume later");
            assertThat(serverTexts.poll(3, TimeUnit.SECONDS)).isEqualTo("behind the pause");
            assertThat(serverCloses.poll(3, TimeUnit.SECONDS)).isEqualTo(CloseCodes.WS_OK);
            assertThat(closeCauses.poll(1, TimeUnit.SECONDS)).isEqualTo(dev.seed.websocket.CloseCause.PEER_CLOSED);
            assertThat(peer.endedWithin(3000)).as("server ends the TCP connection").isTrue();
        }
        assertLoopIdleAndServing(protocol);
    }

    /**
     * The peer ends its side without a Close (close_notify alone, or a FIN alone) while 16 MiB wait
     * for it, and reads no more. All the server has left to do is write and end its side, which
     * the peer never lets it: the close timeout (1 s) ends the connection, as after a Close, and
     * the cause is still an abnormal end (no close handshake).
     */
    @ParameterizedTest
    @CsvSource({"TLSv1.2, close_notify", "TLSv1.3, close_notify", "TLSv1.2, FIN", "TLSv1.3, FIN"})
    void peerEndsWithoutCloseAndStopsReadingWhileTheServerHasMuchToSend(String protocol, String end) throws Exception {
        start();
        try (TlsWirePeer peer = new TlsWirePeer(server.port(), protocol)) {
            peer.receiveBufferSmall();
            peer.open("/echo");
            peer.sendTogether(peer.frame(0x81, "flood".getBytes(StandardCharsets.UTF_8)));
            Thread.sleep(200); // the flood is queued and the socket is full
            if (end.equals("FIN")) {
                peer.shutdownOutput();
            } else {
                peer.sendTogether(peer.closeNotify());
            }
            assertThat(serverCloses.poll(4, TimeUnit.SECONDS)).as("the server ends the connection")
                    .isEqualTo(CloseCodes.WS_CLOSED_ABNORMALLY);
            assertThat(closeCauses.poll(1, TimeUnit.SECONDS)).isEqualTo(dev.seed.websocket.CloseCause.ABNORMAL);
            assertLoopIdleAndServing(protocol);
        }
    }

    /**
     * A message and the Close echo behind it are wrapped in one go, and the socket takes the
     * records only as the peer reads: once they are all out, the empty buffer left of the Close
     * (behind the message's completion) is no plaintext to wrap. The server goes on to its
     * close_notify and closes (RFC 6455 section 7.1.1, RFC 8446 section 6.1), long before the
     * close timeout, and its loop does not spin meanwhile.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aMessageAndTheCloseEchoWrappedTogetherAreWrittenAndTheServerCloses(String protocol) throws Exception {
        start(Duration.ofSeconds(30), 4096);
        try (TlsWirePeer peer = new TlsWirePeer(server.port(), protocol)) {
            peer.receiveBufferSmall();
            peer.open("/echo");
            String text = "x".repeat(40 * 1024); // more than the peer's window: the echo waits for it
            peer.sendTogether(peer.frame(0x81, text.getBytes(StandardCharsets.UTF_8)), peer.closeFrame(CloseCodes.WS_OK));
            Thread.sleep(200); // the echo and the Close are wrapped and stuck behind the window
            RawPeer.Frame echo = peer.readFrame();
            assertThat(echo.payload()).hasSize(text.length());
            assertThat(peer.readFrame().opcode()).isEqualTo(0x8);
            assertThat(peer.endedWithin(3000)).as("server ends the TCP connection").isTrue();
        }
        assertThat(serverCloses.poll(3, TimeUnit.SECONDS)).isEqualTo(CloseCodes.WS_OK);
        assertLoopIdleAndServing(protocol);
    }

    /** A clean first connection, so that the loop is known before a scenario that never opens one. */
    private void warmUp(String protocol) throws Exception {
        try (TlsWirePeer peer = new TlsWirePeer(server.port(), protocol)) {
            peer.open("/echo");
            peer.sendTogether(peer.closeFrame(CloseCodes.WS_OK));
            assertThat(peer.readFrame().opcode()).isEqualTo(0x8);
            assertThat(peer.endedWithin(3000)).isTrue();
        }
        assertThat(serverCloses.poll(3, TimeUnit.SECONDS)).isEqualTo(CloseCodes.WS_OK);
    }

    /**
     * The loop neither spins (a handful of turns and little CPU over {@link #IDLE_WINDOW_MS}) nor
     * is stuck (a new client over the same protocol gets its echo).
     */
    private void assertLoopIdleAndServing(String protocol) throws Exception {
        EventLoop l = loop.get(3, TimeUnit.SECONDS);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread.sleep(100); // let the last close settle
        long turns = l.turns();
        long cpu = threads.getThreadCpuTime(loopThread.getId());
        Thread.sleep(IDLE_WINDOW_MS);
        long turned = l.turns() - turns;
        long cpuMillis = (threads.getThreadCpuTime(loopThread.getId()) - cpu) / 1_000_000;
        assertThat(turned).as("loop turns in %d ms", IDLE_WINDOW_MS).isLessThan(20);
        assertThat(cpuMillis).as("loop CPU ms in %d ms", IDLE_WINDOW_MS).isLessThan(100);
        try (TlsWirePeer next = new TlsWirePeer(server.port(), protocol)) {
            assertThat(next.open("/echo")).isEqualTo("HTTP/1.1 101 Switching Protocols");
            next.sendTogether(next.frame(0x81, "still serving".getBytes(StandardCharsets.UTF_8)));
            RawPeer.Frame echo = next.readFrame();
            assertThat(new String(echo.payload(), StandardCharsets.UTF_8)).isEqualTo("still serving");
        }
    }
}
