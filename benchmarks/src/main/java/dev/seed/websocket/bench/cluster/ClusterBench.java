package dev.seed.websocket.bench.cluster;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The cluster benchmark ({@code bin/bench cluster}): one topic's publications delivered by one
 * server instance on the in-memory broker against two instances in separate JVMs on one
 * redis-server, with the publisher on the first; redis-server's own PUBLISH limit
 * (redis-benchmark); the Redis traffic of the same publications with 100 and with 1,000
 * subscribers; and the heap one subscription takes. Prints a table and writes it to
 * {@code target/cluster-report.txt}.
 *
 * <p>Pinning (when the machine has two CPUs and taskset): the server instances on CPU 1, this
 * process (the subscribers' client; {@code bin/bench} pins it) and redis-server on CPU 0,
 * redis-benchmark on CPU 1 (no instance runs then). Both scenarios are up at once so that their
 * runs alternate. Every run is bounded in time and count.
 *
 * <pre>bin/bench cluster [--quick] [--warmup S] [--measure S] [--rounds N] [--subscribers N]
 *     [--rate R] [--few N] [--sustained R] [--window W] [--traffic N] [--memory N]
 *     [--only single,two-instances,redis-benchmark,traffic,memory]</pre>
 */
public final class ClusterBench {

    private final Options o;
    private final String cpu;
    private final Path logDir = Path.of("target", "cluster-logs");
    private final PrintStream log = System.out;
    private final List<Scenario.Result> single = new ArrayList<>();
    private final List<Scenario.Result> two = new ArrayList<>();
    private final List<String> cpuNamesSingle = new ArrayList<>();
    private final List<String> cpuNamesTwo = new ArrayList<>();
    private final List<String[]> redisBench = new ArrayList<>();
    private final List<TrafficRun> traffic = new ArrayList<>();
    private String memory;
    private String redisVersion = "?";

    /**
     * @param rounds saturation runs of each scenario, alternating single and two-instances
     * @param subscribers subscribers of the saturation and sustained runs
     * @param rate published messages/s of the fixed-rate latency runs
     * @param few subscribers of the run at {@code rate} that the machine can deliver
     * @param sustained published messages/s of the latency run with every subscriber
     * @param window the most messages not yet delivered to every subscriber in the saturation run
     * @param traffic publications of each Redis traffic run
     * @param memoryConnections connections of the memory run
     */
    record Options(boolean quick, long warmupMillis, long measureMillis, int rounds, int subscribers, int rate,
            int few, int sustained, int window, long traffic, int memoryConnections, List<String> only,
            String command) {

        boolean wanted(String name) {
            return only.isEmpty() || only.contains(name);
        }
    }

    /** A publication run on two instances and what Redis counted meanwhile. */
    private record TrafficRun(Scenario.Result result, RedisProcess.Traffic redis) {
    }

    private ClusterBench(Options o, String cpu) {
        this.o = o;
        this.cpu = cpu;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        long warmup = quick ? 1000 : 3000;
        long measure = quick ? 3000 : 10_000;
        int rounds = quick ? 1 : 3;
        int subscribers = 1000;
        int rate = 10_000;
        int few = 10;
        int sustained = 100;
        int window = 32;
        long trafficCount = quick ? 2000 : 5000;
        int memory = 10_000;
        List<String> only = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> { }
                case "--warmup" -> warmup = (long) (Double.parseDouble(args[++i]) * 1000);
                case "--measure" -> measure = (long) (Double.parseDouble(args[++i]) * 1000);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--subscribers" -> subscribers = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--few" -> few = Integer.parseInt(args[++i]);
                case "--sustained" -> sustained = Integer.parseInt(args[++i]);
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--traffic" -> trafficCount = Long.parseLong(args[++i]);
                case "--memory" -> memory = Integer.parseInt(args[++i]);
                case "--only" -> only = Arrays.asList(args[++i].split(","));
                default -> {
                    System.err.println("usage: bin/bench cluster [--quick] [--warmup S] [--measure S] [--rounds N]"
                            + " [--subscribers N]"
                            + " [--rate R] [--few N] [--sustained R] [--window W] [--traffic N] [--memory N]"
                            + " [--only single,two-instances,redis-benchmark,traffic,memory]");
                    System.exit(2);
                }
            }
        }
        long files = openFilesLimit();
        if (files > 0 && files < memory + 512) {
            int n = (int) Math.max(100, files - 512);
            System.out.println("open files limit " + files + ": memory run reduced to " + n
                    + " connections (raise it with ulimit -n)");
            memory = n;
        }
        String command = "bin/bench cluster" + (args.length == 0 ? "" : " " + String.join(" ", args));
        Options o = new Options(quick, warmup, measure, Math.max(1, rounds), subscribers, rate, few, sustained, window,
                trafficCount, memory, only, command);
        String cpu = cpuCount() >= 2 && onPath("taskset") ? "1" : null;
        new ClusterBench(o, cpu).run();
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        String loadBefore = loadAverage();
        log.printf(Locale.ROOT, "cluster benchmark, %s: %d ms warm-up + %d ms measured per run; servers %s%n",
                o.quick() ? "quick" : "full", o.warmupMillis(), o.measureMillis(),
                cpu == null ? "not pinned" : "on CPU " + cpu);
        try (RedisProcess redis = RedisProcess.start()) {
            redisVersion = redis.version();
            log.println("redis-server " + redisVersion + " on 127.0.0.1:" + redis.port() + " (pid " + redis.pid() + ")");
            if (o.wanted("redis-benchmark")) {
                redisBenchmark(redis);
            }
            if (o.wanted("single") || o.wanted("two-instances") || o.wanted("traffic")) {
                scenarios(redis);
            }
        }
        if (o.wanted("memory")) {
            memory();
        }
        String report = report(System.nanoTime() - started, loadBefore);
        log.println();
        log.println(report);
        Path out = Path.of("target", "cluster-report.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        log.println("written to " + out.toAbsolutePath());
    }

    // ------------------------------------------------------------------ the scenarios

    /**
     * The unmeasured saturation run of each scenario before the others: two instances sharing a
     * CPU each compile on half of it, and take some 15 s to reach their rate.
     */
    private long jitWarmupMillis() {
        return o.quick() ? 5000 : 15_000;
    }

    /** Saturation round {@code round}: as fast as every subscriber gets the messages. */
    private Scenario.Spec saturation(int round) {
        return new Scenario.Spec(o.rounds() == 1 ? "saturation" : "saturation #" + round, o.subscribers(), 0, o.window(),
                o.warmupMillis(), o.measureMillis(), Long.MAX_VALUE);
    }

    /** A fixed rate that every subscriber can take, for latency. */
    private Scenario.Spec sustained() {
        return new Scenario.Spec(String.format(Locale.ROOT, "%,d msg/s", o.sustained()), o.subscribers(), o.sustained(),
                inFlightCap(o.sustained()), o.warmupMillis(), o.measureMillis(), Long.MAX_VALUE);
    }

    /**
     * The runs at the target rate and at a tenth of it, with as few subscribers as the machine can
     * deliver that rate to.
     */
    private List<Scenario.Spec> fewSubscribers() {
        List<Scenario.Spec> specs = new ArrayList<>();
        for (int rate : new int[] {o.rate() / 10, o.rate()}) {
            if (rate > 0) {
                specs.add(new Scenario.Spec(String.format(Locale.ROOT, "%,d msg/s", rate),
                        Math.min(o.few(), o.subscribers()), rate, inFlightCap(rate), o.warmupMillis(), o.measureMillis(),
                        Long.MAX_VALUE));
            }
        }
        return specs;
    }

    /**
     * A fixed-rate run never has more than this many messages not yet delivered everywhere (a
     * quarter of a second's worth, at least 64): past it the publisher waits and reports the time
     * it was held back, instead of queueing without bound.
     */
    private static int inFlightCap(int rate) {
        return Math.max(64, rate / 4);
    }

    /**
     * Both scenarios at once (an idle instance takes next to no CPU), so that their runs alternate:
     * an unmeasured saturation run each, saturation rounds, then the fixed rates; the Redis traffic
     * runs between, while the two-instances scenario still has every subscriber.
     */
    private void scenarios(RedisProcess redis) throws Exception {
        boolean wantSingle = o.wanted("single");
        boolean wantTwo = o.wanted("two-instances");
        Scenario a = null;
        Scenario b = null;
        try {
            if (wantSingle) {
                log.println("== single: one instance, in-memory broker, " + o.subscribers() + " subscribers");
                a = Scenario.start("single", 1, null, o.subscribers(), cpu, logDir);
                cpuNamesSingle.addAll(a.cpuNames());
            }
            log.println("== two-instances: two JVMs on one redis-server, " + o.subscribers() + " subscribers");
            b = Scenario.start("two-instances", 2, redis, o.subscribers(), cpu, logDir);
            cpuNamesTwo.addAll(b.cpuNames());
            // the instances' JIT compilers settle before anything is measured
            Scenario.Spec warm = new Scenario.Spec("JIT warm-up", o.subscribers(), 0, o.window(), 0,
                    jitWarmupMillis(), Long.MAX_VALUE);
            for (Scenario s : new Scenario[] {a, b}) {
                if (s != null) {
                    run(s, warm);
                }
            }
            for (int round = 1; round <= o.rounds(); round++) {
                both(a, wantTwo ? b : null, saturation(round));
            }
            if (o.sustained() > 0) {
                both(a, wantTwo ? b : null, sustained());
            }
            if (o.wanted("traffic")) {
                trafficRun(b, redis, o.subscribers());
                trafficRun(b, redis, Math.min(100, o.subscribers()));
            }
            for (Scenario.Spec spec : fewSubscribers()) {
                both(a, wantTwo ? b : null, spec);
            }
        } finally {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        }
    }

    /** The same run on each scenario given, one after the other. */
    private void both(Scenario a, Scenario b, Scenario.Spec spec) throws IOException {
        if (a != null) {
            single.add(run(a, spec));
        }
        if (b != null) {
            two.add(run(b, spec));
        }
    }

    private Scenario.Result run(Scenario s, Scenario.Spec spec) throws IOException {
        Scenario.Result r = s.run(spec);
        log.println("   " + line(s.name, r));
        checkAlive(s);
        return r;
    }

    private void trafficRun(Scenario s, RedisProcess redis, int subscribers) throws IOException {
        Scenario.Spec spec = new Scenario.Spec("traffic", subscribers, 0, o.window(), 0, 60_000, o.traffic());
        RedisProcess.Traffic before = redis.traffic();
        Scenario.Result r = s.run(spec);
        RedisProcess.Traffic delta = redis.traffic().minus(before);
        traffic.add(new TrafficRun(r, delta));
        log.printf(Locale.ROOT, "   traffic, %d subscribers: %d published, %s; Redis: %d commands (%d PUBLISH,"
                + " %d scripts), %,d B in, %,d B out%n", r.subscribers(), r.published(), completeness(r),
                delta.commands(), delta.publishCalls(), delta.scriptCalls(), delta.inputBytes(), delta.outputBytes());
        checkAlive(s);
    }

    private static void checkAlive(Scenario s) throws IOException {
        for (NodeProcess p : s.nodes) {
            if (!p.alive()) {
                throw new IOException(p.name + " died; see " + p.log());
            }
        }
    }

    private void redisBenchmark(RedisProcess redis) throws Exception {
        log.println("== redis-benchmark: PUBLISH of a 150-byte message, two subscribers reading");
        List<String> pin = cpu == null ? List.of() : List.of("taskset", "-c", cpu);
        String payload = "x".repeat(150);
        try (AutoCloseable a = redis.drainingSubscriber("ws:t:bench"); AutoCloseable b = redis.drainingSubscriber("ws:t:bench")) {
            for (List<String> extra : List.of(List.<String>of(), List.of("-P", "16"))) {
                double[] r = redis.publishBenchmark(pin, o.quick() ? 100_000 : 200_000, extra, "ws:t:bench", payload, 120);
                String flags = "-c 50" + (extra.isEmpty() ? "" : " " + String.join(" ", extra));
                redisBench.add(new String[] {flags, String.format(Locale.ROOT, "%,.0f", r[0]),
                    String.format(Locale.ROOT, "%.3f", r[1]), String.format(Locale.ROOT, "%.3f", r[2])});
                log.printf(Locale.ROOT, "   %s: %,.0f PUBLISH/s, p50 %.3f ms, p99 %.3f ms%n", flags, r[0], r[1], r[2]);
            }
        }
    }

    /**
     * Heap per subscription: {@code memoryConnections} idle connections to one instance, its heap
     * after GC with them unsubscribed, subscribed to one of 100 topics each (so many per topic),
     * to a second topic each, and unsubscribed again.
     */
    private void memory() throws Exception {
        int n = o.memoryConnections();
        log.println("== memory: " + n + " connections, subscribed to 100 topics (" + n / 100 + " each) or not");
        try (NodeProcess node = NodeProcess.start("memory", null, cpu, logDir);
                WebSocketClient client = WebSocketClient.builder().build()) {
            URI uri = URI.create("ws://127.0.0.1:" + node.port + "/idle");
            List<CompletableFuture<WebSocketConnection>> opening = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            for (int i = 0; i < n; i++) {
                opening.add(client.connect(uri, new WebSocketHandler() {
                }));
                if (opening.size() % 200 == 0) {
                    // a few hundred handshakes at a time
                    opening.get(opening.size() - 1).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            }
            for (var f : opening) {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            // the server may not have run every onOpen yet
            Thread.sleep(500);
            node.send("memory 100");
            String[] f = node.await("MEMORY ", Duration.ofSeconds(120)).split(" ");
            int subscribed = Integer.parseInt(f[1]);
            long before = Long.parseLong(f[2]);
            long one = Long.parseLong(f[3]);
            long two = Long.parseLong(f[4]);
            long after = Long.parseLong(f[5]);
            double perSubscription = (one - before) / (double) subscribed;
            memory = String.format(Locale.ROOT,
                    "%,d connections, %,d subscribed to 100 topics (%,d each); heap after GC: %,d B unsubscribed,"
                            + " %,d B subscribed, %,d B with a second topic each, %,d B unsubscribed again.%n"
                            + "  %.0f B per subscription (subscribed - unsubscribed) / %,d; a second subscription of"
                            + " the same connection %.0f B; %.0f B per connection stay after unsubscribing",
                    n, subscribed, subscribed / 100, before, one, two, after, perSubscription, subscribed,
                    (two - one) / (double) subscribed, (after - before) / (double) subscribed);
            log.println("   " + memory);
            client.close(Duration.ofSeconds(5));
        }
    }

    // ------------------------------------------------------------------ report

    private static String completeness(Scenario.Result r) {
        if (r.complete()) {
            return "all " + r.subscribers() + " subscribers got every message once, in order";
        }
        return String.format(Locale.ROOT, "missing %d, repeated/out of order %d, gaps %d, stray %d, failed %d%s",
                r.missing(), r.late(), r.gaps(), r.stray(), r.failed(), r.drained() ? "" : ", not drained in time");
    }

    private static String line(String scenario, Scenario.Result r) {
        return String.format(Locale.ROOT, "%s %s, %d subscribers: %,.0f published/s, %,.0f delivered/s,"
                + " p50 %s p99 %s p99.9 %s ms; held back %.1f s; %s; CPU %s", scenario, r.spec().label(),
                r.subscribers(), r.publishedPerSecond(), r.deliveredPerSecond(), ms(r.p50()), ms(r.p99()),
                ms(r.p999()), r.heldBackSeconds(), completeness(r), cpus(r.cpuPerSecond()));
    }

    private static String ms(double micros) {
        return Double.isNaN(micros) ? "-" : String.format(Locale.ROOT, "%.2f", micros / 1000);
    }

    private static String cpus(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.2f", v));
        }
        return sb.toString();
    }

    private String report(long elapsedNanos, String loadBefore) {
        StringBuilder sb = new StringBuilder();
        sb.append("Command: ").append(o.command()).append('\n');
        sb.append(String.format(Locale.ROOT, "Machine: %s, nproc %d, %s RAM, Linux %s; %s %s; redis-server %s%n",
                cpuModel(), cpuCount(), memoryTotal(), kernel(), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), redisVersion));
        sb.append(String.format(Locale.ROOT, "Processes: each instance its own JVM (%s, one event loop), %s; the"
                + " subscribers' client (this JVM) on CPUs %s, redis-server with it; redis-benchmark %s.%n",
                String.join(" ", NodeProcess.JVM), cpu == null ? "not pinned" : "all on CPU " + cpu + " (taskset)",
                allowedCpus(), cpu == null ? "not pinned" : "on CPU " + cpu));
        sb.append(String.format(Locale.ROOT, "Runs: %,d ms warm-up + %,d ms measured each, after an unmeasured"
                + " saturation run of %,d ms per scenario; %d saturation round(s), alternating; %d-character text"
                + " messages."
                + " Saturation: at most %d messages not yet delivered to every subscriber; fixed rates: at most a"
                + " quarter second's worth (past it the publisher is held back).%n", o.warmupMillis(),
                o.measureMillis(), jitWarmupMillis(), o.rounds(), ClusterNode.MESSAGE_LENGTH,
                o.window()));
        sb.append(String.format(Locale.ROOT, "Load average before %s, after %s. Took %.0f s.%n", loadBefore,
                loadAverage(), elapsedNanos / 1e9));
        sb.append('\n');
        if (!single.isEmpty() || !two.isEmpty()) {
            String format = "| %-13s | %-15s | %5s | %11s | %13s | %7s | %7s | %8s | %-11s | %-25s |%n";
            sb.append(String.format(format, "scenario", "run", "subs", "published/s", "delivered/s", "p50 ms", "p99 ms",
                    "p99.9 ms", "loss", "CPU (cores)"));
            sb.append(String.format(format, "-".repeat(13), "-".repeat(15), "-".repeat(5), "-".repeat(11),
                    "-".repeat(13), "-".repeat(7), "-".repeat(7), "-".repeat(8), "-".repeat(11), "-".repeat(25)));
            List<String> labels = new ArrayList<>();
            for (Scenario.Result r : concat(single, two)) {
                if (!labels.contains(r.spec().label())) {
                    labels.add(r.spec().label());
                }
            }
            for (String label : labels) {
                Scenario.Result a = find(single, label);
                Scenario.Result b = find(two, label);
                if (a != null) {
                    sb.append(row(format, "single", a));
                }
                if (b != null) {
                    sb.append(row(format, "two-instances", b));
                }
            }
            sb.append("CPU (cores): CPU seconds per second over the measured window (user + system, /proc) of "
                    + (cpuNamesSingle.isEmpty() ? "" : "single: " + String.join(" / ", cpuNamesSingle) + "; ")
                    + "two-instances: " + String.join(" / ", cpuNamesTwo) + ".\n"
                    + "loss: messages some subscriber never got / got twice or out of order; none: every subscriber got"
                    + " every message once, in order.\n");
            double[] satSingle = single.stream().filter(r -> r.spec().rate() == 0)
                    .mapToDouble(Scenario.Result::deliveredPerSecond).toArray();
            double[] satTwo = two.stream().filter(r -> r.spec().rate() == 0)
                    .mapToDouble(Scenario.Result::deliveredPerSecond).toArray();
            if (satSingle.length > 0 && satTwo.length > 0) {
                StringBuilder rounds = new StringBuilder();
                for (int i = 0; i < Math.min(satSingle.length, satTwo.length); i++) {
                    rounds.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2fx", satTwo[i] / satSingle[i]));
                }
                sb.append(String.format(Locale.ROOT, "Delivered rate at saturation, two-instances / single: %.2fx"
                        + " (median %,.0f / %,.0f deliveries/s; round by round %s). Target >= 0.5x.%n",
                        median(satTwo) / median(satSingle), median(satTwo), median(satSingle), rounds));
            }
            for (String label : labels) {
                Scenario.Result a = find(single, label);
                Scenario.Result b = find(two, label);
                if (a != null && b != null && a.spec().rate() > 0) {
                    sb.append(String.format(Locale.ROOT, "Redis hop at %s, %d subscribers (two-instances minus single):"
                            + " p50 %+.2f ms, p99 %+.2f ms, p99.9 %+.2f ms.%s%n", label, a.subscribers(),
                            (b.p50() - a.p50()) / 1000, (b.p99() - a.p99()) / 1000, (b.p999() - a.p999()) / 1000,
                            a.spec().rate() == 10_000 ? " Target p99 <= +1 ms." : ""));
                }
            }
            for (Scenario.Result r : concat(single, two)) {
                if (r.spec().rate() > 0 && (r.heldBackSeconds() > 0.01 || r.publishedPerSecond() < r.spec().rate() * 0.98)) {
                    sb.append(String.format(Locale.ROOT, "Not sustained: %s at %s with %d subscribers: %,.0f"
                            + " published/s, the publisher held back %.1f s by undelivered messages.%n",
                            single.contains(r) ? "single" : "two-instances", r.spec().label(), r.subscribers(),
                            r.publishedPerSecond(), r.heldBackSeconds()));
                }
            }
            sb.append('\n');
        }
        if (!redisBench.isEmpty()) {
            sb.append("redis-benchmark -h 127.0.0.1 -p PORT -n N [-P 16] --csv PUBLISH ws:t:bench <150 bytes>, two"
                    + " subscribers reading (Redis's own PUBLISH limit on this machine):\n");
            String format = "| %-11s | %12s | %7s | %7s |%n";
            sb.append(String.format(format, "flags", "PUBLISH/s", "p50 ms", "p99 ms"));
            sb.append(String.format(format, "-".repeat(11), "-".repeat(12), "-".repeat(7), "-".repeat(7)));
            for (String[] r : redisBench) {
                sb.append(String.format(format, (Object[]) r));
            }
            sb.append('\n');
        }
        if (!traffic.isEmpty()) {
            sb.append("Redis traffic (INFO stats deltas) of the same publications, two instances:\n");
            String format = "| %5s | %9s | %8s | %7s | %7s | %12s | %12s | %10s | %11s | %-9s |%n";
            sb.append(String.format(format, "subs", "published", "commands", "PUBLISH", "scripts", "net in B",
                    "net out B", "in B/msg", "out B/msg", "loss"));
            sb.append(String.format(format, "-".repeat(5), "-".repeat(9), "-".repeat(8), "-".repeat(7), "-".repeat(7),
                    "-".repeat(12), "-".repeat(12), "-".repeat(10), "-".repeat(11), "-".repeat(9)));
            for (TrafficRun t : traffic) {
                Scenario.Result r = t.result();
                RedisProcess.Traffic d = t.redis();
                sb.append(String.format(Locale.ROOT, format, r.subscribers(), r.published(), d.commands(),
                        d.publishCalls(), d.scriptCalls(), String.format(Locale.ROOT, "%,d", d.inputBytes()),
                        String.format(Locale.ROOT, "%,d", d.outputBytes()),
                        String.format(Locale.ROOT, "%.1f", d.inputBytes() / (double) r.published()),
                        String.format(Locale.ROOT, "%.1f", d.outputBytes() / (double) r.published()),
                        r.complete() ? "none" : r.missing() + "/" + r.late()));
            }
            if (traffic.size() == 2) {
                RedisProcess.Traffic a = traffic.get(0).redis();
                RedisProcess.Traffic b = traffic.get(1).redis();
                sb.append(String.format(Locale.ROOT, "%d subscribers against %d: commands %.3fx, bytes in %.3fx, bytes"
                        + " out %.3fx (the counts include the INFO commands that read them and any presence"
                        + " heartbeat, a script every 10 s)%n", traffic.get(0).result().subscribers(),
                        traffic.get(1).result().subscribers(), a.commands() / (double) b.commands(),
                        a.inputBytes() / (double) b.inputBytes(), a.outputBytes() / (double) b.outputBytes()));
            }
            sb.append('\n');
        }
        if (memory != null) {
            sb.append("Memory per subscription, in-memory broker, one instance:\n  ").append(memory).append('\n');
        }
        return sb.toString();
    }

    private static Scenario.Result find(List<Scenario.Result> results, String label) {
        for (Scenario.Result r : results) {
            if (r.spec().label().equals(label)) {
                return r;
            }
        }
        return null;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static List<Scenario.Result> concat(List<Scenario.Result> a, List<Scenario.Result> b) {
        List<Scenario.Result> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String row(String format, String scenario, Scenario.Result r) {
        String loss = r.complete() ? "none" : r.missing() + " / " + r.late() + (r.drained() ? "" : " undrained");
        return String.format(Locale.ROOT, format, scenario, r.spec().label(), r.subscribers(),
                String.format(Locale.ROOT, "%,.0f", r.publishedPerSecond()),
                String.format(Locale.ROOT, "%,.0f", r.deliveredPerSecond()), ms(r.p50()), ms(r.p99()), ms(r.p999()),
                loss, cpus(r.cpuPerSecond()));
    }

    // ------------------------------------------------------------------ the machine

    static long cpuCount() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count();
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    private static String cpuModel() {
        return firstValue(Path.of("/proc/cpuinfo"), "model name");
    }

    private static String memoryTotal() {
        return firstValue(Path.of("/proc/meminfo"), "MemTotal");
    }

    private static String kernel() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    /** The CPUs this process may run on (taskset), from /proc/self/status. */
    private static String allowedCpus() {
        String v = firstValue(Path.of("/proc/self/status"), "Cpus_allowed_list");
        return v.equals("?") ? "all" : v;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static long openFilesLimit() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (l.startsWith("Max open files")) {
                    String v = l.substring("Max open files".length()).trim().split("\\s+")[0];
                    return v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    private static String firstValue(Path file, String key) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
