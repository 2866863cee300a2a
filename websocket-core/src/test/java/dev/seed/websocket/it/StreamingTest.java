package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.Compression;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.io.OutputStream;
import java.io.Writer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Messages in parts end to end over loopback: a message 64 times the server's maximum message size
 * streamed in and echoed out in parts, with and without permessage-deflate and a handler executor;
 * inbound pause and resume; whole messages that wait for a message in parts; the Writer view.
 */
class StreamingTest {

    private static final int LIMIT = 1024 * 1024;

    private WebSocketServer server;
    private WebSocketClient client;
    private ExecutorService executor;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        timer.shutdownNow();
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    /**
     * Echoes every part as it comes: memory is one part, whatever the message's size. Paced as a
     * proxy should be (see the README): past a megabyte waiting for the socket, reading pauses until
     * the part is taken, so a slow reader never drives the echo into the backpressure limit.
     */
    private static final class PartEcho implements WebSocketHandler {
        static final long HIGH_WATER = 1024 * 1024;
        final AtomicLong bytes = new AtomicLong();

        private static void paced(WebSocketConnection c, CompletableFuture<Void> sent) {
            if (c.bufferedAmount() > HIGH_WATER && !c.isReadingPaused()) {
                c.pauseReading();
                sent.whenComplete((v, e) -> c.resumeReading());
            }
        }

        @Override
        public boolean receivesParts() {
            return true;
        }

        @Override
        public void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
            bytes.addAndGet(part.remaining());
            paced(c, c.sendBinary(part, last));
        }

