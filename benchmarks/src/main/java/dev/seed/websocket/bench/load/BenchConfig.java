package dev.seed.websocket.bench.load;

import java.nio.file.Path;
import java.util.List;

/**
 * The knobs of one load benchmark run. {@link #full()} is what {@code bin/bench} runs,
 * {@link #quick()} a short version of the same scenarios.
 *
 * @param rounds measured rounds per server (alternating ours, Netty, ours, Netty...)
 * @param warmupMillis load applied before each measured window, not counted
 * @param measureMillis length of each measured window
 * @param idleConnections connections held open for the memory measurement
 * @param deflateConnections compressed connections of the deflate-memory scenario
 * @param latencyRate messages per second of the latency run (well below both servers' saturation)
 * @param serverCpu CPU list for taskset of the servers, or null when not pinning
 * @param serverJvmOptions identical JVM options of both server processes
 * @param logDir where the servers' standard error goes
 */
record BenchConfig(boolean quick, int rounds, long warmupMillis, long measureMillis, int idleConnections,
        int deflateConnections, int latencyRate, String serverCpu, List<String> serverJvmOptions, Path logDir) {

    static final List<String> SERVER_JVM = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC",
            "-XX:NativeMemoryTracking=summary");

    static BenchConfig full(String serverCpu) {
        return new BenchConfig(false, 5, 2000, 3000, 10_000, 10_000, 10_000, serverCpu, SERVER_JVM,
                Path.of("target", "bench-logs"));
    }

    static BenchConfig quick(String serverCpu) {
        return new BenchConfig(true, 2, 700, 1000, 2_000, 2_000, 10_000, serverCpu, SERVER_JVM,
                Path.of("target", "bench-logs"));
    }

    BenchConfig withIdleConnections(int n) {
        return new BenchConfig(quick, rounds, warmupMillis, measureMillis, n, deflateConnections, latencyRate,
                serverCpu, serverJvmOptions, logDir);
    }

    BenchConfig withDeflateConnections(int n) {
        return new BenchConfig(quick, rounds, warmupMillis, measureMillis, idleConnections, n, latencyRate,
                serverCpu, serverJvmOptions, logDir);
    }

    /** The same, with each server recording itself with Java Flight Recorder (profile settings). */
    BenchConfig withFlightRecording() {
        List<String> options = new java.util.ArrayList<>(serverJvmOptions);
        options.add("-XX:StartFlightRecording=settings=profile,filename=" + logDir.toAbsolutePath()
                + "/{server}.jfr,dumponexit=true");
        return new BenchConfig(quick, rounds, warmupMillis, measureMillis, idleConnections, deflateConnections,
                latencyRate, serverCpu, List.copyOf(options), logDir);
    }

    /** The same, with one more option for every server JVM. */
    BenchConfig withServerJvmOption(String option) {
        List<String> options = new java.util.ArrayList<>(serverJvmOptions);
        options.add(option);
        return new BenchConfig(quick, rounds, warmupMillis, measureMillis, idleConnections, deflateConnections,
                latencyRate, serverCpu, List.copyOf(options), logDir);
    }

    BenchConfig withRounds(int n) {
        return new BenchConfig(quick, n, warmupMillis, measureMillis, idleConnections, deflateConnections,
                latencyRate, serverCpu, serverJvmOptions, logDir);
    }
}
