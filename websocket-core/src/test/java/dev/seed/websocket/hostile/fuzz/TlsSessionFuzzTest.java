package dev.seed.websocket.hostile.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.hostile.TlsWirePeer;
import dev.seed.websocket.it.TestTls;
import dev.seed.websocket.transport.EventLoop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/**
 * A TLS 1.2 or 1.3 peer that, after the TLS handshake and the upgrade, sends what the input
 * scripts, grouped into TCP writes as the input says: frames of every kind (valid or not), Close
 * frames, close_notify, records that are not TLS, pauses; then ends with close_notify and FIN, a
 * bare FIN, a reset, or a Close with close_notify. Whatever the script, against a server with one
 * event loop:
 * <ul>
 *   <li>the server ends the connection within 3 s (its close timeout is 0.5 s);</li>
 *   <li>its event loop is idle afterwards: it does not spin on a TLS state it cannot leave.</li>
 * </ul>
 *
 * <p>Input layout: byte 0 selects TLS 1.3 (bit 0) and the ending (bits 1-2); then operations,
 * each a byte (bits 0-2 the kind, bit 3: write what is gathered so far first) followed by its
 * operands (see {@link #run}).
 */
class TlsSessionFuzzTest {

    /** Most operations one input runs. */
    private static final int MAX_OPERATIONS = 32;

    private static WebSocketServer server;
    private static volatile EventLoop loop;

    private static synchronized WebSocketServer server() throws Exception {
        if (server == null) {
            server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                    .sslContext(TestTls.serverContext())
                    .closeTimeout(Duration.ofMillis(500)).handshakeTimeout(Duration.ofSeconds(2))
                    .route("/echo", new WebSocketHandler() {
                        @Override
                        public void onOpen(WebSocketConnection c) {
                            loop = EventLoop.current();
                        }

                        @Override
                        public void onText(WebSocketConnection c, String text) {
                            c.sendText(text);
                        }

                        @Override
                        public void onBinary(WebSocketConnection c, ByteBuffer data) {
                            c.sendBinary(data);
                        }
                    }).build().start();
            WebSocketServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> started.shutdown(Duration.ofMillis(100))));
        }
        return server;
    }

    @FuzzTest(maxDuration = Fuzzing.BUDGET)
    void session(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        WebSocketServer s = server();
        // The peer connects to the server under test on loopback, and nowhere else.
        try (SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections(
                (host, port) -> port == s.port() && (host.equals("127.0.0.1") || host.equals("localhost")))) {
            session(s, input);
        }
    }

    private static void session(WebSocketServer s, byte[] input) throws Exception {
        int flags = input[0] & 0xFF;
        String protocol = (flags & 1) != 0 ? "TLSv1.3" : "TLSv1.2";
        int ending = (flags >> 1) & 3;
        TlsWirePeer peer = new TlsWirePeer(s.port(), protocol);
        try {
            peer.open("/echo");
            run(peer, ByteBuffer.wrap(input, 1, input.length - 1));
            try {
                switch (ending) {
                    case 0 -> peer.sendTogether(peer.closeNotify());
                    case 1 -> peer.reset();
                    case 2 -> { } // a bare FIN below
                    default -> peer.sendTogether(peer.closeFrame(1000), peer.closeNotify());
                }
                if (ending != 1) {
                    peer.shutdownOutput();
                }
            } catch (IOException e) {
                // the server ended the connection first (a protocol error, say): its right
            }
            if (ending != 1) {
                if (!peer.endedWithin(3000)) {
                    throw new AssertionError(protocol + ", ending " + ending + ": the server did not end the "
                            + "connection within 3 s");
                }
            }
        } finally {
            peer.close();
        }
        awaitNoConnection(s, protocol, ending);
        assertLoopIdle(protocol, ending);
    }

    /**
     * Runs the operations: 0 text frame, 1 binary frame, 2 ping, 3 Close (operands: a length byte,
     * then that many payload bytes; for Close two code bytes), 4 close_notify, 5 a record that is
     * not TLS, 6 raw bytes into the WebSocket stream, 7 a 5 ms pause.
     */
    private static void run(TlsWirePeer peer, ByteBuffer script) throws IOException {
        ByteArrayOutputStream gathered = new ByteArrayOutputStream();
        for (int n = 0; n < MAX_OPERATIONS && script.hasRemaining(); n++) {
            int op = script.get() & 0xFF;
            if ((op & 8) != 0 && gathered.size() > 0) {
                write(peer, gathered);
            }
            switch (op & 7) {
                case 0 -> gathered.writeBytes(peer.frame(0x81, take(script, script.hasRemaining() ? script.get() & 0xFF : 0)));
                case 1 -> gathered.writeBytes(peer.frame(0x82, take(script, script.hasRemaining() ? script.get() & 0xFF : 0)));
                case 2 -> gathered.writeBytes(peer.frame(0x89, take(script, script.hasRemaining() ? (script.get() & 0xFF) % 126 : 0)));
                case 3 -> gathered.writeBytes(peer.frame(0x88, take(script, 2)));
                case 4 -> gathered.writeBytes(peer.closeNotify());
                case 5 -> {
                    byte[] body = take(script, script.hasRemaining() ? script.get() & 0x3F : 0);
                    gathered.writeBytes(new byte[] {0x17, 0x03, 0x03, 0, (byte) body.length});
                    gathered.writeBytes(body);
                }
                case 6 -> gathered.writeBytes(peer.record(withLength(take(script,
                        script.hasRemaining() ? script.get() & 0xFF : 0))));
                default -> {
                    write(peer, gathered);
                    sleep(5);
                }
            }
        }
        write(peer, gathered);
    }

    /** Raw WebSocket bytes, at least one so that the record is not empty. */
    private static byte[] withLength(byte[] bytes) {
        return bytes.length == 0 ? new byte[] {(byte) 0x81} : bytes;
    }

    private static void write(TlsWirePeer peer, ByteArrayOutputStream gathered) {
        if (gathered.size() == 0) {
            return;
        }
        try {
            peer.sendTogether(gathered.toByteArray());
        } catch (IOException e) {
            // the server already closed: what follows is not read, which is its right
        }
        gathered.reset();
    }

    private static byte[] take(ByteBuffer script, int n) {
        byte[] b = new byte[Math.min(n, script.remaining())];
        script.get(b);
        return b;
    }

    private static void awaitNoConnection(WebSocketServer s, String protocol, int ending) {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (!s.connections().isEmpty() && System.nanoTime() < deadline) {
            sleep(2);
        }
        if (!s.connections().isEmpty()) {
            throw new AssertionError(protocol + ", ending " + ending + ": a connection is still open 3 s after "
                    + "the peer left: " + Arrays.toString(s.connections().toArray()));
        }
    }

    /** Over 30 ms an idle loop turns a few times at most; a spinning one thousands of times. */
    private static void assertLoopIdle(String protocol, int ending) {
        EventLoop l = loop;
        if (l == null) {
            return;
        }
        long turns = l.turns();
        sleep(30);
        long turned = l.turns() - turns;
        if (turned > 50) {
            throw new AssertionError(protocol + ", ending " + ending + ": the loop turned " + turned
                    + " times in 30 ms with nothing to do");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
