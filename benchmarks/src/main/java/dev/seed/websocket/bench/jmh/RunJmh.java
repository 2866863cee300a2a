package dev.seed.websocket.bench.jmh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks of this package with fixed settings and prints one table in which each
 * of our figures stands next to the JDK's or Netty's from the same run, with the ratio. Benchmark
 * methods are named {@code operation_implementation}; implementations starting with "ours" are
 * ours, the others are references.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.seed.websocket.bench.jmh.RunJmh [--quick] [regex]}.
 */
public final class RunJmh {

    private RunJmh() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        String include = RunJmh.class.getPackageName() + ".*Benchmark";
        for (String a : args) {
            if (a.equals("--quick")) {
                quick = true;
            } else {
                include = a;
            }
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .forks(1)
                .threads(1)
                .warmupIterations(quick ? 2 : 3)
                .warmupTime(TimeValue.milliseconds(quick ? 400 : 1000))
                .measurementIterations(quick ? 3 : 5)
                .measurementTime(TimeValue.milliseconds(quick ? 400 : 1000))
                .jvmArgsAppend("-Xms1g", "-Xmx1g")
                .resultFormat(ResultFormatType.JSON)
                .result("target/jmh-result.json");
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.println();
        System.out.println(table(results));
        if (results.stream().anyMatch(r -> r.getParams().getBenchmark().contains("DeflateBenchmark"))) {
            System.out.println("Compression ratio (compressed / original, first message of a connection):");
            for (int size : new int[] {1024, 16384}) {
                System.out.println("  " + DeflateBenchmark.ratios(size));
            }
        }
        if (results.stream().anyMatch(r -> r.getParams().getBenchmark().contains("DeflateCodecBenchmark"))) {
            System.out.println("DeflateCodec: compressed size of the chat corpus (as sent, without tails),"
                    + " ours against zlib:");
            System.out.print(DeflateCodecBenchmark.sizeReport());
        }
    }

    /** One row per benchmark, grouped by operation and parameters, with ours ÷ each reference. */
    static String table(Collection<RunResult> results) {
        Map<String, List<RunResult>> groups = new LinkedHashMap<>();
        List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparing((RunResult r) -> groupKey(r))
                .thenComparing(r -> !impl(r).startsWith("ours")).thenComparing(r -> !impl(r).equals("ours_heap"))
                .thenComparing(r -> impl(r)));
        for (RunResult r : sorted) {
            groups.computeIfAbsent(groupKey(r), k -> new ArrayList<>()).add(r);
        }
        StringBuilder sb = new StringBuilder();
        String format = "%-34s %-22s %-24s %16s %14s %12s%n";
        sb.append(String.format(format, "benchmark", "params", "implementation", "ops/s", "throughput",
                "ours/this"));
        for (List<RunResult> group : groups.values()) {
            // The reference point: plain "ours", else our heap variant (the references use heap
            // arrays too), else the first of ours.
            RunResult ours = group.stream().filter(r -> impl(r).equals("ours")).findFirst()
                    .or(() -> group.stream().filter(r -> impl(r).equals("ours_heap")).findFirst())
                    .or(() -> group.stream().filter(r -> impl(r).startsWith("ours")).findFirst()).orElse(null);
            for (RunResult r : group) {
                String ratio = "";
                if (ours != null && r != ours) {
                    ratio = String.format(Locale.ROOT, "%.2fx", score(ours) / score(r));
                }
                sb.append(String.format(Locale.ROOT, format, operation(r), params(r), impl(r),
                        String.format(Locale.ROOT, "%,.0f", score(r)), throughput(r), ratio));
            }
        }
        return sb.toString();
    }

    private static double score(RunResult r) {
        return r.getPrimaryResult().getScore();
    }

    private static String method(RunResult r) {
        String b = r.getParams().getBenchmark();
        return b.substring(b.lastIndexOf('.') + 1);
    }

    private static String className(RunResult r) {
        String b = r.getParams().getBenchmark();
        String cls = b.substring(0, b.lastIndexOf('.'));
        return cls.substring(cls.lastIndexOf('.') + 1).replace("Benchmark", "");
    }

    private static String operation(RunResult r) {
        String m = method(r);
        int u = m.indexOf('_');
        return className(r) + "." + (u < 0 ? m : m.substring(0, u));
    }

    private static String impl(RunResult r) {
        String m = method(r);
        int u = m.indexOf('_');
        return u < 0 ? "" : m.substring(u + 1);
    }

    private static String params(RunResult r) {
        StringBuilder sb = new StringBuilder();
        for (String key : r.getParams().getParamsKeys()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(key).append('=').append(r.getParams().getParam(key));
        }
        return sb.toString();
    }

    private static String groupKey(RunResult r) {
        String size = r.getParams().getParam("size");
        String padded = size == null ? "" : String.format("%10s", size);
        return operation(r) + " " + padded + " " + params(r);
    }

    /**
     * Payload bytes per second where the benchmark works on a payload of known size, or counts the
     * bytes it handles itself (the secondary metric {@code messageBytes}, per second).
     */
    private static String throughput(RunResult r) {
        var counted = r.getSecondaryResults().get("messageBytes");
        if (counted != null) {
            return megabytes(counted.getScore());
        }
        String size = r.getParams().getParam("size");
        if (size == null) {
            return "";
        }
        if (operation(r).equals("FrameCodec.encode") && Integer.parseInt(size) > 4096) {
            return "payload not copied"; // a server writes a large payload after its header as it is
        }
        double bytes = Integer.parseInt(size);
        if ("mixed".equals(r.getParams().getParam("text"))) {
            bytes = Payloads.mixedUtf8((int) bytes).length;
        }
        return megabytes(bytes * score(r));
    }

    private static String megabytes(double perSecond) {
        if (perSecond >= 1e9) {
            return String.format(Locale.ROOT, "%.2f GB/s", perSecond / 1e9);
        }
        return String.format(Locale.ROOT, "%.0f MB/s", perSecond / 1e6);
    }
}
