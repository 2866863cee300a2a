package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.BackpressureException;
import dev.seed.websocket.CloseCause;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.EchoHandler;
import dev.seed.websocket.it.RawPeer;
import dev.seed.websocket.it.RecordingHandler;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Peers that vanish or stall: resets in the middle of a frame, of the opening handshake and of
 * the close handshake; a peer that stops answering (half-open, found by the keepalive); a peer
 * that never reads. Each connection ends with the cause the application can tell apart, its
 * socket is released, and the server goes on serving.
 */
class AbruptPeerTest {

    private WebSocketServer server;
    private final RecordingHandler serverSide = new RecordingHandler();

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    private WebSocketServer.Builder builder() {
        return WebSocketServer.builder().host("127.0.0.1").port(0).closeTimeout(Duration.ofMillis(500))
                .handshakeTimeout(Duration.ofSeconds(2))
                .route("/peer", serverSide).route("/echo", new EchoHandler());
    }

    private static void reset(Socket s) throws Exception {
        s.setSoLinger(true, 0);
        s.close();
    }

    @Test
    void aResetInTheMiddleOfAFrameEndsTheConnectionWith1006Abnormal() throws Exception {
        server = builder().build().start();
        Bystander.echoes(server.port(), Duration.ofSeconds(5));
        int fdsBefore = Resources.openFileDescriptors();
        RawPeer raw = new RawPeer(server.port());
        assertThat(raw.handshake("/peer").status()).isEqualTo(101);
        WebSocketConnection c = serverSide.opened.get(5, TimeUnit.SECONDS);
        // Header of a 100-byte masked text frame, its key, and 10 of its bytes.
        raw.sendRaw(new byte[] {(byte) 0x81, (byte) (0x80 | 100), 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        reset(raw.socket());
        assertThat(serverSide.awaitClose().code()).isEqualTo(1006);
        assertThat(c.closeCause()).isEqualTo(CloseCause.ABNORMAL);
        assertThat(Resources.awaitFileDescriptorsAtMost(fdsBefore, 5000)).isLessThanOrEqualTo(fdsBefore);
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }

    @Test
    void aResetInTheMiddleOfTheOpeningHandshakeOpensNothingAndReleasesTheSocket() throws Exception {
        server = builder().build().start();
        Bystander.echoes(server.port(), Duration.ofSeconds(5));
        int fdsBefore = Resources.openFileDescriptors();
        for (int i = 0; i < 20; i++) {
            Socket s = new Socket("127.0.0.1", server.port());
            s.getOutputStream().write(RawPeer.upgradeRequest("/peer").substring(0, 40 + i).getBytes());
            reset(s);
        }
        assertThat(Resources.awaitFileDescriptorsAtMost(fdsBefore, 5000)).isLessThanOrEqualTo(fdsBefore);
        assertThat(serverSide.opened).isNotDone();
        assertThat(server.connections()).isEmpty();
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }

    @Test
    void aResetInTheMiddleOfTheCloseHandshakeEndsWithThePeersCode() throws Exception {
        server = builder().build().start();
        Bystander.echoes(server.port(), Duration.ofSeconds(5));
        int fdsBefore = Resources.openFileDescriptors();
        RawPeer raw = new RawPeer(server.port());
        assertThat(raw.handshake("/peer").status()).isEqualTo(101);
        WebSocketConnection c = serverSide.opened.get(5, TimeUnit.SECONDS);
        raw.sendClose(4001, "bye");
        reset(raw.socket()); // without reading the server's close frame
        RecordingHandler.Event closed = serverSide.awaitClose();
        assertThat(closed.code()).isEqualTo(4001);
        assertThat(closed.text()).isEqualTo("bye");
        assertThat(c.closeCause()).isEqualTo(CloseCause.PEER_CLOSED);
        assertThat(Resources.awaitFileDescriptorsAtMost(fdsBefore, 5000)).isLessThanOrEqualTo(fdsBefore);
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }

    @Test
    void aPeerThatStopsAnsweringIsFoundByTheKeepaliveAndItsSocketDropped() throws Exception {
        server = builder().pingInterval(Duration.ofMillis(200)).pongTimeout(Duration.ofMillis(300)).build().start();
        Bystander.echoes(server.port(), Duration.ofSeconds(5));
        int fdsBefore = Resources.openFileDescriptors();
        // The peer stays connected but neither reads, nor answers, nor closes: as a peer whose
        // host vanished looks to the server, except that TCP still acknowledges.
        RawPeer raw = new RawPeer(server.port());
        assertThat(raw.handshake("/peer").status()).isEqualTo(101);
        WebSocketConnection c = serverSide.opened.get(5, TimeUnit.SECONDS);
        long start = System.nanoTime();
        RecordingHandler.Event closed = serverSide.awaitClose();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(c.closeCause()).isEqualTo(CloseCause.PONG_TIMEOUT);
        // No close frame came back: RFC 6455 section 7.1.5 makes that 1006, the cause says why.
        assertThat(closed.code()).isEqualTo(1006);
        // ping after 200 ms, no pong for 300 ms, no close reply for 500 ms: about 1 s.
        assertThat(millis).isBetween(800L, 3000L);
        // The server dropped TCP without the peer's help: the peer sees the end.
        assertThat(raw.readUntilClose().closeCode()).isEqualTo(1011);
        assertThat(raw.closedByPeerWithin(2000)).isTrue();
        raw.close();
        assertThat(Resources.awaitFileDescriptorsAtMost(fdsBefore, 5000)).isLessThanOrEqualTo(fdsBefore);
    }

    @Test
    void aPeerThatNeverReadsMakesSendsFailAtTheLimitAndIsDroppedWhenClosed() throws Exception {
        server = builder().backpressureLimit(512 * 1024).build().start();
        Bystander.echoes(server.port(), Duration.ofSeconds(5));
        int fdsBefore = Resources.openFileDescriptors();
        RawPeer raw = new RawPeer(server.port());
        raw.socket().setReceiveBufferSize(4096);
        assertThat(raw.handshake("/peer").status()).isEqualTo(101);
        WebSocketConnection c = serverSide.opened.get(5, TimeUnit.SECONDS);
        ByteBuffer chunk = ByteBuffer.allocate(32 * 1024);
        Throwable failure = null;
        long maxBuffered = 0;
        for (int i = 0; i < 100_000 && failure == null; i++) {
            CompletableFuture<Void> f = c.sendBinary(chunk.duplicate());
            maxBuffered = Math.max(maxBuffered, c.bufferedAmount());
            if (f.isCompletedExceptionally()) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    failure = e.getCause();
                }
            }
            if (i % 8 == 0) {
                Thread.sleep(1);
            }
        }
        assertThat(failure).isInstanceOf(BackpressureException.class);
        assertThat(maxBuffered).isLessThanOrEqualTo(512 * 1024 + 2L * 32 * 1024 + 64);
        // Its close frame is stuck behind what the peer never read: the close timeout drops TCP.
        long start = System.nanoTime();
        c.close(1001, "going");
        serverSide.awaitClose();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3000L);
        assertThat(c.closeCause()).isEqualTo(CloseCause.LOCAL_CLOSE);
        raw.close();
        assertThat(Resources.awaitFileDescriptorsAtMost(fdsBefore, 5000)).isLessThanOrEqualTo(fdsBefore);
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }
}