        @Override
        public void onTextPart(WebSocketConnection c, String part, boolean last) {
            paced(c, c.sendText(part, last));
        }
    }

    /** Takes a message in parts: digest, size, number of parts and of messages. */
    private static class PartSink implements WebSocketHandler {
        final MessageDigest digest = sha256();
        final AtomicLong bytes = new AtomicLong();
        final AtomicInteger parts = new AtomicInteger();
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        final StringBuilder text = new StringBuilder();

        @Override
        public boolean receivesParts() {
            return true;
        }

        @Override
        public void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
            parts.incrementAndGet();
            bytes.addAndGet(part.remaining());
            digest.update(part);
            if (last) {
                done.complete(digest.digest());
            }
        }

        @Override
        public void onTextPart(WebSocketConnection c, String part, boolean last) {
            parts.incrementAndGet();
            text.append(part);
            if (last) {
                done.complete(null);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "deflate {0}")
    @ValueSource(booleans = {false, true})
    void messageFarOverTheMaximumSizeIsStreamedInAndOutInParts(boolean deflate) throws Exception {
        PartEcho echo = new PartEcho();
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(0)
                .maxMessageSize(LIMIT).maxFrameSize(64 * 1024).route("/echo", echo);
        WebSocketClient.Builder cb = WebSocketClient.builder().maxMessageSize(LIMIT).maxFrameSize(64 * 1024);
        if (deflate) {
            b.extensions("permessage-deflate");
            cb.extensions("permessage-deflate");
        }
        server = b.build().start();
        client = cb.build();
        PartSink sink = new PartSink();
        WebSocketConnection c = client.connect(uri("/echo"), sink).get(5, TimeUnit.SECONDS);

        long size = 64L * LIMIT;
        MessageDigest sent = sha256();
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = c.sendStream()) {
            for (long written = 0; written < size; written += block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    block[i] = (byte) (written >>> 13);
                    block[i + 1] = (byte) i;
                }
                sent.update(block);
                out.write(block);
            }
        }
        byte[] received = sink.done.get(120, TimeUnit.SECONDS);
        assertThat(sink.bytes.get()).isEqualTo(size);
        assertThat(echo.bytes.get()).isEqualTo(size);
        assertThat(received).isEqualTo(sent.digest());
        assertThat(sink.parts.get()).isGreaterThan(64);
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void partsReachAHandlerOnAnExecutorAsCopiesInOrder() throws Exception {
        executor = Executors.newFixedThreadPool(4);
        PartEcho echo = new PartEcho();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).maxMessageSize(LIMIT)
                .handlerExecutor(executor).route("/echo", echo).build().start();
        client = WebSocketClient.create();
        PartSink sink = new PartSink();
        WebSocketConnection c = client.connect(uri("/echo"), sink).get(5, TimeUnit.SECONDS);
        MessageDigest sent = sha256();
        byte[] part = new byte[100_000];
        for (int i = 0; i < 100; i++) {
            java.util.Arrays.fill(part, (byte) i);
            sent.update(part);
            c.sendBinary(ByteBuffer.wrap(part.clone()), i == 99).get(10, TimeUnit.SECONDS);
        }
        assertThat(sink.done.get(60, TimeUnit.SECONDS)).isEqualTo(sent.digest());
        assertThat(sink.bytes.get()).isEqualTo(100L * part.length);
    }

    @Test
    void pausedConnectionDeliversNothingUntilResumedAndLosesNothing() throws Exception {
        int messages = 2_000;
        List<Integer> received = new CopyOnWriteArrayList<>();
        AtomicBoolean paused = new AtomicBoolean();
        AtomicInteger deliveredWhilePaused = new AtomicInteger();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).idleTimeout(Duration.ofMillis(300))
                .route("/slow", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        if (paused.get()) {
                            deliveredWhilePaused.incrementAndGet();
                        }
                        int n = Integer.parseInt(text);
                        received.add(n);
                        if (n % 100 == 0) {
                            // a slow sink: stop reading, come back later from another thread
                            paused.set(true);
                            c.pauseReading();
                            assertThat(c.isReadingPaused()).isTrue();
                            timer.schedule(() -> {
                                paused.set(false);
                                c.resumeReading();
                            }, n == 1000 ? 600 : 5, TimeUnit.MILLISECONDS);
                        }
                        if (n == messages - 1) {
                            c.sendText("done");
                        }
                    }
                }).build().start();
        client = WebSocketClient.create();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(uri("/slow"), h).get(5, TimeUnit.SECONDS);
        for (int i = 0; i < messages; i++) {
            c.sendText(Integer.toString(i));
        }
        // one pause (at 1000) lasts twice the idle timeout: a paused connection is not idle
        assertThat(h.nextText()).isEqualTo("done");
        assertThat(deliveredWhilePaused.get()).isZero();
        assertThat(received).hasSize(messages);
        for (int i = 0; i < messages; i++) {
            assertThat(received.get(i)).isEqualTo(i);
        }
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void wholeMessagesFromOtherThreadsWaitForTheMessageInPartsInOrder() throws Exception {
        CountDownLatch streaming = new CountDownLatch(1);
        CountDownLatch othersSent = new CountDownLatch(1);
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/mixed", new WebSocketHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                new Thread(() -> {
                    try {
                        c.sendText("part-1 ", false);
                        streaming.countDown();
                        othersSent.await(5, TimeUnit.SECONDS);
                        c.ping(ByteBuffer.wrap(new byte[] {1}));
                        c.sendText("part-2", true).get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).start();
                new Thread(() -> {
                    try {
                        streaming.await(5, TimeUnit.SECONDS);
                        for (int i = 0; i < 10; i++) {
                            c.sendText("whole-" + i);
                        }
                        server.broadcast("broadcast");
                        // a part of the other type cannot start while text is in progress
                        c.sendBinary(ByteBuffer.allocate(1), true).handle((v, e) -> {
                            c.sendText("binary part refused: " + e.getMessage());
                            return null;
                        });
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    } finally {
                        othersSent.countDown();
                    }
                }).start();
            }
        }).build().start();
        client = WebSocketClient.create();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(uri("/mixed"), h).get(5, TimeUnit.SECONDS);
        c.sendText("go");
        assertThat(h.nextText()).isEqualTo("part-1 part-2");
        for (int i = 0; i < 10; i++) {
            assertThat(h.nextText()).isEqualTo("whole-" + i);
        }
        assertThat(h.nextText()).isEqualTo("broadcast");
        assertThat(h.nextText()).isEqualTo("binary part refused: A text message is being sent in parts: finish it first.");
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void writerSendsOneTextMessageInPartsKeepingSurrogatePairsWhole() throws Exception {
        PartSink sink = new PartSink();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).maxMessageSize(1024).route("/in", sink)
                .build().start();
        client = WebSocketClient.create();
        WebSocketConnection c = client.connect(uri("/in"), new WebSocketHandler() { }).get(5, TimeUnit.SECONDS);
        StringBuilder expected = new StringBuilder();
        try (Writer w = c.sendWriter()) {
            // 8191 chars, then an emoji: its pair straddles the writer's 8 Ki-char parts
            String head = "x".repeat(8191);
            w.write(head);
            expected.append(head);
            for (int i = 0; i < 20_000; i++) {
                String piece = i % 3 == 0 ? "😀" : i % 3 == 1 ? "é" : "z";
                w.write(piece);
                expected.append(piece);
            }
        }
        sink.done.get(10, TimeUnit.SECONDS);
        assertThat(sink.text.toString()).isEqualTo(expected.toString());
        assertThat(sink.parts.get()).isGreaterThan(2);
    }

    @Test
    void streamFailsWithAnIOExceptionOnceTheConnectionIsClosed() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/x", new WebSocketHandler() { })
                .build().start();
        client = WebSocketClient.create();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(uri("/x"), h).get(5, TimeUnit.SECONDS);
        OutputStream out = c.sendStream();
        out.write(new byte[100]);
        out.flush();
        c.close(CloseCodes.WS_OK, "bye").get(5, TimeUnit.SECONDS);
        h.awaitClose();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            for (int i = 0; i < 10; i++) {
                out.write(new byte[64 * 1024]);
            }
            out.close();
        }).isInstanceOf(java.io.IOException.class).hasMessageContaining("could not be sent");
    }

    @Test
    void perSendCompressionIsWhatTheFramesShow() throws Exception {
        List<String> frames = new CopyOnWriteArrayList<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).extensions("permessage-deflate")
                .compressionThreshold(1024).route("/z", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        String small = "tiny tiny tiny tiny tiny tiny";
                        c.sendText(small);                          // below the threshold
                        c.sendText(small, Compression.ALWAYS);      // asked to
                        c.sendText("s".repeat(5000), Compression.NEVER);
                        c.sendText("d".repeat(5000));               // over the threshold
                        c.sendText("done");
                    }
                }).build().start();
        client = WebSocketClient.builder().extensions("permessage-deflate")
                .frameListener((conn, inbound, opcode, fin, rsv, length) -> {
                    if (inbound && opcode == 1) {
                        frames.add((rsv != 0 ? "compressed:" : "plain:") + length);
                    }
                }).build();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(uri("/z"), h).get(5, TimeUnit.SECONDS);
        c.sendText("go");
        for (int i = 0; i < 5; i++) {
            h.nextText();
        }
        assertThat(frames).hasSize(5);
        assertThat(frames.get(0)).isEqualTo("plain:29");
        assertThat(frames.get(1)).startsWith("compressed:");
        assertThat(frames.get(2)).isEqualTo("plain:5000");
        assertThat(frames.get(3)).startsWith("compressed:");
    }

    @Test
    void perConnectionLimitsChangeFromTheHandler() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).idleTimeout(Duration.ZERO)
                .route("/strict", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        c.maxMessageSize(100);
                        c.idleTimeout(Duration.ofMillis(300));
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        c.sendText("max " + c.maxMessageSize() + " idle " + c.idleTimeout().toMillis());
                    }
                }).build().start();
        client = WebSocketClient.create();
        RecordingHandler big = new RecordingHandler();
        WebSocketConnection c1 = client.connect(uri("/strict"), big).get(5, TimeUnit.SECONDS);
        c1.sendText("x".repeat(101));
        assertThat(big.awaitClose().code()).isEqualTo(CloseCodes.WS_MESSAGE_TOO_LARGE);

        RecordingHandler quiet = new RecordingHandler();
        WebSocketConnection c2 = client.connect(uri("/strict"), quiet).get(5, TimeUnit.SECONDS);
        c2.sendText("limits?");
        assertThat(quiet.nextText()).isEqualTo("max 100 idle 300");
        long start = System.nanoTime();
        assertThat(quiet.awaitClose().code()).isEqualTo(CloseCodes.WS_GONE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aLegacyHixie76ConnectionGivesAPartsHandlerEachMessageAsOneLastPart() throws Exception {
        List<String> refusals = new CopyOnWriteArrayList<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).hixie76(true).route("/echo", new WebSocketHandler() {
            @Override
            public boolean receivesParts() {
                return true;
            }

            @Override
            public void onTextPart(WebSocketConnection c, String part, boolean last) {
                // hixie-76 has no fragments: a message in parts cannot be sent on it
                c.sendText(part, false).whenComplete((v, e) -> refusals.add(String.valueOf(e)));
                c.sendText(part + (last ? " (last)" : ""));
            }
        }).build().start();
        try (RawPeer raw = new RawPeer(server.port())) {
            String request = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\nSec-WebSocket-Protocol: sample\r\n"
                    + "Upgrade: WebSocket\r\nSec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n"
                    + "Origin: http://example.com\r\n\r\n^n:ds[4U";
            raw.sendRaw(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            assertThat(raw.readResponse().status()).isEqualTo(101);
            raw.socket().getInputStream().readNBytes(16);
            raw.sendRaw(new byte[] {0x00, 'h', 'i', (byte) 0xFF});
            byte[] echo = raw.socket().getInputStream().readNBytes(11);
            assertThat(new String(echo, 1, 9, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("hi (last)");
        }
        assertThat(refusals).singleElement().asString().contains("UnsupportedOperationException");
    }

    @Test
    void aStreamThatOutrunsAPausedPeerWaitsAndNeverLeavesAGap() throws Exception {
        PartSink sink = new PartSink() {
            final AtomicBoolean pausedOnce = new AtomicBoolean();

            @Override
            public void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
                super.onBinaryPart(c, part, last);
                if (pausedOnce.compareAndSet(false, true)) {
                    c.pauseReading();
                    timer.schedule(c::resumeReading, 1500, TimeUnit.MILLISECONDS);
                }
            }
        };
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/in", sink).build().start();
        client = WebSocketClient.builder().backpressureLimit(150_000).build();
        WebSocketConnection c = client.connect(uri("/in"), new WebSocketHandler() { }).get(5, TimeUnit.SECONDS);
        MessageDigest sent = sha256();
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = c.sendStream()) {
            for (int i = 0; i < 512; i++) {
                java.util.Arrays.fill(block, (byte) i);
                sent.update(block);
                out.write(block);
            }
        }
        assertThat(sink.done.get(60, TimeUnit.SECONDS)).isEqualTo(sent.digest());
        assertThat(sink.bytes.get()).isEqualTo(512L * block.length);
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void messagesBehindABusyStreamReaderWaitInTheNetworkNotInMemory() throws Exception {
        ExecutorService reader = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger created = new AtomicInteger();
        AtomicInteger read = new AtomicInteger();
        try {
            server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/in", new WebSocketHandler() {
                dev.seed.websocket.MessageInputStream stream;
                CompletableFuture<Void> readers = CompletableFuture.completedFuture(null);

                @Override
                public boolean receivesParts() {
                    return true;
                }

                @Override
                public void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
                    if (stream == null) {
                        created.incrementAndGet();
                        dev.seed.websocket.MessageInputStream s =
                                new dev.seed.websocket.MessageInputStream(c, 64 * 1024, !readers.isDone());
                        stream = s;
                        readers = readers.thenRunAsync(() -> {
                            s.readerStarted();
                            try (s) {
                                release.await(30, TimeUnit.SECONDS); // a slow first reader
                                s.readAllBytes();
                                if (read.incrementAndGet() == 5_000) {
                                    c.sendText("all read");
                                }
                            } catch (Exception e) {
                                c.sendText("failed " + e);
                            }
                        }, reader);
                    }
                    stream.offer(part, last);
                    if (last) {
                        stream = null;
                    }
                }
            }).build().start();
            client = WebSocketClient.create();
            RecordingHandler h = new RecordingHandler();
            WebSocketConnection c = client.connect(uri("/in"), h).get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 5_000; i++) {
                c.sendBinary(new byte[1000]);
            }
            Thread.sleep(500);
            // the first message's reader is stuck: the second holds reading, the rest is not read
            assertThat(created.get()).isBetween(1, 2);
            release.countDown();
            assertThat(h.nextText()).isEqualTo("all read");
            assertThat(created.get()).isEqualTo(5_000);
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void closingAPausedConnectionStillCompletesTheCloseHandshake() throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/p", new WebSocketHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                c.pauseReading();
                c.close(4000, "bye");
            }

            @Override
            public void onClose(WebSocketConnection c, int code, String reason) {
                closed.complete(code + " " + c.closeCause());
            }
        }).build().start();
        client = WebSocketClient.create();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(uri("/p"), h).get(5, TimeUnit.SECONDS);
        c.sendText("pause and close");
        assertThat(h.awaitClose().code()).isEqualTo(4000);
        // the client's answer was read: a clean close, not the close timeout's
        assertThat(closed.get(3, TimeUnit.SECONDS)).isEqualTo("4000 LOCAL_CLOSE");
    }
}
