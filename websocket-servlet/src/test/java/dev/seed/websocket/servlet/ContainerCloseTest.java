package dev.seed.websocket.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The end of a hosted connection on the wire (RFC 6455 section 7.1.1: the server closes the TCP
 * connection first): after the close handshake, and when the peer never answers our Close.
 */
class ContainerCloseTest extends ContainerTestBase {

    private final CompletableFuture<WebSocketConnection> opened = new CompletableFuture<>();
    private final CompletableFuture<Integer> closedWith = new CompletableFuture<>();
    private final java.util.List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();

    void start(Container.Kind kind) throws Exception {
        start(kind, Duration.ofMillis(500));
    }

    void start(Container.Kind kind, Duration closeTimeout) throws Exception {
        server = WebSocketServer.builder().listen(false).closeTimeout(closeTimeout)
                .route("/r", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        opened.complete(c);
                    }

                    @Override
                    public void onError(WebSocketConnection c, Throwable error) {
                        errors.add(error);
                    }

                    @Override
                    public void onClose(WebSocketConnection c, int code, String reason) {
                        closedWith.complete(code);
                    }
                })
                .build().start();
        container = Container.start(kind, List.of(Container.upgradeFilter(kind, server)));
    }

    /** A raw peer past the handshake: the 101's head is read, nothing else. */
    private Socket handshake() throws Exception {
        Socket s = new Socket("127.0.0.1", container.port());
        s.setSoTimeout(5000);
        s.getOutputStream().write(("GET /r HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the 101's head").isNotNegative();
            head.write(b);
        }
        assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
        return s;
    }

    /** Reads until the server ends the stream; fails if it has not within the socket's timeout. */
    private static byte[] readToEnd(Socket s) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[1024];
        try {
            for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the TCP connection; received " + all.size() + " bytes");
        }
        return all.toByteArray();
    }

    /**
     * A send's future runs the application's callback inside the transport's write bookkeeping;
     * one that resumes reading there has what was held (the peer's Close) handled at once, so the
     * flush for our Close is asked for while the write that completed the future still has buffers
     * to account for: every message still arrives whole, once and in order, then our Close.
     */
    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aSendCallbackThatResumesReadingIntoThePeersCloseKeepsTheOutputWhole(Container.Kind kind) throws Exception {
        server = WebSocketServer.builder().listen(false).closeTimeout(Duration.ofSeconds(2))
                .route("/r", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        c.pauseReading();
                        for (int i = 0; i < 200; i++) {
                            java.util.concurrent.CompletableFuture<Void> sent = c.sendText(text + i);
                            if (i == 100) { // one in the middle of a gathering write
                                sent.thenRun(c::resumeReading);
                            }
                        }
                    }
                })
                .build().start();
        container = Container.start(kind, List.of(Container.upgradeFilter(kind, server)));
        dev.seed.websocket.it.RecordingHandler h = new dev.seed.websocket.it.RecordingHandler();
        try (dev.seed.websocket.WebSocketClient client = dev.seed.websocket.WebSocketClient.builder().build()) {
            WebSocketConnection c = client.connect(java.net.URI.create("ws://127.0.0.1:" + container.port() + "/r"), h)
                    .get(10, TimeUnit.SECONDS);
            String text = "m".repeat(3000) + ":";
            c.sendText(text);
            c.close(1000, "done");
            for (int i = 0; i < 200; i++) {
                dev.seed.websocket.it.RecordingHandler.Event e = h.next();
                assertThat(e).as("message %d", i).isNotNull();
                assertThat(e.type()).as("message %d: %s", i, e.value()).isEqualTo("text");
                assertThat(e.text()).isEqualTo(text + i);
            }
            assertThat(h.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aPeerEndingTheConnectionWithoutACloseFrameIsAnAbnormalCloseNotAnError(Container.Kind kind) throws Exception {
        start(kind);
        try (Socket s = handshake()) {
            opened.get(5, TimeUnit.SECONDS);
            s.shutdownOutput(); // the TCP end, no Close frame: as on our own port, 1006 and no error
            assertThat(closedWith.get(5, TimeUnit.SECONDS)).isEqualTo(1006);
            assertThat(errors).as("errors reported to the handler").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void afterThePeersCloseTheServerAnswersAndClosesTheConnection(Container.Kind kind) throws Exception {
        start(kind);
        try (Socket s = handshake()) {
            s.setSoTimeout(3000); // well below our client's 5 s wait for the server's FIN
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {(byte) 0x88, (byte) 0x82, 1, 2, 3, 4, (byte) (0x03 ^ 1), (byte) (0xE8 ^ 2)});
            out.flush();
            byte[] answer = readToEnd(s);
            assertThat(answer).startsWith((byte) 0x88, (byte) 0x02, (byte) 0x03, (byte) 0xE8); // Close 1000
        }
    }

    /**
     * As on our own port: after the peer's Close, our Close and our FIN, and the container's
     * connection reads on (dropping what comes) until the peer ends; a close of both directions
     * would answer the peer's next bytes with a reset, which drops what the kernel still holds of
     * our output. The peer here sends Pings after its Close and ends only later.
     */
    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void afterThePeersCloseTheServerHalfClosesAndReadsOnUntilThePeerEnds(Container.Kind kind) throws Exception {
        start(kind, Duration.ofSeconds(30));
        try (Socket s = handshake()) {
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {(byte) 0x88, (byte) 0x82, 1, 2, 3, 4, (byte) (0x03 ^ 1), (byte) (0xE8 ^ 2)});
            out.flush();
            assertThat(readToEnd(s)).startsWith((byte) 0x88, (byte) 0x02, (byte) 0x03, (byte) 0xE8);
            for (int i = 0; i < 10; i++) { // a closed socket would answer the first with a reset
                out.write(new byte[] {(byte) 0x89, (byte) 0x80, 1, 2, 3, 4});
                out.flush();
                Thread.sleep(30);
            }
            assertThat(closedWith).as("the connection waits for the peer's end").isNotDone();
            s.shutdownOutput();
            assertThat(closedWith.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
            assertThat(errors).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aPeerThatNeverAnswersOurCloseIsDisconnectedAfterTheCloseTimeout(Container.Kind kind) throws Exception {
        start(kind);
        try (Socket s = handshake()) {
            opened.get(5, TimeUnit.SECONDS).close(1001, "going");
            byte[] answer = readToEnd(s); // the peer stays silent: 500 ms close timeout, then the end
            assertThat(answer[0]).isEqualTo((byte) 0x88);
        }
    }
}
