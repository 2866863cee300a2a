package dev.seed.websocket.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small non-blocking WebSocket load generator on one thread and one selector, the same against
 * every server. It sends pre-built masked frames ({@link FrameTemplate}) and counts the frames
 * that come back without decoding their payloads, so that it costs far less CPU per message
 * than a server does. Every run is bounded by its durations; connecting is bounded by a timeout.
 * Loopback only: it connects to 127.0.0.1.
 */
final class LoadGenerator implements AutoCloseable {

    /** Most connects (TCP + handshake) in progress at once. */
    private static final int CONNECT_CONCURRENCY = 256;
    /** Capacity of each connection's send-time ring in the latency run. */
    private static final int LATENCY_RING = 8192;

    /** Receives each data message that comes back. */
    interface MessageSink {
        /** {@code sentAt} is the send time of the matching request, or -1 when not tracked. */
        void message(GenConnection c, long payloadLength, long sentAt);
    }

    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private MessageSink sink = (c, n, t) -> { };
    /** Called as each measured window starts and ends (to read the server's CPU time). */
    private Runnable windowStart = () -> { };
    private Runnable windowEnd = () -> { };
    /** Called when a server closes a connection after its Close frame (handshake cycles); null: an error. */
    private java.util.function.Consumer<GenConnection> closedAfterClose;
    /** Connections that received messages in this poll and may have sends to start. */
    private final List<GenConnection> touched = new ArrayList<>();

    LoadGenerator() throws IOException {
        this.selector = Selector.open();
    }

    /** Sets what runs as each measured window starts and as it ends. */
    void onMeasuredWindow(Runnable atStart, Runnable atEnd) {
        this.windowStart = atStart;
        this.windowEnd = atEnd;
    }

    /** Opens {@code count} WebSocket connections to 127.0.0.1:{@code port}{@code path}. */
    List<GenConnection> connect(int port, String path, String extensions, int count, long timeoutMillis)
            throws IOException {
        List<GenConnection> all = new ArrayList<>(count);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        int started = 0;
        int open = 0;
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        MessageSink previous = sink;
        sink = (c, n, t) -> { };
        try {
            while (open < count) {
                while (started < count && started - open < CONNECT_CONCURRENCY) {
                    SocketChannel ch = SocketChannel.open();
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    GenConnection c = new GenConnection(ch, path, extensions);
                    c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
                    if (ch.connect(address)) {
                        c.connected(port);
                    }
                    all.add(c);
                    started++;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("only " + open + " of " + count + " connections opened within "
                            + timeoutMillis + " ms");
                }
                poll(10, port);
                open = 0;
                for (GenConnection c : all) {
                    if (c.isOpen()) {
                        open++;
                    }
                }
            }
        } catch (IOException e) {
            close(all);
            throw e;
        } finally {
            sink = previous;
        }
        return all;
    }

    /** Result of an echo run: messages and payload bytes received per second in the window. */
    record Throughput(double messagesPerSecond, double bytesPerSecond) {
    }

    /**
     * Keeps {@code inflight} messages outstanding on every connection (a reply lets the next
     * request go) for {@code warmupMillis}, then counts replies for {@code measureMillis}.
     */
    Throughput echo(List<GenConnection> conns, FrameTemplate template, int inflight, long warmupMillis,
            long measureMillis) throws IOException {
        long[] counts = new long[2];
        boolean[] measuring = new boolean[1];
        sink = (c, n, t) -> {
            c.toSend++;
            if (measuring[0]) {
                counts[0]++;
                counts[1] += n;
            }
        };
        long now = System.nanoTime();
        for (GenConnection c : conns) {
            c.template(template);
            c.toSend = inflight;
            c.pump(now);
        }
        runFor(warmupMillis);
        measuring[0] = true;
        windowStart.run();
        long start = System.nanoTime();
        runFor(measureMillis);
        double seconds = (System.nanoTime() - start) / 1e9;
        windowEnd.run();
        measuring[0] = false;
        stopSending(conns);
        return new Throughput(counts[0] / seconds, counts[1] / seconds);
    }

    /** What came back from {@link #sendOnceAndAwaitReplies}: messages, their payload bytes, how many compressed. */
    record Replies(long messages, long payloadBytes, long compressed) {
    }

