package dev.seed.websocket.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a flight recording of a benchmark server: the methods most often on top of the
 * stack in execution samples (self time), the methods most often anywhere on it (total time),
 * and the allocation sites with the most sampled weight.
 *
 * <p>Usage: {@code JfrTop recording.jfr [rows]}.
 */
public final class JfrTop {

    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Long> allocated = new HashMap<>();
        int samples = 0;
        long allocatedTotal = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = st.getFrames();
            String name = e.getEventType().getName();
            if (name.equals("jdk.ExecutionSample")) {
                samples++;
                self.merge(method(frames.get(0)), 1, Integer::sum);
                frames.stream().map(JfrTop::method).distinct().forEach(m -> total.merge(m, 1, Integer::sum));
            } else if (name.equals("jdk.ObjectAllocationSample")) {
                long weight = e.getLong("weight");
                allocatedTotal += weight;
                String type = e.getClass("objectClass").getName();
                allocated.merge(type + " <- " + firstOwnFrame(frames), weight, Long::sum);
            }
        }
        System.out.printf("%d execution samples%n", samples);
        print("self", self, samples, rows);
        print("total", total, samples, rows);
        long weightTotal = allocatedTotal;
        System.out.printf(Locale.ROOT, "%nallocation (sampled weight %.1f MB)%n", weightTotal / 1e6);
        allocated.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(rows)
                .forEach(en -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n",
                        100.0 * en.getValue() / Math.max(1, weightTotal), en.getKey()));
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int rows) {
        System.out.printf("%n%s%n", title);
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(rows)
                .forEach(en -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n",
                        100.0 * en.getValue() / Math.max(1, samples), en.getKey()));
    }

    private static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** The first frame in this project's, Netty's or Tomcat's code: where an allocation was asked for. */
    private static String firstOwnFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            if (type.startsWith("dev.seed.") || type.startsWith("io.netty.") || type.startsWith("org.apache.")) {
                return method(f) + ":" + f.getLineNumber();
            }
        }
        return method(frames.get(0));
    }
}
