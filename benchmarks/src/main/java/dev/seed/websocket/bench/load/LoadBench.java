package dev.seed.websocket.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The end-to-end load benchmark: our server and a Netty 4.2 server, each in its own JVM with the
 * same heap and pinned to the same CPU, driven by the same {@link LoadGenerator} (this process,
 * pinned to another CPU by {@code bin/bench}), in rounds that alternate ours, Netty, ours,
 * Netty; each figure is the median of its rounds. Prints a table of ours, Netty's and the ratio
 * with the machine facts, and writes it to {@code target/bench-report.txt}.
 *
 * <p>The deflate-memory scenario ({@link DeflateMemoryScenario}) measures what a compressed
 * connection costs after traffic: {@code --deflate-connections} connections (10,000; 2,000 with
 * {@code --quick}) each offer {@code permessage-deflate; client_max_window_bits}, send one
 * compressed 2 KB JSON message and receive its echo; heap, native (NMT) and resident memory per
 * connection of our server in each compression mode (SHARED, WINDOWED, FULL) against Netty's
 * WebSocketServerCompressionHandler, each in a fresh server process per round.
 *
 * <p>Usage: {@code LoadBench [--quick] [--rounds N] [--idle N] [--deflate-connections N]
 * [--only name,name] [--histogram] [--jfr] [--baseline websocket-core.jar] [--server-jvm OPTION]...};
 * {@code --server-jvm} adds an option to both servers' JVMs (a GC setting, say); scenario names: small,
 * deflate, large16k, large1m, latency, broadcast, idle, handshake, deflate-memory. The handshake
 * scenario is the one {@link ContainerBench} runs against the web servers, here against Netty. {@code --idle} and
 * {@code --deflate-connections} are lowered to fit the open-files limit. {@code --histogram}
 * prints what each idle (and each compressed) connection holds, class by class; {@code --jfr} records each server with
 * Java Flight Recorder (profile settings) into {@code target/bench-logs/*.jfr}, for {@link JfrTop}.
 */
public final class LoadBench {

    private static final int SMALL_CONNECTIONS = 100;
    private static final int SMALL_SIZE = 32;
    private static final int SMALL_IN_FLIGHT = 16;
    private static final int BROADCAST_CONNECTIONS = 1000;
    private static final int BROADCAST_WINDOW = 8;
    private static final long CONNECT_TIMEOUT_MILLIS = 120_000;
    /** What the generator offers: it compresses every message on its own (RFC 7692 7.1.1.2). */
    private static final String DEFLATE_OFFER = "permessage-deflate; client_no_context_takeover";

    private final BenchConfig config;
    private final List<String> only;
    /** Whether the idle run prints a class histogram of what each connection holds. */
    private final boolean histogram;
    /** Another build of websocket-core to compare ours with instead of Netty; null: Netty. */
    private final Path baseline;
    private final List<Row> rows = new ArrayList<>();
    private final PrintStream log = System.out;

    private LoadBench(BenchConfig config, List<String> only, boolean histogram, Path baseline) {
        this.config = config;
        this.only = only;
        this.histogram = histogram;
        this.baseline = baseline;
    }

    /** One line of the result table. */
    record Row(String scenario, String metric, boolean higherIsBetter, double ours, double netty,
            double[] oursRounds, double[] nettyRounds, String target) {
    }

    /** Measures one round against one server; returns one value per metric. */
    @FunctionalInterface
    interface Round {
        double[] run(ServerProcess server, LoadGenerator generator, boolean warmup) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Integer rounds = null;
        Integer idle = null;
        Integer deflateConnections = null;
        List<String> only = List.of();
        boolean histogram = false;
        boolean jfr = false;
        Path baseline = null;
        List<String> serverJvm = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--idle" -> idle = Integer.parseInt(args[++i]);
                case "--deflate-connections" -> deflateConnections = Integer.parseInt(args[++i]);
                case "--only" -> only = Arrays.asList(args[++i].split(","));
                case "--histogram" -> histogram = true;
                case "--jfr" -> jfr = true;
                case "--baseline" -> baseline = Path.of(args[++i]);
                case "--server-jvm" -> serverJvm.add(args[++i]);
                default -> {
                    System.err.println("usage: LoadBench [--quick] [--rounds N] [--idle N] [--deflate-connections N]"
                            + " [--only a,b] [--histogram] [--jfr] [--baseline websocket-core.jar]"
                            + " [--server-jvm OPTION]...");
                    System.exit(2);
                }
            }
        }
        String serverCpu = MachineFacts.cpuCount() >= 2 && ServerProcess.onPath("taskset") ? "1" : null;
        BenchConfig config = quick ? BenchConfig.quick(serverCpu) : BenchConfig.full(serverCpu);
        if (rounds != null) {
            config = config.withRounds(rounds);
        }
        if (idle != null) {
            config = config.withIdleConnections(idle);
        }
        if (deflateConnections != null) {
            config = config.withDeflateConnections(deflateConnections);
        }
        if (jfr) {
            config = config.withFlightRecording();
        }
        for (String option : serverJvm) {
            config = config.withServerJvmOption(option); // both servers alike
        }
        long files = MachineFacts.openFilesLimit();
        if (files > 0 && files < config.idleConnections() + 512) {
            int n = (int) Math.max(100, files - 512);
            System.out.println("open files limit " + files + ": idle run reduced to " + n
                    + " connections (raise it with ulimit -n)");
            config = config.withIdleConnections(n);
        }
        int deflateHeld = config.deflateConnections() + DeflateMemoryScenario.WARMUP_CONNECTIONS;
        if (files > 0 && files < deflateHeld + 512) {
            int n = (int) Math.max(100, files - 512 - DeflateMemoryScenario.WARMUP_CONNECTIONS);
            System.out.println("open files limit " + files + ": deflate-memory run reduced to " + n
                    + " connections (raise it with ulimit -n)");
            config = config.withDeflateConnections(n);
        }
        if (baseline != null && !Files.isRegularFile(baseline)) {
            System.err.println("--baseline: no such jar: " + baseline);
            System.exit(2);
        }
        new LoadBench(config, only, histogram, baseline).run();
    }

    private boolean wanted(String name) {
        return only.isEmpty() || only.contains(name);
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        String loadBefore = MachineFacts.loadAverage();
        log.printf("load benchmark, %s mode: %d rounds per server, %d ms warm-up + %d ms measured per round%n",
                config.quick() ? "quick" : "full", config.rounds(), config.warmupMillis(), config.measureMillis());
        if (wanted("small") || wanted("large16k") || wanted("large1m") || wanted("latency")
                || wanted("broadcast") || wanted("idle") || wanted("handshake")) {
            try (ServerProcess ours = ServerProcess.start("ours", false, config);
                    ServerProcess netty = other(false)) {
                log.println("servers: " + ours + ", " + netty);
                plainScenarios(ours, netty);
            }
        }
        if (wanted("deflate")) {
            try (ServerProcess ours = ServerProcess.start("ours", true, config);
                    ServerProcess netty = other(true)) {
                log.println("servers: " + ours + ", " + netty);
                FrameTemplate t = FrameTemplate.compressedText(SMALL_SIZE, SMALL_IN_FLIGHT);
                compare("small messages, permessage-deflate", ours, netty,
                        List.of("messages/s", "msg/CPU-s"), true, ">= 1.2x",
                        echoRound(SMALL_CONNECTIONS, t, SMALL_IN_FLIGHT, DEFLATE_OFFER));
            }
        }
        if (wanted("deflate-memory")) {
            rows.addAll(new DeflateMemoryScenario(config, baseline, histogram, log).run());
        }
        String report = report(System.nanoTime() - started, loadBefore);
        log.println();
        log.println(report);
        Path out = Path.of("target", "bench-report.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        log.println("written to " + out.toAbsolutePath());
    }

    /** The server ours is compared with: Netty, or our server on the baseline build of the engine. */
    private ServerProcess other(boolean deflate) throws IOException {
        return baseline == null ? ServerProcess.start("netty", deflate, config)
                : ServerProcess.startBaseline(baseline, deflate, config);
    }

    /** How the report names the other server. */
    private String otherName() {
        return baseline == null ? "Netty 4.2" : "baseline";
    }

    private String otherShort() {
        return baseline == null ? "Netty" : "baseline";
    }

    private void plainScenarios(ServerProcess ours, ServerProcess netty) throws Exception {
        if (wanted("small")) {
            compare("small messages: 100 conn x 32 B text x 16 in flight", ours, netty,
                    List.of("messages/s", "msg/CPU-s"), true, ">= 1.2x",
                    echoRound(SMALL_CONNECTIONS, FrameTemplate.text(SMALL_SIZE, SMALL_IN_FLIGHT),
                            SMALL_IN_FLIGHT, null));
        }
        if (wanted("large16k")) {
            compare("large messages: 20 conn x 16 KiB binary x 4 in flight", ours, netty,
                    List.of("MB/s", "MB/CPU-s"), true,
                    ">= 1.0x", megabytes(echoRound(20, FrameTemplate.binary(16 * 1024, 4), 4, null)));
        }
        if (wanted("large1m")) {
            compare("large messages: 4 conn x 1 MiB binary x 2 in flight", ours, netty,
                    List.of("MB/s", "MB/CPU-s"), true,
                    ">= 1.0x", megabytes(echoRound(4, FrameTemplate.binary(1024 * 1024, 1), 2, null)));
        }
        if (wanted("latency")) {
            compare("latency: 100 conn, 32 B text, " + config.latencyRate() + " msg/s in total", ours, netty,
                    List.of("p50 us", "p99 us", "p99.9 us"), false, "p99 <= 1.0x", latencyRound());
        }
        if (wanted("broadcast")) {
            compare("broadcast: 32 B text to 1000 conn", ours, netty,
                    List.of("deliveries/s", "deliv/CPU-s"), true, "",
                    broadcastRound());
        }
        if (wanted("idle")) {
            compare("idle: " + config.idleConnections() + " open connections", ours, netty,
                    List.of("heap B/conn", "native B/conn"), false, "heap <= 0.5x", idleRound());
        }
        if (wanted("handshake")) {
            compare("handshakes: connect, upgrade, close; " + ContainerBench.HANDSHAKE_CONCURRENCY + " at a time",
                    ours, netty, List.of("handshakes/s", "hs/CPU-s"), true, ">= 1.0x", handshakeRound());
        }
    }

    /**
     * Handshake cycles (connect, upgrade, Close both ways, the server's TCP close) per second, and
     * per second of the server's CPU: with both servers faster than this one generator core, the
     * second figure is what tells them apart. The generator's own CPU is logged with each round.
     */
    private Round handshakeRound() {
        return (server, gen, warmup) -> {
            double[] cpu = new double[4];
            ContainerBench.measureCpu(gen, server, cpu);
            LoadGenerator.Cycles c = gen.handshakes(server.port, "/echo", ContainerBench.HANDSHAKE_CONCURRENCY,
                    warmup ? config.warmupMillis() * 2 : config.warmupMillis() / 2,
                    warmup ? 1 : config.measureMillis(), ContainerBench.STALL_MILLIS);
            double seconds = config.measureMillis() / 1000.0;
            if (!warmup) {
                log.printf(Locale.ROOT, "      %s: %d handshakes, cycle p50 %.0f us, p99 %.0f us; CPU in the window"
                        + " (cores): server %.2f, generator %.2f%n", server, c.completed(), c.p50Micros(),
                        c.p99Micros(), (cpu[1] - cpu[0]) / seconds, (cpu[3] - cpu[2]) / seconds);
            }
            double cpuSeconds = Math.max(0.01, cpu[1] - cpu[0]);
            return new double[] {c.perSecond(), c.perSecond() * seconds / cpuSeconds};
        };
    }

    // ------------------------------------------------------------------ rounds

    /**
     * Messages/s and payload bytes/s echoed, and the same per second of CPU the server process
     * used in the window: what a message costs the server, whatever share of its CPU the
     * machine's other work leaves it.
     */
    private Round echoRound(int connections, FrameTemplate template, int inFlight, String extensions) {
        return (server, gen, warmup) -> {
            List<GenConnection> conns = gen.connect(server.port, "/echo", extensions, connections,
                    CONNECT_TIMEOUT_MILLIS);
            double[] cpu = new double[2];
            gen.onMeasuredWindow(() -> cpu[0] = server.cpuSeconds(), () -> cpu[1] = server.cpuSeconds());
            try {
                LoadGenerator.Throughput t = gen.echo(conns, template, inFlight,
                        warmup ? config.warmupMillis() * 2 : config.warmupMillis() / 2,
                        warmup ? 1 : config.measureMillis());
                double seconds = config.measureMillis() / 1000.0;
                double cpuSeconds = Math.max(0.01, cpu[1] - cpu[0]);
                return new double[] {t.messagesPerSecond(), t.messagesPerSecond() * seconds / cpuSeconds,
                    t.bytesPerSecond() / 1e6, t.bytesPerSecond() / 1e6 * seconds / cpuSeconds};
            } finally {
                gen.close(conns);
            }
        };
    }

    /** Keeps the MB/s values of an echo round. */
    private static Round megabytes(Round echo) {
        return (server, gen, warmup) -> {
            double[] r = echo.run(server, gen, warmup);
            return new double[] {r[2], r[3]};
        };
    }

    private Round latencyRound() {
        return (server, gen, warmup) -> {
            List<GenConnection> conns = gen.connect(server.port, "/echo", null, SMALL_CONNECTIONS,
                    CONNECT_TIMEOUT_MILLIS);
            try {
                LoadGenerator.Latencies l = gen.latency(conns, FrameTemplate.text(SMALL_SIZE, 1),
                        config.latencyRate(), warmup ? config.warmupMillis() * 2 : config.warmupMillis() / 2,
                        config.measureMillis());
                return new double[] {l.percentile(50) / 1e3, l.percentile(99) / 1e3, l.percentile(99.9) / 1e3};
            } finally {
                gen.close(conns);
            }
        };
    }

    private Round broadcastRound() {
        return (server, gen, warmup) -> {
            List<GenConnection> conns = gen.connect(server.port, "/broadcast", null, BROADCAST_CONNECTIONS,
                    CONNECT_TIMEOUT_MILLIS);
            double[] cpu = new double[2];
            gen.onMeasuredWindow(() -> cpu[0] = server.cpuSeconds(), () -> cpu[1] = server.cpuSeconds());
            try {
                double rate = gen.broadcast(conns, FrameTemplate.text(SMALL_SIZE, BROADCAST_WINDOW),
                        BROADCAST_WINDOW, warmup ? config.warmupMillis() * 2 : config.warmupMillis() / 2,
                        warmup ? 1 : config.measureMillis());
                double cpuSeconds = Math.max(0.01, cpu[1] - cpu[0]);
                return new double[] {rate, rate * config.measureMillis() / 1000.0 / cpuSeconds};
            } finally {
                gen.close(conns);
            }
        };
    }

    /**
     * Heap used after a full GC and native memory outside the heap (NMT), before and after
     * opening the idle connections, divided by their number.
     */
    private Round idleRound() {
        return (server, gen, warmup) -> {
            int n = warmup ? 200 : config.idleConnections();
            java.util.Map<String, long[]> before = histogram && !warmup ? server.classHistogram() : null;
            long heapBefore = server.heapUsedAfterGc();
            long nativeBefore = server.nativeCommittedOutsideHeap();
            List<GenConnection> conns = gen.connect(server.port, "/echo", null, n, CONNECT_TIMEOUT_MILLIS);
            try {
                sleep(1000);
                if (histogram && !warmup) {
                    printHistogramDelta(log, server, before, n, "idle connection");
                }
                long heapAfter = server.heapUsedAfterGc();
                long nativeAfter = server.nativeCommittedOutsideHeap();
                return new double[] {(heapAfter - heapBefore) / (double) n, (nativeAfter - nativeBefore) / (double) n};
            } finally {
                gen.close(conns);
                sleep(500);
            }
        };
    }

    /** The classes whose live bytes grew most since {@code before}, per connection ({@code n} of them). */
    static void printHistogramDelta(PrintStream log, ServerProcess server, java.util.Map<String, long[]> before,
            int n, String connectionKind) throws IOException {
        java.util.Map<String, long[]> after = server.classHistogram();
        List<java.util.Map.Entry<String, long[]>> grown = new ArrayList<>();
        for (var e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
            if (d[1] > 0) {
                grown.add(java.util.Map.entry(e.getKey(), d));
            }
        }
        grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        log.printf("   %s: live objects added per %s (class histogram)%n", server, connectionKind);
        long total = 0;
        for (var e : grown) {
            total += e.getValue()[1];
        }
        for (var e : grown.subList(0, Math.min(30, grown.size()))) {
            log.printf(Locale.ROOT, "   %8.2f objects %8.1f B  %s%n", e.getValue()[0] / (double) n,
                    e.getValue()[1] / (double) n, e.getKey());
        }
        log.printf(Locale.ROOT, "   total %.1f B per connection%n", total / (double) n);
    }

    // ------------------------------------------------------------------ alternation

    /**
     * Warms each server up, then runs {@code rounds} measured rounds on each, alternating ours
     * and Netty; records the median of each metric.
     */
    private void compare(String scenario, ServerProcess ours, ServerProcess netty, List<String> metrics,
            boolean higherIsBetter, String target, Round round) throws Exception {
        log.println("== " + scenario);
        try (LoadGenerator gen = new LoadGenerator()) {
            round.run(ours, gen, true);
            sleep(300);
            round.run(netty, gen, true);
            sleep(300);
            int m = metrics.size();
            double[][] o = new double[m][config.rounds()];
            double[][] nt = new double[m][config.rounds()];
            for (int r = 0; r < config.rounds(); r++) {
                double[] a = round.run(ours, gen, false);
                sleep(300);
                double[] b = round.run(netty, gen, false);
                sleep(300);
                for (int i = 0; i < m; i++) {
                    o[i][r] = a[i];
                    nt[i][r] = b[i];
                }
                log.printf(Locale.ROOT, "   round %d: ours %s | %s %s%n", r + 1, fmt(a, m), netty.kind, fmt(b, m));
                if (!ours.alive() || !netty.alive()) {
                    throw new IOException("a server died; see " + ours.log() + " and " + netty.log());
                }
            }
            for (int i = 0; i < m; i++) {
                boolean better = higherIsBetter && !metrics.get(i).contains("/conn");
                rows.add(new Row(scenario, metrics.get(i), better, median(o[i]), median(nt[i]), o[i], nt[i],
                        i == 0 || metrics.get(i).startsWith("p99 ") ? target : ""));
            }
        }
    }

    private static String fmt(double[] values, int m) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < m; i++) {
            sb.append(i == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%,.1f", values[i]));
        }
        return sb.toString();
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ report

    private String report(long elapsedNanos, String loadBefore) {
        StringBuilder sb = new StringBuilder();
        sb.append(MachineFacts.machineAndPinning(config));
        if (baseline != null) {
            sb.append("Compared with: our server on the engine of ").append(baseline.toAbsolutePath()).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "Rounds: %d per server, alternating ours/%s, %d ms measured each;"
                + " figures are medians. Load average before %s, after %s. Took %.0f s.%n",
                config.rounds(), otherShort(), config.measureMillis(), loadBefore, MachineFacts.loadAverage(), elapsedNanos / 1e9));
        sb.append('\n');
        String format = "| %-54s | %-15s | %14s | %14s | %10s | %-12s |%n";
        sb.append(String.format(format, "scenario", "metric", "ours", otherName(), "ours/" + otherShort(), "target"));
        sb.append(String.format(format, "-".repeat(54), "-".repeat(15), "-".repeat(14), "-".repeat(14),
                "-".repeat(10), "-".repeat(12)));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, format, r.scenario(), r.metric(), number(r.ours()),
                    number(r.netty()), String.format(Locale.ROOT, "%.2fx", r.ours() / r.netty()), r.target()));
        }
        sb.append('\n').append("ours/" + otherShort()
                + " above 1 is better for rates, below 1 is better for latency and memory.\n");
        sb.append("x/CPU-s: the same rate per second of CPU the server process used in the window (user +\n"
                + "system, all threads, from /proc): what a message costs the server, whatever CPU share\n"
                + "the machine's other work leaves it.\n");
        if (rows.stream().anyMatch(r -> r.scenario().startsWith("deflate memory"))) {
            sb.append("deflate memory: each connection offered \"" + DeflateMemoryScenario.OFFER + "\",\n"
                    + "sent one " + DeflateMemoryScenario.MESSAGE_SIZE + " B JSON message compressed (RSV1) and"
                    + " received its echo; a fresh server process\n"
                    + "per round, " + DeflateMemoryScenario.WARMUP_CONNECTIONS + " warm-up connections held open."
                    + " native: NMT committed outside the heap; resident:\n"
                    + "RSS outside the heap (/proc/PID/smaps), which also holds zlib's malloc'd Deflater/Inflater\n"
                    + "state that NMT does not track; total: heap + the larger of the two. The " + otherShort()
                    + " column is\nthe same " + otherShort() + " server (default settings) in every mode's rows.\n");
        }
        sb.append("Per-round values:\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "  %s, %s: ours %s; %s %s%n", r.scenario(), r.metric(),
                    rounds(r.oursRounds()), otherShort(), rounds(r.nettyRounds())));
        }
        return sb.toString();
    }

    private static String number(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%,.1f", v);
    }

    private static String rounds(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(number(v[i]));
        }
        return sb.append(']').toString();
    }
}
