package dev.seed.websocket.bench.stream;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The streaming benchmark: 1 GiB of binary data echoed by a server whose heap is 64 MiB, once as
 * one message streamed in parts ({@code /stream}: the server echoes each part as it arrives) and
 * once as 64 whole messages of 16 MiB ({@code /whole}). Reports MB/s each way and the server's
 * peak heap per scenario and its resident memory after it, in rounds that alternate the two. Bounded: each
 * scenario gives up after {@link #SCENARIO_TIMEOUT}.
 *
 * <pre>bin/bench stream [--rounds N] [--gib G]</pre>
 */
public final class StreamingBench {

    private static final Duration SCENARIO_TIMEOUT = Duration.ofMinutes(3);
    private static final int WHOLE_SIZE = 16 * 1024 * 1024;
    private static final int WRITE_SIZE = 64 * 1024;

    private StreamingBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        long total = 1L << 30;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--gib" -> total = (long) (Double.parseDouble(args[++i]) * (1L << 30));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        total = Math.max(WHOLE_SIZE, total / WHOLE_SIZE * WHOLE_SIZE);
        Process server = startServer();
        int port = readPort(server);
        List<String> rows = new ArrayList<>();
        try (WebSocketClient client = WebSocketClient.builder().maxMessageSize(WHOLE_SIZE + 1024)
                .maxFrameSize(WHOLE_SIZE + 1024).backpressureLimit(64L * 1024 * 1024).build()) {
            for (int round = 1; round <= rounds; round++) {
                rows.add(run(client, port, "stream", total, round));
                rows.add(run(client, port, "whole", total, round));
            }
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        System.out.println();
        System.out.println("scenario  round  MiB    seconds  MB/s    server heap peak  server RSS after");
        rows.forEach(System.out::println);
    }

    private static Process startServer() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx64m", "-Xms64m", "-XX:+UseSerialGC", "-XX:MaxDirectMemorySize=64m", "-cp",
                System.getProperty("java.class.path"), StreamingEchoServer.class.getName()));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static int readPort(Process server) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        for (int i = 0; i < 20; i++) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            if (line.startsWith("PORT ")) {
                return Integer.parseInt(line.substring(5).trim());
            }
        }
        throw new IllegalStateException("the streaming echo server did not start");
    }

    /** Counts what comes back: bytes of binary parts, whole messages, text answers. */
    private static final class Receiver implements WebSocketHandler {
        final AtomicLong bytes = new AtomicLong();
        final LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
        volatile CompletableFuture<Void> done = new CompletableFuture<>();
        volatile long expected;

        @Override
        public boolean receivesParts() {
            return true;
        }

        @Override
        public void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
            if (bytes.addAndGet(part.remaining()) >= expected) {
                done.complete(null);
            }
        }

        @Override
        public void onTextPart(WebSocketConnection c, String part, boolean last) {
            answers.add(part);
        }
    }

    private static String run(WebSocketClient client, int port, String route, long total, int round)
            throws Exception {
        Receiver receiver = new Receiver();
        receiver.expected = total;
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + port + "/" + route), receiver)
                .get(10, TimeUnit.SECONDS);
        c.sendText("reset");
        receiver.answers.poll(30, TimeUnit.SECONDS);
        byte[] block = new byte[WRITE_SIZE];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31);
        }
        long start = System.nanoTime();
        long deadline = start + SCENARIO_TIMEOUT.toNanos();
        if (route.equals("stream")) {
            try (OutputStream out = c.sendStream()) {
                for (long sent = 0; sent < total && System.nanoTime() < deadline; sent += block.length) {
                    out.write(block);
                }
            }
        } else {
            byte[] message = new byte[WHOLE_SIZE];
            for (int i = 0; i < message.length; i += block.length) {
                System.arraycopy(block, 0, message, i, block.length);
            }
            for (long sent = 0; sent < total && System.nanoTime() < deadline; sent += WHOLE_SIZE) {
                // one message in flight at a time each way: what a 64 MiB server can hold
                long target = sent + WHOLE_SIZE;
                c.sendBinary(ByteBuffer.wrap(message)).get(60, TimeUnit.SECONDS);
                while (receiver.bytes.get() < target && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            }
        }
        receiver.done.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        c.sendText("stats");
        String stats = receiver.answers.poll(30, TimeUnit.SECONDS);
        c.close().get(10, TimeUnit.SECONDS);
        long heapPeak = field(stats, "heapPeak");
        long rss = field(stats, "rss");
        String row = String.format("%-9s %5d  %5d  %7.2f  %6.0f  %13.1f MiB  %12.1f MiB", route, round,
                total >> 20, seconds, total / seconds / 1e6, heapPeak / 1048576.0, rss / 1048576.0);
        System.out.println(row);
        return row;
    }

    private static long field(String stats, String name) {
        for (String f : stats.split(" ")) {
            if (f.startsWith(name + "=")) {
                return Long.parseLong(f.substring(name.length() + 1));
            }
        }
        return -1;
    }
}