    /**
     * Sends one copy of {@code template} on every connection and waits until every connection has
     * received one data message back (its frame read to the end, the payload counted, not
     * decoded); fails when that takes longer than {@code timeoutMillis}.
     */
    Replies sendOnceAndAwaitReplies(List<GenConnection> conns, FrameTemplate template, long timeoutMillis)
            throws IOException {
        long[] replies = new long[2];
        long compressedBefore = 0;
        for (GenConnection c : conns) {
            compressedBefore += c.compressedReceived;
        }
        sink = (c, n, t) -> {
            replies[0]++;
            replies[1] += n;
        };
        try {
            long now = System.nanoTime();
            long deadline = now + timeoutMillis * 1_000_000L;
            for (GenConnection c : conns) {
                c.template(template);
                c.toSend = 1;
                c.pump(now);
            }
            while (replies[0] < conns.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("only " + replies[0] + " of " + conns.size() + " replies within "
                            + timeoutMillis + " ms");
                }
                poll(10, 0);
            }
        } finally {
            sink = (c, n, t) -> { };
        }
        long compressed = -compressedBefore;
        for (GenConnection c : conns) {
            compressed += c.compressedReceived;
        }
        return new Replies(replies[0], replies[1], compressed);
    }

    /** Round-trip latencies of a fixed-rate run, in nanoseconds, sorted. */
    record Latencies(long[] sorted, double achievedRate) {
        long percentile(double p) {
            if (sorted.length == 0) {
                return -1;
            }
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }
    }

    /**
     * Sends {@code ratePerSecond} messages a second spread round robin over the connections,
     * each reply timed from the moment its request was written. Warm-up replies are not kept.
     */
    Latencies latency(List<GenConnection> conns, FrameTemplate template, int ratePerSecond, long warmupMillis,
            long measureMillis) throws IOException {
        int expected = (int) Math.min(Integer.MAX_VALUE - 8, (long) ratePerSecond * measureMillis / 1000 + 1024);
        long[] samples = new long[expected];
        int[] n = new int[1];
        long[] window = {Long.MAX_VALUE, Long.MAX_VALUE};
        sink = (c, len, sentAt) -> {
            if (sentAt >= window[0] && sentAt < window[1] && n[0] < samples.length) {
                samples[n[0]++] = System.nanoTime() - sentAt;
            }
        };
        for (GenConnection c : conns) {
            c.template(template);
            c.trackTimes(LATENCY_RING);
        }
        long begin = System.nanoTime();
        window[0] = begin + warmupMillis * 1_000_000L;
        window[1] = window[0] + measureMillis * 1_000_000L;
        long end = window[1];
        long sent = 0;
        int next = 0;
        double nanosPerMessage = 1e9 / ratePerSecond;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long due = (long) ((now - begin) / nanosPerMessage) - sent;
            for (long i = 0; i < due; i++) {
                GenConnection c = conns.get(next);
                next = next + 1 == conns.size() ? 0 : next + 1;
                c.toSend++;
                touched.add(c);
            }
            sent += due;
            pumpTouched(now);
            // Selector timeouts are whole milliseconds: at high rates sends go out in 1 ms
            // batches spread over different connections, rather than spinning the CPU.
            long untilNext = (long) ((sent + 1) * nanosPerMessage) - (System.nanoTime() - begin);
            poll(Math.max(1, untilNext / 1_000_000L), 0);
        }
        // Let the last replies of the window come back.
        runFor(200);
        for (GenConnection c : conns) {
            c.trackTimes(1);
        }
        stopSending(conns);
        long[] sorted = Arrays.copyOf(samples, n[0]);
        Arrays.sort(sorted);
        return new Latencies(sorted, sorted.length / (measureMillis / 1000.0));
    }

    /**
     * The first connection sends text messages that the server broadcasts to all of them,
     * keeping at most {@code window} broadcasts not yet delivered everywhere; counts deliveries.
     */
    double broadcast(List<GenConnection> conns, FrameTemplate template, int window, long warmupMillis,
            long measureMillis) throws IOException {
        long[] deliveries = new long[2];
        boolean[] measuring = new boolean[1];
        sink = (c, n, t) -> {
            deliveries[0]++;
            if (measuring[0]) {
                deliveries[1]++;
            }
        };
        GenConnection sender = conns.get(0);
        for (GenConnection c : conns) {
            c.template(template);
        }
        int receivers = conns.size();
        long[] sent = new long[1];
        Runnable refill = () -> {
            long outstanding = sent[0] - deliveries[0] / receivers;
            if (outstanding < window) {
                sender.toSend += (int) (window - outstanding);
                sent[0] += window - outstanding;
            }
        };
        refill.run();
        sender.pump(System.nanoTime());
        long measureStart = 0;
        long deadline = System.nanoTime() + warmupMillis * 1_000_000L;
        for (int phase = 0; phase < 2; phase++) {
            while (System.nanoTime() < deadline) {
                poll(5, 0);
                refill.run();
                sender.pump(System.nanoTime());
            }
            if (phase == 0) {
                measuring[0] = true;
                windowStart.run();
                measureStart = System.nanoTime();
                deadline = measureStart + measureMillis * 1_000_000L;
            }
        }
        double seconds = (System.nanoTime() - measureStart) / 1e9;
        windowEnd.run();
        measuring[0] = false;
        stopSending(conns);
        return deliveries[1] / seconds;
    }

    /** Result of a handshake run: complete cycles per second in the window, and their median and p99 time. */
    record Cycles(double perSecond, long completed, double p50Micros, double p99Micros) {
    }

    /**
     * Handshake cycles on {@code concurrency} connections at a time: each opens TCP to
     * 127.0.0.1:{@code port}, sends the upgrade request for {@code path}, checks the 101 and its
     * {@code Sec-WebSocket-Accept}, sends a Close frame (1000) and ends when the server has
     * answered with its Close frame and closed TCP (RFC 6455 section 7.1.1: the server closes
     * first); then the next cycle starts in its place. Counts the cycles that end in the measured
     * window. Fails when a server refuses, resets, or leaves a cycle unfinished for
     * {@code stallMillis}; cycles still open at the end are given a moment, then closed.
     */
    Cycles handshakes(int port, String path, int concurrency, long warmupMillis, long measureMillis,
            long stallMillis) throws IOException {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        List<GenConnection> active = new ArrayList<>(concurrency);
        long[] completed = new long[1];
        boolean[] measuring = new boolean[1];
        long[] times = new long[1 << 20];
        int[] timed = new int[1];
        closedAfterClose = c -> {
            c.close();
            active.remove(c);
            if (measuring[0]) {
                completed[0]++;
                if (timed[0] < times.length) {
                    times[timed[0]++] = System.nanoTime() - c.startedAt;
                }
            }
        };
        MessageSink previous = sink;
        sink = (c, n, t) -> { };
        long begin = System.nanoTime();
        long windowAt = begin + warmupMillis * 1_000_000L;
        long end = windowAt + measureMillis * 1_000_000L;
        long measureStart = 0;
        long stallNanos = stallMillis * 1_000_000L;
        try {
            long now = begin;
            while (now < end) {
                while (active.size() < concurrency) {
                    SocketChannel ch = SocketChannel.open();
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    GenConnection c = new GenConnection(ch, path, null);
                    c.closeOnOpen = true;
                    c.startedAt = now;
                    c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
                    active.add(c);
                    if (ch.connect(address)) {
                        c.connected(port);
                    }
                }
                poll(1, port);
                now = System.nanoTime();
                if (!measuring[0] && now >= windowAt) {
                    measuring[0] = true;
                    windowStart.run();
                    measureStart = System.nanoTime();
                }
                GenConnection oldest = active.isEmpty() ? null : active.get(0);
                if (oldest != null && now - oldest.startedAt > stallNanos) {
                    throw new IOException("a handshake cycle did not finish within " + stallMillis + " ms (closed "
                            + "by the server: " + oldest.closeReceived + ")");
                }
            }
            double seconds = (System.nanoTime() - measureStart) / 1e9;
            windowEnd.run();
            measuring[0] = false;
            // Let the cycles under way finish (they are not counted), then close what is left.
            long drainUntil = System.nanoTime() + 1_000_000_000L;
            while (!active.isEmpty() && System.nanoTime() < drainUntil) {
                poll(5, port);
            }
            long[] sorted = Arrays.copyOf(times, timed[0]);
            Arrays.sort(sorted);
            return new Cycles(completed[0] / seconds, completed[0], percentile(sorted, 50) / 1e3,
                    percentile(sorted, 99) / 1e3);
        } finally {
            closedAfterClose = null;
            sink = previous;
            close(new ArrayList<>(active));
        }
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Stops queuing and lets what is in flight drain for a moment, so the next run starts clean. */
    private void stopSending(List<GenConnection> conns) throws IOException {
        sink = (c, n, t) -> { };
        for (GenConnection c : conns) {
            c.toSend = 0;
        }
        runFor(100);
    }

    private void runFor(long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            poll(Math.max(1, left / 1_000_000L), 0);
        }
    }

    /** One select and the work it finds; {@code port} is used by connections that finish connecting. */
    private void poll(long timeoutMillis, int port) throws IOException {
        int ready = timeoutMillis <= 0 ? selector.selectNow() : selector.select(timeoutMillis);
        if (ready > 0) {
            var it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                GenConnection c = (GenConnection) key.attachment();
                if (!key.isValid()) {
                    continue;
                }
                if (key.isConnectable()) {
                    if (c.channel.finishConnect()) {
                        c.connected(port);
                    }
                    continue;
                }
                if (key.isWritable()) {
                    if (c.isOpen()) {
                        c.pump(System.nanoTime());
                    } else {
                        c.continueRequest();
                    }
                }
                if (key.isValid() && key.isReadable()) {
                    read(c);
                }
            }
        }
        pumpTouched(System.nanoTime());
    }

    private void read(GenConnection c) throws IOException {
        for (int i = 0; i < 8; i++) {
            readBuffer.clear();
            int n = c.channel.read(readBuffer);
            if (n < 0) {
                if (c.closeReceived && closedAfterClose != null) {
                    closedAfterClose.accept(c);
                    return;
                }
                throw new IOException("the server closed a connection");
            }
            if (n == 0) {
                break;
            }
            readBuffer.flip();
            if (c.onBytes(readBuffer, sink) > 0 || c.toSend > 0) {
                touched.add(c);
            }
            if (n < readBuffer.capacity()) {
                break;
            }
        }
    }

    private void pumpTouched(long now) throws IOException {
        for (int i = 0; i < touched.size(); i++) {
            GenConnection c = touched.get(i);
            if (c.isOpen() && c.toSend > 0) {
                c.pump(now);
            }
        }
        touched.clear();
    }

    void close(List<GenConnection> conns) {
        for (GenConnection c : conns) {
            c.close();
        }
        try {
            selector.selectNow(); // deregister the cancelled keys
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}
