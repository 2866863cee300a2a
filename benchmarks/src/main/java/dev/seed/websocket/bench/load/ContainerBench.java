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
 * The servlet container benchmark ({@code bin/bench containers}): our engine hosted on embedded
 * Tomcat through {@code WebSocketUpgradeFilter}, Tomcat's own JSR-356 WebSocket on the same
 * Tomcat, our engine hosted on embedded Jetty 12.1 through the same filter, Jetty's own WebSocket
 * on the same Jetty, and our server on its own port, side by side in one run. Each server is a JVM
 * of its own started by {@link ServerProcess} with the load benchmark's flags and CPU
 * (taskset -c 1), driven by the same {@link LoadGenerator} (this process, on CPU 0), in rounds
 * that go through the servers in turn (each round starting with the next server); each figure is
 * the median of its rounds. Scenarios:
 *
 * <ul>
 *   <li>small: 100 connections x 32-byte text x 16 in flight, echoed messages/s;</li>
 *   <li>large16k: 20 connections x 16 KiB binary x 4 in flight, payload MB/s echoed;</li>
 *   <li>handshake: {@value #HANDSHAKE_CONCURRENCY} connections at a time each doing connect, upgrade
 *       (101 checked), Close frame, the server's Close and its TCP close; handshakes/s.</li>
 * </ul>
 *
 * <p>Usage: {@code ContainerBench [--quick] [--rounds N] [--only small,large16k,handshake] [--jfr]
 * [--tomcat-buffer BYTES]}; {@code --tomcat-buffer} sets both Tomcat servers' socket read and write
 * buffers (Tomcat's {@code socket.appReadBufSize} and {@code appWriteBufSize}, 8 KiB by default).
 * Prints the table and writes it to {@code target/containers-report.txt}.
 */
public final class ContainerBench {

    private static final int SMALL_CONNECTIONS = 100;
    private static final int SMALL_SIZE = 32;
    private static final int SMALL_IN_FLIGHT = 16;
    private static final int LARGE_CONNECTIONS = 20;
    private static final int LARGE_SIZE = 16 * 1024;
    private static final int LARGE_IN_FLIGHT = 4;
    static final int HANDSHAKE_CONCURRENCY = 32;
    private static final long CONNECT_TIMEOUT_MILLIS = 60_000;
    static final long STALL_MILLIS = 10_000;

    /** A server of the comparison: the {@link BenchServer} kind and the table's name for it. */
    record Server(String kind, String label) {
    }

    static final Server HOSTED = new Server("tomcat-ours", "ours on Tomcat");
    static final Server JSR356 = new Server("tomcat-jsr356", "Tomcat JSR-356");
    static final Server JETTY_HOSTED = new Server("jetty-ours", "ours on Jetty");
    static final Server JETTY = new Server("jetty", "Jetty 12.1");
    static final Server OWN_PORT = new Server("ours", "ours, own port");
    /** In the table's order; the rounds go through them in this order too (each round starting one further). */
    static final List<Server> SERVERS = List.of(HOSTED, JSR356, JETTY_HOSTED, JETTY, OWN_PORT);

    /** One line of the table: the median of each server's rounds, in {@link #SERVERS}' order. */
    record Row(String scenario, String metric, double[] medians, double[][] rounds) {
    }

    private final BenchConfig config;
    private final List<String> only;
    private final List<Row> rows = new ArrayList<>();
    private final PrintStream log = System.out;

    private ContainerBench(BenchConfig config, List<String> only) {
        this.config = config;
        this.only = only;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Integer rounds = null;
        List<String> only = List.of();
        boolean jfr = false;
        Integer tomcatBuffer = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--only" -> only = Arrays.asList(args[++i].split(","));
                case "--jfr" -> jfr = true;
                case "--tomcat-buffer" -> tomcatBuffer = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: ContainerBench [--quick] [--rounds N] [--only small,large16k,handshake]"
                            + " [--jfr] [--tomcat-buffer BYTES]");
                    System.exit(2);
                }
            }
        }
        String serverCpu = MachineFacts.cpuCount() >= 2 && ServerProcess.onPath("taskset") ? "1" : null;
        BenchConfig config = quick ? BenchConfig.quick(serverCpu) : BenchConfig.full(serverCpu);
        if (rounds != null) {
            config = config.withRounds(rounds);
        }
        if (jfr) {
            config = config.withFlightRecording();
        }
        if (tomcatBuffer != null) {
            config = config.withServerJvmOption("-D" + TomcatBenchServer.SOCKET_BUFFER_PROPERTY + "=" + tomcatBuffer);
        }
        new ContainerBench(config, only).run();
    }

    private boolean wanted(String name) {
        return only.isEmpty() || only.contains(name);
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        String loadBefore = MachineFacts.loadAverage();
        log.printf("container benchmark, %s mode: %d rounds per server, %d ms warm-up + %d ms measured per round%n",
                config.quick() ? "quick" : "full", config.rounds(), config.warmupMillis(), config.measureMillis());
        List<ServerProcess> servers = new ArrayList<>();
        try {
            for (Server s : SERVERS) {
                servers.add(ServerProcess.start(s.kind(), false, config));
            }
            log.println("servers: " + servers);
            if (wanted("small")) {
                compare("echo: 100 conn x 32 B text x 16 in flight", servers, List.of("messages/s", "msg/CPU-s"),
                        echoRound(SMALL_CONNECTIONS, FrameTemplate.text(SMALL_SIZE, SMALL_IN_FLIGHT), SMALL_IN_FLIGHT,
                                false));
            }
            if (wanted("large16k")) {
                compare("echo: 20 conn x 16 KiB binary x 4 in flight", servers, List.of("MB/s", "MB/CPU-s"),
                        echoRound(LARGE_CONNECTIONS, FrameTemplate.binary(LARGE_SIZE, LARGE_IN_FLIGHT),
                                LARGE_IN_FLIGHT, true));
            }
            if (wanted("handshake")) {
                compare("handshakes: connect, upgrade, close; " + HANDSHAKE_CONCURRENCY + " at a time", servers,
                        List.of("handshakes/s", "hs/CPU-s"), handshakeRound());
            }
        } finally {
            for (ServerProcess s : servers) {
                s.close();
            }
        }
        String report = report(System.nanoTime() - started, loadBefore);
        log.println();
        log.println(report);
        Path out = Path.of("target", "containers-report.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        log.println("written to " + out.toAbsolutePath());
    }

    // ------------------------------------------------------------------ rounds

    /** Echoed messages/s (or payload MB/s) and the same per second of CPU the server used in the window. */
    private LoadBench.Round echoRound(int connections, FrameTemplate template, int inFlight, boolean megabytes) {
        return (server, gen, warmup) -> {
            List<GenConnection> conns = gen.connect(server.port, "/echo", null, connections, CONNECT_TIMEOUT_MILLIS);
            double[] cpu = new double[4];
            measureCpu(gen, server, cpu);
            try {
                LoadGenerator.Throughput t = gen.echo(conns, template, inFlight,
                        warmup ? config.warmupMillis() * 2 : config.warmupMillis() / 2,
                        warmup ? 1 : config.measureMillis());
                double rate = megabytes ? t.bytesPerSecond() / 1e6 : t.messagesPerSecond();
                if (!warmup) {
                    logCpu(server, cpu);
                }
                return new double[] {rate, perCpuSecond(rate, cpu)};
            } finally {
                gen.close(conns);
            }
        };
    }

    private LoadBench.Round handshakeRound() {
        return (server, gen, warmup) -> {
            double[] cpu = new double[4];
            measureCpu(gen, server, cpu);
            LoadGenerator.Cycles c = gen.handshakes(server.port, "/echo", HANDSHAKE_CONCURRENCY,
                    warmup ? config.warmupMillis() * 2 : config.warmupMillis() / 2,
                    warmup ? 1 : config.measureMillis(), STALL_MILLIS);
            if (!warmup) {
                log.printf(Locale.ROOT, "      %s: %d handshakes, cycle p50 %.0f us, p99 %.0f us%n", server.kind,
                        c.completed(), c.p50Micros(), c.p99Micros());
                logCpu(server, cpu);
            }
            return new double[] {c.perSecond(), perCpuSecond(c.perSecond(), cpu)};
        };
    }

    /** Server CPU seconds at the window's start and end in cpu[0..1], this process's (the generator's) in cpu[2..3]. */
    static void measureCpu(LoadGenerator gen, ServerProcess server, double[] cpu) {
        gen.onMeasuredWindow(() -> {
            cpu[0] = server.cpuSeconds();
            cpu[2] = ownCpuSeconds();
        }, () -> {
            cpu[1] = server.cpuSeconds();
            cpu[3] = ownCpuSeconds();
        });
    }

    /**
     * How busy the server and the generator were in the window, in cores: a generator near 1.0
     * (its CPU is all it has) would mean the figure is the generator's limit, not the server's.
     */
    private void logCpu(ServerProcess server, double[] cpu) {
        double seconds = config.measureMillis() / 1000.0;
        log.printf(Locale.ROOT, "      %s: CPU in the window (cores): server %.2f, generator %.2f%n", server.kind,
                (cpu[1] - cpu[0]) / seconds, (cpu[3] - cpu[2]) / seconds);
    }

    static double ownCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    private double perCpuSecond(double rate, double[] cpu) {
        double cpuSeconds = Math.max(0.01, cpu[1] - cpu[0]);
        return rate * config.measureMillis() / 1000.0 / cpuSeconds;
    }

    // ------------------------------------------------------------------ alternation

    /**
     * Warms each server up, then runs the measured rounds, each going through every server in turn
     * (round r starting with server r, so no server is always first); records the medians.
     */
    private void compare(String scenario, List<ServerProcess> servers, List<String> metrics, LoadBench.Round round)
            throws Exception {
        log.println("== " + scenario);
        int n = servers.size();
        int m = metrics.size();
        double[][][] values = new double[m][n][config.rounds()];
        try (LoadGenerator gen = new LoadGenerator()) {
            for (ServerProcess s : servers) {
                round.run(s, gen, true);
                sleep(300);
            }
            for (int r = 0; r < config.rounds(); r++) {
                StringBuilder line = new StringBuilder("   round " + (r + 1) + ":");
                for (int k = 0; k < n; k++) {
                    int i = (r + k) % n;
                    double[] v = round.run(servers.get(i), gen, false);
                    sleep(300);
                    for (int j = 0; j < m; j++) {
                        values[j][i][r] = v[j];
                    }
                    line.append(' ').append(servers.get(i).kind).append(' ').append(fmt(v));
                }
                log.println(line);
                for (ServerProcess s : servers) {
                    if (!s.alive()) {
                        throw new IOException("a server died; see " + s.log());
                    }
                }
            }
        }
        for (int j = 0; j < m; j++) {
            double[] medians = new double[n];
            for (int i = 0; i < n; i++) {
                medians[i] = LoadBench.median(values[j][i]);
            }
            rows.add(new Row(scenario, metrics.get(j), medians, values[j]));
        }
    }

    private static String fmt(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%,.1f", values[i]));
        }
        return sb.toString();
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
        sb.append(String.format(Locale.ROOT, "Tomcat %s, Jetty %s (embedded, default thread pools and connectors%s);"
                + " our engine with one event loop in each of its columns.%n", tomcatVersion(), jettyVersion(),
                config.serverJvmOptions().stream().anyMatch(o -> o.contains(TomcatBenchServer.SOCKET_BUFFER_PROPERTY))
                        ? ", but Tomcat's socket buffers as set" : ""));
        sb.append(String.format(Locale.ROOT, "Rounds: %d per server, in turn, %d ms measured each; figures are"
                + " medians. Load average before %s, after %s. Took %.0f s.%n", config.rounds(),
                config.measureMillis(), loadBefore, MachineFacts.loadAverage(), elapsedNanos / 1e9));
        sb.append('\n');
        String format = "| %-52s | %-12s | %14s | %14s | %14s | %14s | %14s | %16s | %15s | %13s |%n";
        sb.append(String.format(format, "scenario", "metric", HOSTED.label(), JSR356.label(), JETTY_HOSTED.label(),
                JETTY.label(), OWN_PORT.label(), "Tomcat: ours/JSR", "Jetty: ours/own", "on Tomcat/own"));
        sb.append(String.format(format, "-".repeat(52), "-".repeat(12), "-".repeat(14), "-".repeat(14),
                "-".repeat(14), "-".repeat(14), "-".repeat(14), "-".repeat(16), "-".repeat(15), "-".repeat(13)));
        int hosted = SERVERS.indexOf(HOSTED);
        int jsr = SERVERS.indexOf(JSR356);
        int jettyHosted = SERVERS.indexOf(JETTY_HOSTED);
        int jetty = SERVERS.indexOf(JETTY);
        int own = SERVERS.indexOf(OWN_PORT);
        for (Row r : rows) {
            double[] v = r.medians();
            sb.append(String.format(Locale.ROOT, format, r.scenario(), r.metric(), number(v[hosted]),
                    number(v[jsr]), number(v[jettyHosted]), number(v[jetty]), number(v[own]),
                    ratio(v[hosted], v[jsr]), ratio(v[jettyHosted], v[jetty]), ratio(v[hosted], v[own])));
        }
        sb.append('\n');
        sb.append("Tomcat: ours/JSR: our engine on Tomcat against Tomcat's own WebSocket on the same Tomcat (above 1:\n"
                + "ours is faster). Jetty: ours/own: our engine on Jetty against Jetty's own WebSocket on the same\n"
                + "Jetty (above 1: ours is faster). on Tomcat/own: our engine on Tomcat against our server on its own\n"
                + "port (what the container costs; below 1: slower on Tomcat). x/CPU-s: the same rate per second of\n"
                + "CPU the server process used in the window (user + system, all threads, from /proc).\n");
        sb.append("Per-round values:\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "  %s, %s:", r.scenario(), r.metric()));
            for (int i = 0; i < SERVERS.size(); i++) {
                sb.append(' ').append(SERVERS.get(i).kind()).append(' ').append(rounds(r.rounds()[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String tomcatVersion() {
        try {
            return org.apache.catalina.util.ServerInfo.getServerNumber();
        } catch (RuntimeException | LinkageError e) {
            return "?";
        }
    }

    /** From the jar's Maven metadata (Jetty's own version constant would start its logging here). */
    private static String jettyVersion() {
        try (java.io.InputStream in = ContainerBench.class.getResourceAsStream(
                "/META-INF/maven/org.eclipse.jetty/jetty-server/pom.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String ratio(double a, double b) {
        return String.format(Locale.ROOT, "%.2fx", a / b);
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
