package dev.seed.websocket.bench.cluster;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.cluster.Publication;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The subscribers of a scenario: WebSocket connections of our {@link WebSocketClient}, each
 * checking that the messages of the current run come in order, once each (by their number), and
 * recording how long after its publication each measured message came (the publication time is
 * in the message, in wall-clock microseconds; publisher and subscribers share the machine's clock).
 */
final class Subscribers implements AutoCloseable {

    /** How many connections are opened at once. */
    private static final int CONNECT_BATCH = 200;

    private final List<Subscriber> all = new ArrayList<>();
    private volatile Measure measure = new Measure(0);
    /** Messages of a run other than the current one, or that could not be read. */
    private final AtomicLong stray = new AtomicLong();

    /** What the subscribers record in one run. */
    static final class Measure {
        final int run;
        final LatencyHistogram latency = new LatencyHistogram();

        Measure(int run) {
            this.run = run;
        }
    }

    /** One subscriber's count of one run. */
    record Count(long received, long measured, long last, long gaps, long late) {
    }

    /** One connection. Its fields are written by the client's event loop only. */
    final class Subscriber implements WebSocketHandler {
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        volatile WebSocketConnection connection;
        private int run;
        private long received;
        private long measured;
        /** Messages missing between two that came (a number skipped). */
        private long gaps;
        /** Messages whose number is not above the last one's: repeated or out of order. */
        private long late;
        private volatile long last;

        @Override
        public void onText(WebSocketConnection c, String text) {
            if (text.charAt(0) != 'r') {
                if (text.equals("subscribed")) {
                    ready.complete(null);
                } else {
                    ready.completeExceptionally(new IOException(text));
                }
                return;
            }
            long now = Publication.nowMicros();
            Measure m = measure;
            try {
                int s1 = text.indexOf(' ');
                int r = Integer.parseInt(text, 1, s1, 10);
                int s2 = s1 + 2;
                int s3 = text.indexOf(' ', s2 + 1);
                long seq = Long.parseLong(text, s2 + 1, s3, 10);
                int s4 = text.indexOf(' ', s3 + 1);
                long micros = Long.parseLong(text, s3 + 1, s4, 10);
                if (r != m.run) {
                    stray.incrementAndGet();
                    return;
                }
                if (run != r) {
                    run = r;
                    received = measured = gaps = late = 0;
                    last = 0;
                }
                received++;
                if (text.charAt(s1 + 1) == 'm') {
                    measured++;
                    m.latency.record(now - micros);
                }
                if (seq > last) {
                    gaps += seq - last - 1;
                    last = seq;
                } else {
                    late++;
                }
            } catch (RuntimeException e) {
                stray.incrementAndGet();
            }
        }

        @Override
        public void onClose(WebSocketConnection c, int code, String reason) {
            ready.completeExceptionally(new IOException("closed " + code + " " + reason));
        }

        /** The highest number received in {@code r}, 0 when none. */
        long last(int r) {
            long l = last;
            return run == r ? l : 0;
        }

        Count count(int r) {
            long l = last;
            return run == r ? new Count(received, measured, l, gaps, late) : new Count(0, 0, 0, 0, 0);
        }
    }

    /** Opens {@code n} subscribers to {@code /sub} of the server on {@code port}; returns once each is subscribed. */
    void connect(WebSocketClient client, int port, int n, Duration timeout) throws IOException {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/sub");
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int from = 0; from < n; from += CONNECT_BATCH) {
            List<Subscriber> batch = new ArrayList<>();
            List<CompletableFuture<WebSocketConnection>> opening = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + CONNECT_BATCH); i++) {
                Subscriber s = new Subscriber();
                batch.add(s);
                opening.add(client.connect(uri, s));
            }
            for (int i = 0; i < batch.size(); i++) {
                try {
                    batch.get(i).connection = opening.get(i).get(left(deadline), TimeUnit.NANOSECONDS);
                    batch.get(i).ready.get(left(deadline), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    throw new IOException("subscriber " + (from + i) + " of " + n + " to port " + port
                            + " did not subscribe: " + e, e);
                } finally {
                    all.add(batch.get(i));
                }
            }
        }
    }

    private static long left(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }

    int size() {
        return all.size();
    }

    List<Subscriber> list() {
        return all;
    }

    /** Starts counting {@code m}'s run: messages of any other run count as stray from now on. */
    void begin(Measure m) {
        stray.set(0);
        measure = m;
    }

    /** The number every subscriber has received up to (in the current run). */
    long everyoneHas() {
        int r = measure.run;
        long min = Long.MAX_VALUE;
        for (Subscriber s : all) {
            min = Math.min(min, s.last(r));
        }
        return all.isEmpty() ? 0 : min;
    }

    long stray() {
        return stray.get();
    }

    /** Closes these subscribers, taking them off this set, and waits (bounded) until they are closed. */
    void closeSome(List<Subscriber> which) {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Subscriber s : which) {
            WebSocketConnection c = s.connection;
            if (c != null) {
                closing.add(c.close());
            }
        }
        all.removeAll(which);
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            // some did not finish closing in time; the server times them out
        }
    }

    @Override
    public void close() {
        closeSome(new ArrayList<>(all));
    }
}
