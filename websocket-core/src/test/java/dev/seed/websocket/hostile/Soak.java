package dev.seed.websocket.hostile;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.EchoHandler;
import dev.seed.websocket.it.TestTls;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded soak run on loopback: {@code connections} clients hold connections to an echo server
 * and each sends a numbered message every {@code interval} for {@code duration}; each checks that
 * its echoes come back complete, once each and in order. It measures open file descriptors
 * before and after (they must come back to the baseline) and the heap after a full GC near the
 * start and near the end (it must stay flat). Everything stops by itself.
 *
 * <p>Over TLS, beside the steady clients, TLS 1.2 and 1.3 peers keep arriving and leaving the
 * ways a peer may end a TLS connection (Close and close_notify in one segment, close_notify
 * alone, a reset in the middle of a frame); the server must end each of the first two within
 * 3 s while it serves the others.
 *
 * <p>{@link SoakTest} runs a short one in the test command; {@code bin/soak} runs a long one:
 * {@code java ... dev.seed.websocket.hostile.Soak <connections> <seconds> [interval millis]}.
 */
public final class Soak {

    /** The settings of one run. */
    public record Settings(int connections, Duration duration, Duration interval, boolean tls) {
        public Settings(int connections, Duration duration, Duration interval) {
            this(connections, duration, interval, false);
        }
    }

    /** What a run found. */
    public record Report(int connections, long sent, long received, long lost, long duplicated, long reordered,
            long failedSends, int fdsBefore, int fdsAfter, long heapFirst, long heapLast, Duration took,
            long tlsClosers, long tlsClosersNotEnded) {

        /** Heap growth allowed from the first sample to the last: noise, not a leak. */
        static long allowedHeapGrowth(long first) {
            return Math.max(8L * 1024 * 1024, first / 10);
        }

        public boolean passed() {
            return sent > 0 && received == sent && lost == 0 && duplicated == 0 && reordered == 0 && failedSends == 0
                    && tlsClosersNotEnded == 0 && fdsAfter <= fdsBefore && heapLast - heapFirst <= allowedHeapGrowth(heapFirst);
        }

        @Override
        public String toString() {
            return String.format("soak: %d connections for %d s: sent %d, received %d, lost %d, duplicated %d, "
                    + "reordered %d, failed sends %d; fds %d before, %d after; heap after GC %d MiB first, "
                    + "%d MiB last (allowed growth %d MiB)%s: %s",
                    connections, took.toSeconds(), sent, received, lost, duplicated, reordered, failedSends,
                    fdsBefore, fdsAfter, heapFirst >> 20, heapLast >> 20, allowedHeapGrowth(heapFirst) >> 20,
                    tlsClosers == 0 ? "" : "; TLS closers " + tlsClosers + ", not ended in 3 s " + tlsClosersNotEnded,
                    passed() ? "PASSED" : "FAILED");
        }
    }

    /** One client connection's checker: expects its own numbers back in order. */
    private static final class Peer implements WebSocketHandler {
        final String prefix;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicLong lost = new AtomicLong();
        final AtomicLong duplicated = new AtomicLong();
        final AtomicLong reordered = new AtomicLong();
        /** The next number expected back; the connection's loop only. */
        long expected;
        volatile WebSocketConnection connection;

        Peer(int id) {
            this.prefix = id + ":";
        }

        @Override
        public void onText(WebSocketConnection c, String text) {
            received.incrementAndGet();
            if (!text.startsWith(prefix)) {
                reordered.incrementAndGet(); // someone else's message: crossed connections
                return;
            }
            long n = Long.parseLong(text.substring(prefix.length(), text.indexOf(' ')));
            if (n == expected) {
                expected++;
            } else if (n > expected) {
                lost.addAndGet(n - expected);
                expected = n + 1;
            } else if (n == expected - 1) {
                duplicated.incrementAndGet();
            } else {
                reordered.incrementAndGet();
            }
        }
    }

    private Soak() {
    }

