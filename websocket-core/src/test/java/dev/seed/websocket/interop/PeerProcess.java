package dev.seed.websocket.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A peer running in another process (Node, Python): started with its stdout read line by line,
 * each line a flat JSON object; always killed by {@link #close()}.
 */
final class PeerProcess implements AutoCloseable {

    private static final Pattern FIELD =
            Pattern.compile("\"(\\w+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|\\[[^\\]]*\\]|[^,}\\s]+)");

    private final Process process;
    private final BlockingQueue<Map<String, String>> lines = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();
    private final List<String> transcript = new ArrayList<>();

    private PeerProcess(Process process) {
        this.process = process;
        Thread out = new Thread(() -> read(process.inputReader(StandardCharsets.UTF_8), true), "peer-stdout");
        Thread err = new Thread(() -> read(process.errorReader(StandardCharsets.UTF_8), false), "peer-stderr");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    static PeerProcess start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        return new PeerProcess(pb.start());
    }

    private void read(BufferedReader reader, boolean json) {
        try (reader) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (this) {
                    if (json) {
                        transcript.add(line);
                    } else {
                        stderr.append(line).append('\n');
                    }
                }
                if (json) {
                    lines.add(parse(line));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Parses one flat JSON object (strings, numbers, booleans, arrays kept as text). */
    static Map<String, String> parse(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher matcher = FIELD.matcher(line);
        while (matcher.find()) {
            String value = matcher.group(3) != null ? unescape(matcher.group(3)) : matcher.group(2);
            m.put(matcher.group(1), value);
        }
        return m;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> b.append(n);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The next line whose "event" is {@code event}, skipping others; fails after {@code seconds}. */
    Map<String, String> await(String event, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            Map<String, String> line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("peer printed no '" + event + "' within " + seconds + " s; " + describe());
            }
            if ("error".equals(line.get("event"))) {
                throw new AssertionError("peer failed: " + line.get("message") + "; " + describe());
            }
            if (event.equals(line.get("event"))) {
                return line;
            }
        }
    }

    /** Every line up to and including the first "event" {@code last}. */
    List<Map<String, String>> collectUntil(String last, int seconds) throws InterruptedException {
        List<Map<String, String>> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            Map<String, String> line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("peer printed no '" + last + "' within " + seconds + " s; " + describe());
            }
            if ("error".equals(line.get("event"))) {
                throw new AssertionError("peer failed: " + line.get("message") + "; " + describe());
            }
            all.add(line);
            if (last.equals(line.get("event"))) {
                return all;
            }
        }
    }

    synchronized String describe() {
        return "alive=" + process.isAlive() + ", stdout=" + transcript + ", stderr=" + stderr;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // killing it anyway
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ locating peers

    /** The project root (the directory holding bin/setup.d), found from the working directory up. */
    static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("bin/setup.d"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("cannot find the project root (bin/setup.d) above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** A peer script under websocket-core/src/test/peers. */
    static Path script(String relative) {
        return projectRoot().resolve("websocket-core/src/test/peers").resolve(relative);
    }
}
