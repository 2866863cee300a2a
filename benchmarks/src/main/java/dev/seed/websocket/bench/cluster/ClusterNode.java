package dev.seed.websocket.bench.cluster;

import dev.seed.websocket.SubscribeOptions;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.cluster.Publication;
import dev.seed.websocket.redis.RedisEngine;
import io.lettuce.core.RedisURI;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One server instance of {@link ClusterBench}, in its own JVM: one event loop, the default
 * in-memory broker or (with {@code --redis PORT}) a {@link RedisEngine} on the benchmark's
 * redis-server. {@code /sub} subscribes each connection to {@link #TOPIC} and then sends it
 * {@code subscribed}; {@code /idle} connections only stay open (the memory run subscribes them).
 * Prints {@code PORT n} once it listens, then takes commands on standard input, one a line:
 *
 * <ul>
 * <li>{@code publish RUN RATE WINDOW WARMUP_MS MEASURE_MS MAX_COUNT}: publishes numbered text
 *   messages of {@link #MESSAGE_LENGTH} characters to {@link #TOPIC} through
 *   {@code server.publish}, at RATE a second (0: as fast as the window lets), never more than
 *   WINDOW messages ahead of the last one every subscriber has acknowledged, for WARMUP_MS then
 *   MEASURE_MS, or until MAX_COUNT are out; then prints
 *   {@code PUBLISHED run count measured measuredNanos heldBackNanos failed} (held back: how long
 *   in the measured window a fixed-rate publisher waited for the window).
 * <li>{@code a N}: every subscriber has received messages 1..N of the current run.
 * <li>{@code memory TOPICS}: the heap after GC with the {@code /idle} connections unsubscribed,
 *   subscribed to one of TOPICS topics each (round robin), to two each, and unsubscribed again;
 *   prints {@code MEMORY connections before one two after}.
 * <li>{@code quit} (or the end of standard input): stops.
 * </ul>
 */
public final class ClusterNode {

    static final String TOPIC = "bench";
    static final int MESSAGE_LENGTH = 100;

    private final WebSocketServer server;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<WebSocketConnection> idle = Collections.synchronizedList(new ArrayList<>());
    private final PrintStream out = System.out;
    private volatile Thread publisher;

    private ClusterNode(Integer redisPort) {
        WebSocketServer.Builder b = WebSocketServer.builder()
                .host("127.0.0.1").port(0)
                .eventLoops(1)
                .backlog(4096)
                .route("/sub", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        c.subscribe(TOPIC, SubscribeOptions.plain()).whenComplete((r, e) ->
                                c.sendText(e == null && r.subscribed() ? "subscribed" : "not subscribed: " + e));
                    }
                })
                .route("/idle", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        idle.add(c);
                    }

                    @Override
                    public void onClose(WebSocketConnection c, int code, String reason) {
                        idle.remove(c);
                    }
                });
        if (redisPort != null) {
            RedisEngine engine = RedisEngine.builder(RedisURI.create("redis://127.0.0.1:" + redisPort)).build();
            b.broker(engine.broker()).presence(engine.presence());
        }
        server = b.build().start();
    }

    public static void main(String[] args) throws Exception {
        Integer redisPort = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--redis")) {
                redisPort = Integer.parseInt(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        ClusterNode node = new ClusterNode(redisPort);
        node.out.println("PORT " + node.server.port());
        node.out.flush();
        node.commands();
        node.server.shutdown(Duration.ofSeconds(1));
        System.exit(0);
    }

    private void commands() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        for (String line; (line = in.readLine()) != null;) {
            String[] f = line.trim().split(" ");
            switch (f[0]) {
                case "a" -> {
                    acked.accumulateAndGet(Long.parseLong(f[1]), Math::max);
                    Thread waiting = publisher;
                    if (waiting != null) {
                        LockSupport.unpark(waiting);
                    }
                }
                case "publish" -> {
                    if (publisher != null) {
                        publisher.join(60_000);
                    }
                    acked.set(0);
                    int run = Integer.parseInt(f[1]);
                    int rate = Integer.parseInt(f[2]);
                    int window = Integer.parseInt(f[3]);
                    long warmup = Long.parseLong(f[4]);
                    long measure = Long.parseLong(f[5]);
                    long max = Long.parseLong(f[6]);
                    publisher = new Thread(() -> publish(run, rate, window, warmup, measure, max), "publisher");
                    publisher.start();
                }
                case "memory" -> reply(memory(Integer.parseInt(f[1])));
                case "quit" -> {
                    return;
                }
                default -> reply("ERROR unknown command " + line);
            }
        }
    }

    private synchronized void reply(String line) {
        out.println(line);
        out.flush();
    }

    /** The text of message {@code seq} of {@code run}: "r7 m 42 1733300000123456 xxxx...", 100 chars. */
    static String message(int run, long seq, boolean measured, long micros) {
        StringBuilder sb = new StringBuilder(MESSAGE_LENGTH);
        sb.append('r').append(run).append(' ').append(measured ? 'm' : 'w').append(' ').append(seq).append(' ')
                .append(micros).append(' ');
        while (sb.length() < MESSAGE_LENGTH) {
            sb.append('x');
        }
        return sb.toString();
    }

    private void publish(int run, int rate, int window, long warmupMillis, long measureMillis, long max) {
        failed.set(0);
        long start = System.nanoTime();
        long measureFrom = start + warmupMillis * 1_000_000;
        long end = measureFrom + measureMillis * 1_000_000;
        long interval = rate > 0 ? 1_000_000_000L / rate : 0;
        long next = start;
        long seq = 0;
        long measured = 0;
        long firstMeasured = -1;
        long lastPublished = start;
        long heldBack = 0;
        while (seq < max) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            if (seq - acked.get() >= window) {
                // as many in flight as allowed: wait for the subscribers
                long from = now;
                while (seq - acked.get() >= window && (now = System.nanoTime()) < end) {
                    // woken by the next acknowledgement (the instance shares its CPU: no polling)
                    LockSupport.parkNanos(this, 1_000_000);
                }
                if (rate > 0) {
                    // counted in the measured window only (a cold JIT holds the warm-up back)
                    heldBack += Math.max(0, now - Math.max(from, measureFrom));
                    // no catching up afterwards: the rate stays what it was asked to be
                    next = Math.max(next, now);
                }
                continue;
            }
            if (rate > 0 && now < next) {
                // no spinning: the instance's event loop shares the CPU; what fell due while this
                // thread slept goes out at once when it wakes
                LockSupport.parkNanos(next - now);
                continue;
            }
            seq++;
            boolean m = now >= measureFrom;
            if (m) {
                measured++;
                if (firstMeasured < 0) {
                    firstMeasured = now;
                }
            }
            server.publish(TOPIC, message(run, seq, m, Publication.nowMicros())).whenComplete((n, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                }
            });
            lastPublished = now;
            if (rate > 0) {
                next += interval;
            }
        }
        long stop = seq >= max ? lastPublished : Math.min(System.nanoTime(), end);
        long measuredNanos = firstMeasured < 0 ? 0 : Math.max(1, stop - Math.min(firstMeasured, measureFrom));
        reply("PUBLISHED " + run + " " + seq + " " + measured + " " + measuredNanos + " " + heldBack + " "
                + failed.get());
    }

    private String memory(int topics) throws InterruptedException {
        List<WebSocketConnection> conns;
        synchronized (idle) {
            conns = new ArrayList<>(idle);
        }
        String[] names = new String[topics];
        for (int i = 0; i < topics; i++) {
            names[i] = "memory-" + i;
        }
        long before = heapAfterGc();
        int subscribed = 0;
        for (int i = 0; i < conns.size(); i++) {
            if (server.subscribe(conns.get(i), names[i % topics])) {
                subscribed++;
            }
        }
        long with = heapAfterGc();
        // a second topic each: what one more subscription of a connection takes
        for (int i = 0; i < conns.size(); i++) {
            server.subscribe(conns.get(i), names[(i + 1) % topics]);
        }
        long withTwo = heapAfterGc();
        for (int i = 0; i < conns.size(); i++) {
            server.unsubscribe(conns.get(i), names[i % topics]);
            server.unsubscribe(conns.get(i), names[(i + 1) % topics]);
        }
        long after = heapAfterGc();
        return "MEMORY " + subscribed + " " + before + " " + with + " " + withTwo + " " + after;
    }

    /** Heap used after full collections: the least of five readings, each after a System.gc(). */
    private static long heapAfterGc() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
