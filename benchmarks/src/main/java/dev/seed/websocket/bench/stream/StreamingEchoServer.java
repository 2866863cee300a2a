package dev.seed.websocket.bench.stream;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The server side of {@link StreamingBench}, run in its own JVM with a small heap: {@code /stream}
 * echoes each part as it arrives, {@code /whole} echoes whole messages (up to 16 MiB). A text
 * message {@code stats} is answered with the heap's peak since the last {@code reset} and the
 * process's resident memory at that moment. Prints {@code PORT n} once it listens; stops when stdin closes.
 */
public final class StreamingEchoServer {

    /** Bytes queued for the socket past which the streaming echo stops reading. */
    private static final long HIGH_WATER = 1024 * 1024;

    private StreamingEchoServer() {
    }

    public static void main(String[] args) throws Exception {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .maxMessageSize(16 * 1024 * 1024 + 1024).maxFrameSize(16 * 1024 * 1024 + 1024)
                .backpressureLimit(8L * 1024 * 1024)
                .route("/stream", new WebSocketHandler() {
                    @Override
                    public boolean receivesParts() {
                        return true;
                    }

                    @Override
                    public void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
                        // A proxy's flow control: past 1 MiB waiting for the socket, stop reading
                        // until this part is written (then everything before it is too).
                        CompletableFuture<Void> sent = c.sendBinary(part, last);
                        if (c.bufferedAmount() > HIGH_WATER && !c.isReadingPaused()) {
                            c.pauseReading();
                            sent.whenComplete((v, e) -> c.resumeReading());
                        }
                    }

                    @Override
                    public void onTextPart(WebSocketConnection c, String part, boolean last) {
                        c.sendText(answer(part), last);
                    }
                })
                .route("/whole", new WebSocketHandler() {
                    @Override
                    public void onBinary(WebSocketConnection c, ByteBuffer data) {
                        c.sendBinary(data);
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        c.sendText(answer(text));
                    }
                })
                .build().start();
        System.out.println("PORT " + server.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the benchmark closes our stdin
        }
        server.shutdown(java.time.Duration.ofSeconds(1));
    }

    private static String answer(String command) {
        if (command.equals("reset")) {
            System.gc();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            return "ok";
        }
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        return "heapPeak=" + peakHeap + " rss=" + residentBytes();
    }

    /** VmRSS of /proc/self/status (resident memory now), in bytes; -1 where there is no /proc. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }
}
