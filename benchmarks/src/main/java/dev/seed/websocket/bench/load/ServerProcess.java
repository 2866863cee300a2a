package dev.seed.websocket.bench.load;

import dev.seed.websocket.CompressionMode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark server in its own JVM: {@link BenchServer} started with the given heap, Native
 * Memory Tracking on, pinned to one CPU with taskset when there is one. Its memory is read with
 * {@code jcmd} (GC.run, GC.heap_info, VM.native_memory summary) and from {@code /proc/PID/smaps}
 * (memory resident outside the Java heap, which also holds what native libraries such as zlib
 * allocate without NMT seeing it).
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB");
    private static final Pattern NMT_HEAP = Pattern.compile("Java Heap \\(reserved=\\d+KB, committed=(\\d+)KB\\)");
    /** The heap's address range in GC.heap_info: {@code [0x00000000c0000000, 0x0000000100000000)}. */
    private static final Pattern HEAP_RANGE = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");

    final String kind;
    final boolean deflate;
    /** Our server's compression mode when given; null: the server's default (and always for Netty). */
    final CompressionMode mode;
    private final Process process;
    final int port;
    private final Path log;

    private ServerProcess(String kind, boolean deflate, CompressionMode mode, Process process, int port, Path log) {
        this.kind = kind;
        this.deflate = deflate;
        this.mode = mode;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code kind} ("ours" or "netty") and waits until it listens. */
    static ServerProcess start(String kind, boolean deflate, BenchConfig config) throws IOException {
        return start(kind, kind, null, deflate, null, config);
    }

    /** Starts our server with permessage-deflate in {@code mode} and waits until it listens. */
    static ServerProcess startOurs(CompressionMode mode, BenchConfig config) throws IOException {
        return start("ours", "ours", null, true, mode, config);
    }

    /**
     * Starts our server as {@code "baseline"} with {@code coreJar} (another build of
     * websocket-core) ahead of the benchmark's own classes: the same server code on the older engine.
     */
    static ServerProcess startBaseline(Path coreJar, boolean deflate, BenchConfig config) throws IOException {
        return start("baseline", "ours", coreJar.toAbsolutePath().toString(), deflate, null, config);
    }

    private static ServerProcess start(String kind, String serverKind, String classPathFirst, boolean deflate,
            CompressionMode mode, BenchConfig config) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (config.serverCpu() != null) {
            cmd.addAll(List.of("taskset", "-c", config.serverCpu()));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String name = kind + (deflate ? "-deflate" : "")
                + (mode == null ? "" : "-" + mode.name().toLowerCase(java.util.Locale.ROOT));
        for (String option : config.serverJvmOptions()) {
            cmd.add(option.replace("{server}", name));
        }
        String classPath = System.getProperty("java.class.path");
        if (classPathFirst != null) {
            classPath = classPathFirst + File.pathSeparator + classPath;
        }
        cmd.addAll(List.of("-cp", classPath, BenchServer.class.getName(), serverKind));
        if (deflate) {
            cmd.add("--deflate");
        }
        if (mode != null) {
            cmd.addAll(List.of("--mode", mode.name()));
        }
        Files.createDirectories(config.logDir());
        Path log = config.logDir().resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        // The JVM may print first (a flight recording announces itself); the port line is ours.
        for (int skipped = 0; line != null && !line.startsWith("PORT ") && skipped < 20; skipped++) {
            line = out.readLine();
        }
        if (line == null || !line.startsWith("PORT ")) {
            p.destroyForcibly();
            throw new IOException(kind + " server did not start (" + line + "); see " + log);
        }
        return new ServerProcess(kind, deflate, mode, p, Integer.parseInt(line.substring(5).trim()), log);
    }

    /**
     * CPU time the server process has used so far (user + system, all its threads), in seconds,
     * from /proc; 10 ms resolution. NaN where /proc is not there.
     */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            return ticks / (double) CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** USER_HZ: the unit of times in /proc/PID/stat, 100 on Linux for every architecture in use. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Heap used after a full GC (GC.run twice, then GC.heap_info), in bytes. */
    long heapUsedAfterGc() throws IOException {
        jcmd("GC.run");
        jcmd("GC.run");
        return kib(HEAP_USED, jcmd("GC.heap_info"), "GC.heap_info") * 1024;
    }

    /** Native memory committed outside the Java heap, from Native Memory Tracking, in bytes. */
    long nativeCommittedOutsideHeap() throws IOException {
        String summary = jcmd("VM.native_memory", "summary");
        return (kib(NMT_TOTAL, summary, "NMT total") - kib(NMT_HEAP, summary, "NMT Java Heap")) * 1024;
    }

    /**
     * Memory resident outside the Java heap, in bytes: the Rss of every mapping in
     * {@code /proc/PID/smaps} that is not part of the heap's address range (from GC.heap_info).
     * Unlike NMT it sees what native libraries allocate with malloc (zlib's Deflater and Inflater
     * state); unlike NMT it does not see memory allocated but never touched.
     */
    long residentOutsideHeap() throws IOException {
        Matcher m = HEAP_RANGE.matcher(jcmd("GC.heap_info"));
        if (!m.find()) {
            throw new IOException("cannot read the heap's address range from GC.heap_info");
        }
        return ResidentMemory.outside(process.pid(), Long.parseUnsignedLong(m.group(1), 16),
                Long.parseUnsignedLong(m.group(2), 16));
    }

    /** Live objects per class (GC.class_histogram, after a full GC): name -> {instances, bytes}. */
    java.util.Map<String, long[]> classHistogram() throws IOException {
        java.util.Map<String, long[]> h = new java.util.HashMap<>();
        Matcher m = HISTOGRAM_LINE.matcher(jcmd("GC.class_histogram"));
        while (m.find()) {
            h.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        return h;
    }

    private static final Pattern HISTOGRAM_LINE =
            Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private static long kib(Pattern p, String text, String what) throws IOException {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw new IOException("cannot read " + what + " from:\n" + text);
        }
        return Long.parseLong(m.group(1));
    }

    private String jcmd(String... command) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(Long.toString(process.pid()));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("jcmd " + String.join(" ", command) + " failed: "
                        + new String(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Asks the server to stop, then kills it if it has not within a few seconds. */
    @Override
    public void close() {
        try (OutputStream in = process.getOutputStream()) {
            in.write("quit\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
            // it may be gone already
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

    Path log() {
        return log;
    }

    @Override
    public String toString() {
        return kind + (deflate ? "+deflate" : "") + (mode == null ? "" : "/" + mode)
                + "[pid " + pid() + ", port " + port + "]";
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
