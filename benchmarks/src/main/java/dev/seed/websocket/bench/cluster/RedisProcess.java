package dev.seed.websocket.bench.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the benchmark's own, on a free loopback port, without persistence (Debian's
 * package, which {@code bin/test} installs through {@code bin/setup.d/21-redis.sh}). It inherits
 * the CPU affinity of the process that starts it. Reads {@code INFO} through a plain socket.
 */
final class RedisProcess implements AutoCloseable {

    static final String MISSING = "redis-server is not installed: bin/test installs it (bin/setup.d/21-redis.sh)";

    private final int port;
    private final Path dir;
    private final Process process;

    private RedisProcess(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** The redis-server executable, or an {@link IllegalStateException} saying how to install it. */
    static String executable(String name) {
        for (String d : List.of("/usr/bin", "/usr/local/bin")) {
            File f = new File(d, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new IllegalStateException(name.equals("redis-server") ? MISSING
                : name + " is not installed (Debian's redis-tools package, which redis-server brings)");
    }

    static RedisProcess start() throws IOException, InterruptedException {
        String exe = executable("redis-server");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("bench-redis");
        Process p = new ProcessBuilder(exe, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "yes")
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        RedisProcess r = new RedisProcess(port, dir, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if ("+PONG".equals(r.firstLine("PING"))) {
                return r;
            }
            Thread.sleep(20);
        }
        r.close();
        throw new IllegalStateException("redis-server did not answer on port " + port + "; its log: "
                + Files.readString(dir.resolve("redis.log")));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    String version() {
        String v = info("server").get("redis_version");
        return v == null ? "?" : v;
    }

    /** Sends one inline command and returns the first line of the answer, or null when none came. */
    String firstLine(String inline) {
        try (Socket s = connect()) {
            s.getOutputStream().write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            return readLine(s.getInputStream());
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code INFO section} as name -> value. */
    Map<String, String> info(String section) {
        try (Socket s = connect()) {
            s.getOutputStream().write(("INFO " + section + "\r\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            String head = readLine(in);
            if (head == null || !head.startsWith("$")) {
                throw new IOException("INFO answered " + head);
            }
            byte[] body = in.readNBytes(Integer.parseInt(head.substring(1)));
            Map<String, String> out = new LinkedHashMap<>();
            for (String line : new String(body, StandardCharsets.UTF_8).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("#")) {
                    out.put(line.substring(0, colon), line.substring(colon + 1));
                }
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("INFO " + section + " on redis port " + port, e);
        }
    }

    /** What the traffic figures are read from: INFO stats and the calls of PUBLISH and EVAL/EVALSHA. */
    Traffic traffic() {
        Map<String, String> stats = info("stats");
        Map<String, String> commands = info("commandstats");
        return new Traffic(number(stats, "total_commands_processed"), number(stats, "total_net_input_bytes"),
                number(stats, "total_net_output_bytes"), calls(commands, "cmdstat_publish"),
                calls(commands, "cmdstat_eval") + calls(commands, "cmdstat_evalsha"));
    }

    /** Counters of Redis at one moment; {@link #minus} gives what happened between two. */
    record Traffic(long commands, long inputBytes, long outputBytes, long publishCalls, long scriptCalls) {
        Traffic minus(Traffic before) {
            return new Traffic(commands - before.commands, inputBytes - before.inputBytes,
                    outputBytes - before.outputBytes, publishCalls - before.publishCalls,
                    scriptCalls - before.scriptCalls);
        }
    }

    private static long number(Map<String, String> m, String key) {
        String v = m.get(key);
        return v == null ? 0 : Long.parseLong(v.trim());
    }

    private static long calls(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            return 0;
        }
        for (String f : v.split(",")) {
            if (f.startsWith("calls=")) {
                return Long.parseLong(f.substring(6));
            }
        }
        return 0;
    }

    /**
     * Runs {@code redis-benchmark -n requests [extra] --csv PUBLISH channel payload} against this
     * server (bounded by {@code timeoutSeconds}), with {@code taskset} first when given; returns
     * requests/s and p50/p99 in ms.
     */
    double[] publishBenchmark(List<String> taskset, int requests, List<String> extra, String channel, String payload,
            long timeoutSeconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(taskset);
        cmd.addAll(List.of(executable("redis-benchmark"), "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-n", Integer.toString(requests)));
        cmd.addAll(extra);
        cmd.addAll(List.of("--csv", "PUBLISH", channel, payload));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("redis-benchmark did not finish in " + timeoutSeconds + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms",...
        for (String line : text.split("\n")) {
            if (line.startsWith("\"PUBLISH")) {
                String[] f = line.split("\",\"");
                return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[4]), Double.parseDouble(f[6])};
            }
        }
        throw new IOException("unexpected redis-benchmark output: " + text);
    }

    /**
     * A plain connection that subscribes to {@code channel} and reads (and drops) everything
     * Redis pushes to it, on a daemon thread, until closed: a listening instance, as far as Redis
     * can tell.
     */
    AutoCloseable drainingSubscriber(String channel) throws IOException {
        Socket s = connect();
        s.setSoTimeout(0);
        s.getOutputStream().write(("SUBSCRIBE " + channel + "\r\n").getBytes(StandardCharsets.UTF_8));
        InputStream in = s.getInputStream();
        // the confirmation: *3 $9 subscribe $len channel :1
        for (int i = 0; i < 6; i++) {
            readLine(in);
        }
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                while (in.read(buffer) >= 0) {
                    // dropped
                }
            } catch (IOException e) {
                // closed
            }
        }, "redis-subscriber-" + channel);
        t.setDaemon(true);
        t.start();
        return s::close;
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        s.setSoTimeout(5000);
        return s;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return b < 0 && line.length() == 0 ? null : line.toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
