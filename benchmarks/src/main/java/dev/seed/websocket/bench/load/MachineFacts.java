package dev.seed.websocket.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the figures were measured on, printed with them. */
final class MachineFacts {

    private MachineFacts() {
    }

    /** A report's first two lines: this machine and JVM, and how the run pinned its processes. */
    static String machineAndPinning(BenchConfig config) {
        return String.format(java.util.Locale.ROOT, "Machine: %s, %d CPUs, %s RAM, Linux %s; %s %s%n",
                cpuModel(), cpuCount(), memory(), kernel(),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"))
                + String.format(java.util.Locale.ROOT, "Pinning: servers %s, load generator %s; server JVMs: %s%n",
                        config.serverCpu() == null ? "not pinned (no taskset or 1 CPU)" : "taskset -c " + config.serverCpu(),
                        config.serverCpu() == null ? "not pinned" : "taskset -c 0 (bin/bench)",
                        String.join(" ", config.serverJvmOptions()));
    }

    static String cpuModel() {
        return firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
    }

    static long cpuCount() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count();
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    static String memory() {
        return firstValue(Path.of("/proc/meminfo"), "MemTotal").orElse("?");
    }

    static String kernel() {
        return read(Path.of("/proc/sys/kernel/osrelease")).orElse(System.getProperty("os.version"));
    }

    static String loadAverage() {
        return read(Path.of("/proc/loadavg")).map(s -> String.join(" ", List.of(s.split(" ")).subList(0, 3)))
                .orElse("?");
    }

    /** The soft limit of open files of this process (the JVM raises it to the hard limit). */
    static long openFilesLimit() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (l.startsWith("Max open files")) {
                    String[] parts = l.substring("Max open files".length()).trim().split("\\s+");
                    return parts[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return -1;
    }

    private static java.util.Optional<String> firstValue(Path file, String key) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static java.util.Optional<String> read(Path file) {
        try {
            return java.util.Optional.of(Files.readString(file).trim());
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
