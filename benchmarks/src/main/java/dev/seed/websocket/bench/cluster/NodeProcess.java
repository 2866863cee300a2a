package dev.seed.websocket.bench.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ClusterNode} in its own JVM, pinned with taskset when {@code cpu} is given; its
 * standard error goes to {@code logDir/name.log}. Commands go to its standard input, answers come
 * from its standard output.
 */
final class NodeProcess implements AutoCloseable {

    static final List<String> JVM = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");

    final String name;
    final int port;
    private final Process process;
    private final OutputStream stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;

    private NodeProcess(String name, Process process, Path log) throws IOException {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.log = log;
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = out.readLine()) != null;) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        String first = await("PORT ", Duration.ofSeconds(30));
        this.port = Integer.parseInt(first.substring(5).trim());
    }

    /** Starts a node; {@code redisPort} null: the default in-memory broker. */
    static NodeProcess start(String name, Integer redisPort, String cpu, Path logDir) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (cpu != null) {
            cmd.addAll(List.of("taskset", "-c", cpu));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterNode.class.getName()));
        if (redisPort != null) {
            cmd.addAll(List.of("--redis", Integer.toString(redisPort)));
        }
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        try {
            return new NodeProcess(name, p, log);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw new IOException(name + " did not start (" + e.getMessage() + "); see " + log, e);
        }
    }

    synchronized void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
    }

    /** The next line of its output that starts with {@code prefix} (others are dropped), within {@code timeout}. */
    String await(String prefix, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new IOException(name + ": no '" + prefix.trim() + "' within " + timeout.toSeconds()
                            + " s" + (process.isAlive() ? "" : " (it exited)") + "; see " + log);
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
                if (line.startsWith("ERROR")) {
                    throw new IOException(name + ": " + line);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A line of its output that starts with {@code prefix} if one came (others are dropped), else null. */
    String poll(String prefix) throws IOException {
        for (String line; (line = lines.poll()) != null;) {
            if (line.startsWith(prefix)) {
                return line;
            }
            if (line.startsWith("ERROR")) {
                throw new IOException(name + ": " + line);
            }
        }
        if (!process.isAlive()) {
            throw new IOException(name + " exited; see " + log);
        }
        return null;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** Asks it to stop; kills it when it has not within a few seconds. */
    @Override
    public void close() {
        try {
            send("quit");
            stdin.close();
        } catch (IOException ignored) {
            // gone already
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + pid() + ", port " + port + "]";
    }
}
