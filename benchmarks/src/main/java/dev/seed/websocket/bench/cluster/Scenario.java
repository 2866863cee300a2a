package dev.seed.websocket.bench.cluster;

import dev.seed.websocket.WebSocketClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Server instances ({@link ClusterNode}s, each its own JVM) with subscribers spread evenly over
 * them, all on {@link ClusterNode#TOPIC}, and a publisher on the first instance. {@link #run} runs
 * one bounded publication run and counts what every subscriber got.
 */
final class Scenario implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(120);
    /** How long past the last publication every subscriber may take to get everything. */
    private static final long DRAIN_MILLIS = 30_000;
    /** How often the subscribers' progress is sent to the publisher. */
    private static final long ACK_EVERY_NANOS = 200_000;

    final String name;
    final List<NodeProcess> nodes;
    private final WebSocketClient client;
    /** The subscribers of each node. */
    private final List<Subscribers> subscribers = new ArrayList<>();
    private final RedisProcess redis;
    private int runs;

    private Scenario(String name, List<NodeProcess> nodes, RedisProcess redis) {
        this.name = name;
        this.nodes = nodes;
        this.redis = redis;
        this.client = WebSocketClient.builder().build();
        for (int i = 0; i < nodes.size(); i++) {
            subscribers.add(new Subscribers());
        }
    }

    /**
     * Starts {@code instances} nodes (on {@code redis} when it is given, else one node on the
     * in-memory broker) pinned to {@code cpu} (null: not pinned), and opens {@code n} subscribers,
     * spread evenly.
     */
    static Scenario start(String name, int instances, RedisProcess redis, int n, String cpu, Path logDir)
            throws IOException {
        if (instances > 1 && redis == null) {
            throw new IllegalArgumentException("instances share a topic through Redis only");
        }
        List<NodeProcess> nodes = new ArrayList<>();
        Scenario s = null;
        try {
            for (int i = 0; i < instances; i++) {
                nodes.add(NodeProcess.start(name + "-" + (char) ('a' + i), redis == null ? null : redis.port(), cpu,
                        logDir));
            }
            s = new Scenario(name, nodes, redis);
            for (int i = 0; i < instances; i++) {
                int share = n / instances + (i < n % instances ? 1 : 0);
                s.subscribers.get(i).connect(s.client, nodes.get(i).port, share, CONNECT_TIMEOUT);
            }
            return s;
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                s.close();
            } else {
                nodes.forEach(NodeProcess::close);
            }
            throw e;
        }
    }

    int subscriberCount() {
        int n = 0;
        for (Subscribers s : subscribers) {
            n += s.size();
        }
        return n;
    }

    /** Closes subscribers until {@code n} are left, as evenly spread as before. */
    void keep(int n) {
        for (int i = 0; i < subscribers.size(); i++) {
            Subscribers s = subscribers.get(i);
            int share = n / subscribers.size() + (i < n % subscribers.size() ? 1 : 0);
            if (s.size() > share) {
                s.closeSome(new ArrayList<>(s.list().subList(share, s.size())));
            }
        }
    }

    /**
     * What to publish in one run: with {@code subscribers} (fewer than now: the others are closed
     * first), at {@code rate} a second (0: as fast as delivery goes), never more than
     * {@code window} messages not yet delivered to every subscriber, for the warm-up and the
     * measured time or {@code maxCount} messages.
     */
    record Spec(String label, int subscribers, int rate, int window, long warmupMillis, long measureMillis,
            long maxCount) {
    }

    /** What one run gave. */
    record Result(Spec spec, int subscribers, long published, long measured, double measuredSeconds,
            double heldBackSeconds, long failed, long measuredDeliveries, double p50, double p99, double p999,
            long latencySamples, long missing, long late, long gaps, long stray, boolean drained,
            double[] cpuPerSecond) {

        double publishedPerSecond() {
            return measured / measuredSeconds;
        }

        double deliveredPerSecond() {
            return measuredDeliveries / measuredSeconds;
        }

        boolean complete() {
            return missing == 0 && late == 0 && gaps == 0 && stray == 0 && drained && failed == 0;
        }
    }

    /**
     * One run: the first node publishes as {@code spec} says while the subscribers' progress is
     * sent back to it; then waits (bounded) until every subscriber has every message, and counts.
     * CPU per second of each node, Redis (when there is one) and this process is sampled over the
     * measured window.
     */
    Result run(Spec spec) throws IOException {
        if (spec.subscribers() > subscriberCount()) {
            throw new IllegalArgumentException(spec + ": only " + subscriberCount() + " subscribers are left");
        }
        keep(spec.subscribers());
        int run = ++runs;
        Subscribers.Measure m = new Subscribers.Measure(run);
        for (Subscribers s : subscribers) {
            s.begin(m);
        }
        NodeProcess publisher = nodes.get(0);
        long start = System.nanoTime();
        long measureFrom = start + spec.warmupMillis() * 1_000_000;
        long measureTo = measureFrom + spec.measureMillis() * 1_000_000;
        double[] cpuFrom = null;
        double[] cpuTo = null;
        publisher.send("publish " + run + " " + spec.rate() + " " + spec.window() + " " + spec.warmupMillis() + " "
                + spec.measureMillis() + " " + spec.maxCount());
        long acked = 0;
        String done = null;
        // bounded: the publisher stops at measureTo; its answer comes at once after
        long giveUp = measureTo + 30_000_000_000L;
        while (done == null) {
            long now = System.nanoTime();
            if (now > giveUp) {
                throw new IOException(publisher.name + " did not finish its run; see " + publisher.log());
            }
            if (cpuFrom == null && now >= measureFrom) {
                cpuFrom = cpuSeconds();
            }
            if (cpuTo == null && now >= measureTo) {
                cpuTo = cpuSeconds();
            }
            long everyone = everyoneHas();
            if (everyone > acked) {
                acked = everyone;
                publisher.send("a " + acked);
            }
            done = publisher.poll("PUBLISHED ");
            if (done == null) {
                LockSupport.parkNanos(ACK_EVERY_NANOS);
            }
        }
        String[] f = done.split(" ");
        long published = Long.parseLong(f[2]);
        long measured = Long.parseLong(f[3]);
        double measuredSeconds = Long.parseLong(f[4]) / 1e9;
        double heldBack = Long.parseLong(f[5]) / 1e9;
        long now = System.nanoTime();
        if (cpuFrom == null) {
            cpuFrom = cpuSeconds();
            measureFrom = now;
        }
        if (cpuTo == null) {
            cpuTo = cpuSeconds();
            measureTo = now;
        }
        long drainUntil = System.nanoTime() + DRAIN_MILLIS * 1_000_000;
        while (everyoneHas() < published && System.nanoTime() < drainUntil) {
            LockSupport.parkNanos(1_000_000);
        }
        boolean drained = everyoneHas() >= published;
        // a moment for anything sent twice to show up
        LockSupport.parkNanos(200_000_000);
        long failed = Long.parseLong(f[6]);
        long deliveries = 0;
        long missing = 0;
        long late = 0;
        long gaps = 0;
        long stray = 0;
        int n = 0;
        for (Subscribers s : subscribers) {
            stray += s.stray();
            for (Subscribers.Subscriber sub : s.list()) {
                Subscribers.Count c = sub.count(run);
                deliveries += c.measured();
                late += c.late();
                gaps += c.gaps();
                missing += Math.max(0, published - (c.received() - c.late()));
                n++;
            }
        }
        double window = Math.max(1e-9, (measureTo - measureFrom) / 1e9);
        double[] cpu = new double[cpuFrom.length];
        for (int i = 0; i < cpu.length; i++) {
            cpu[i] = (cpuTo[i] - cpuFrom[i]) / window;
        }
        return new Result(spec, n, published, measured, Math.max(1e-9, measuredSeconds), heldBack, failed, deliveries,
                m.latency.percentile(50), m.latency.percentile(99), m.latency.percentile(99.9), m.latency.count(),
                missing, late, gaps, stray, drained, cpu);
    }

    /** What the CPU columns are: each node, then Redis when there is one, then this process. */
    List<String> cpuNames() {
        List<String> names = new ArrayList<>();
        for (NodeProcess p : nodes) {
            names.add(p.name);
        }
        if (redis != null) {
            names.add("redis");
        }
        names.add("subscribers");
        return names;
    }

    private double[] cpuSeconds() {
        double[] out = new double[nodes.size() + (redis != null ? 2 : 1)];
        int i = 0;
        for (NodeProcess p : nodes) {
            out[i++] = cpuSeconds(p.pid());
        }
        if (redis != null) {
            out[i++] = cpuSeconds(redis.pid());
        }
        out[i] = cpuSeconds(ProcessHandle.current().pid());
        return out;
    }

    /** User + system CPU seconds of a process so far, from /proc (10 ms resolution); NaN without /proc. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private long everyoneHas() {
        long min = Long.MAX_VALUE;
        for (Subscribers s : subscribers) {
            if (s.size() > 0) {
                min = Math.min(min, s.everyoneHas());
            }
        }
        return min == Long.MAX_VALUE ? 0 : min;
    }

    @Override
    public void close() {
        for (Subscribers s : subscribers) {
            s.close();
        }
        client.close(Duration.ofSeconds(2));
        for (NodeProcess p : nodes) {
            p.close();
        }
    }
}