    public static Report run(Settings settings) throws Exception {
        long start = System.nanoTime();
        Resources.requireOpenFileLimit(2 * settings.connections() + 1024);
        warmUp();
        int fdsBefore = Resources.openFileDescriptors();
        WebSocketServer.Builder sb = WebSocketServer.builder().host("127.0.0.1").port(0).backlog(8192)
                .route("/echo", new EchoHandler());
        WebSocketClient.Builder cb = WebSocketClient.builder();
        if (settings.tls()) {
            sb.sslContext(TestTls.serverContext());
            cb.sslContext(TestTls.clientContext());
        }
        WebSocketServer server = sb.build().start();
        WebSocketClient client = cb.build();
        TlsClosers closers = null;
        List<Peer> peers = new ArrayList<>();
        AtomicLong failedSends = new AtomicLong();
        long heapFirst;
        long heapLast;
        try {
            connectAll(client, (settings.tls() ? "wss" : "ws") + "://127.0.0.1:" + server.port() + "/echo",
                    settings.connections(), peers);
            long sendingEnds = System.nanoTime() + settings.duration().toNanos();
            if (settings.tls()) {
                closers = new TlsClosers(server.port(), sendingEnds);
                closers.start();
            }
            long firstSample = System.nanoTime() + Math.min(Duration.ofMinutes(1).toNanos(), settings.duration().toNanos() / 4);
            long lastSample = sendingEnds - Math.min(Duration.ofMinutes(1).toNanos(), settings.duration().toNanos() / 4);
            heapFirst = -1;
            heapLast = -1;
            String padding = "x".repeat(32);
            long tick = settings.interval().toNanos();
            for (long next = System.nanoTime(); System.nanoTime() < sendingEnds; next += tick) {
                for (Peer p : peers) {
                    long n = p.sent.getAndIncrement();
                    p.connection.sendText(p.prefix + n + " " + padding).whenComplete((v, e) -> {
                        if (e != null) {
                            failedSends.incrementAndGet();
                        }
                    });
                }
                long now = System.nanoTime();
                if (heapFirst < 0 && now >= firstSample) {
                    heapFirst = Resources.heapAfterGc();
                } else if (heapLast < 0 && now >= lastSample && heapFirst >= 0) {
                    heapLast = Resources.heapAfterGc();
                }
                long sleep = next + tick - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            if (heapLast < 0) {
                heapLast = Resources.heapAfterGc();
            }
            // Let the last echoes arrive (bounded).
            Resources.await(() -> peers.stream().allMatch(p -> p.received.get() >= p.sent.get()), 60_000);
            if (closers != null) {
                closers.join(30_000);
            }
        } finally {
            client.close();
            server.shutdown(Duration.ofSeconds(5));
        }
        int fdsAfter = Resources.awaitFileDescriptorsAtMost(fdsBefore, 15_000);
        long sent = peers.stream().mapToLong(p -> p.sent.get()).sum();
        long received = peers.stream().mapToLong(p -> p.received.get()).sum();
        long lost = peers.stream().mapToLong(p -> p.lost.get() + Math.max(0, p.sent.get() - p.expected)).sum();
        long duplicated = peers.stream().mapToLong(p -> p.duplicated.get()).sum();
        long reordered = peers.stream().mapToLong(p -> p.reordered.get()).sum();
        return new Report(settings.connections(), sent, received, lost, duplicated, reordered, failedSends.get(),
                fdsBefore, fdsAfter, heapFirst, heapLast, Duration.ofNanos(System.nanoTime() - start),
                closers == null ? 0 : closers.count, closers == null ? 0 : closers.notEnded);
    }

    /**
     * TLS peers that open a connection and end it, one after the other until {@code ends}, taking
     * turns between TLS 1.2 and 1.3 and three ways to end.
     */
    private static final class TlsClosers extends Thread {
        private final int port;
        private final long ends;
        volatile long count;
        volatile long notEnded;

        TlsClosers(int port, long ends) {
            super("soak-tls-closers");
            setDaemon(true);
            this.port = port;
            this.ends = ends;
        }

        @Override
        public void run() {
            for (int i = 0; System.nanoTime() < ends; i++) {
                String protocol = i % 2 == 0 ? "TLSv1.2" : "TLSv1.3";
                try (TlsWirePeer peer = new TlsWirePeer(port, protocol)) {
                    peer.open("/echo");
                    switch ((i / 2) % 3) {
                        case 0 -> peer.sendTogether(peer.closeFrame(1000), peer.closeNotify());
                        case 1 -> peer.sendTogether(peer.closeNotify());
                        default -> {
                            peer.sendTogether(peer.record(java.util.Arrays.copyOf(
                                    dev.seed.websocket.it.RawPeer.frame(0x82, new byte[512], true, 512, 7), 100)));
                            peer.reset();
                        }
                    }
                    if ((i / 2) % 3 != 2 && !peer.endedWithin(3000)) {
                        notEnded++;
                    }
                    count++;
                    Thread.sleep(20);
                } catch (Exception e) {
                    notEnded++;
                    count++;
                }
            }
        }
    }

    /**
     * One connection made and closed before the baseline is taken: what a JVM opens once and
     * keeps (the random source that client masking keys come from, for one) is not a leak.
     */
    private static void warmUp() throws Exception {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/echo", new EchoHandler()).build().start();
        try (WebSocketClient client = WebSocketClient.create()) {
            Peer p = new Peer(0);
            WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), p)
                    .get(10, TimeUnit.SECONDS);
            c.sendText("0:0 warm").get(10, TimeUnit.SECONDS);
            c.close().get(10, TimeUnit.SECONDS);
        } finally {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    /** Opens the connections, at most 256 handshakes in flight at once. */
    private static void connectAll(WebSocketClient client, String url, int count, List<Peer> peers) throws Exception {
        URI uri = URI.create(url);
        Semaphore inFlight = new Semaphore(256);
        List<CompletableFuture<WebSocketConnection>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Peer p = new Peer(i);
            peers.add(p);
            inFlight.acquire();
            // wait for the callback, not only the connect: the callback is what sets the connection
            all.add(client.connect(uri, p).whenComplete((c, e) -> {
                p.connection = c;
                inFlight.release();
            }));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(2, TimeUnit.MINUTES);
    }

    /** {@code Soak <connections> <seconds> [interval millis]}; exits 1 when the run fails. */
    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 600;
        int intervalMillis = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        boolean tls = args.length > 3 && args[3].equals("tls");
        if (connections < 1 || seconds < 1 || seconds > 24 * 3600 || intervalMillis < 1) {
            throw new IllegalArgumentException(
                    "usage: Soak <connections> <seconds (at most a day)> [interval millis] [tls]");
        }
        System.out.printf("soak: %d connections, a message each every %d ms, for %d s, on loopback%s%n",
                connections, intervalMillis, seconds, tls ? " over TLS, with TLS closers" : "");
        Report report = run(new Settings(connections, Duration.ofSeconds(seconds), Duration.ofMillis(intervalMillis),
                tls));
        System.out.println(report);
        System.exit(report.passed() ? 0 : 1);
    }
}
