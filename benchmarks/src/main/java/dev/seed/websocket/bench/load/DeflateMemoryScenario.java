package dev.seed.websocket.bench.load;

import dev.seed.websocket.CompressionMode;
import dev.seed.websocket.protocol.extension.PerMessageDeflate;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The deflate-memory scenario of {@link LoadBench}: what a compressed connection costs the server
 * once it has carried traffic. Every connection offers {@value #OFFER} (what browsers and Node's
 * ws offer), sends one compressed 2 KB JSON text message and waits for its echo. Our server in
 * each {@link CompressionMode} is measured against Netty with its WebSocketServerCompressionHandler
 * at default settings (or, with {@code --baseline}, our server on the other engine at its default
 * settings).
 *
 * <p>Each round starts a fresh server process for each of them, so that no round inherits memory
 * another one freed (glibc keeps freed zlib state resident and hands it out again). In it
 * {@value #WARMUP_CONNECTIONS} connections do the same traffic first (and send the message
 * {@value #WARMUP_MESSAGES} times) and stay open, and {@value #WARMUP_CHURN} uncompressed
 * connections come and go, loading and compiling the code path: what the JIT compilers allocate
 * while they work would otherwise show as resident memory. Then, each time after a pause,
 * heap after a full GC, native memory committed outside the heap (NMT) and memory resident
 * outside the heap (smaps) are read before and after the measured connections, and the growth is
 * divided by their number. NMT does not see zlib's state (the JDK's Deflater and Inflater
 * allocate it with malloc), residency does not see memory allocated and never touched, so the
 * total is the heap plus the larger of the two.
 */
final class DeflateMemoryScenario {

    /** The permessage-deflate offer of every connection: the one browsers and Node's ws send. */
    static final String OFFER = "permessage-deflate; client_max_window_bits";
    /** Bytes of the message a connection sends: no distance reaches 2 KiB, so any window of 11 bits or more fits. */
    static final int MESSAGE_SIZE = 2048;
    /** Connections doing the same traffic before the baseline is read, held open until the round ends. */
    static final int WARMUP_CONNECTIONS = 200;
    /** Times each warm-up connection sends the message: the message path compiled before the baseline. */
    private static final int WARMUP_MESSAGES = 50;
    /**
     * Uncompressed connections opened and closed in batches before the baseline: the accept and
     * handshake path compiled too. Without the offer they leave no compression state behind that
     * the measured connections could reuse.
     */
    private static final int WARMUP_CHURN = 2000;
    /** Connections of one churn batch. */
    private static final int CHURN_BATCH = 500;
    /** The target for a server at default settings: heap + native per compressed connection. */
    static final int TARGET_BYTES = 32 * 1024;
    /** The metrics, in the order a round returns them. */
    static final List<String> METRICS = List.of("heap B/conn", "native B/conn", "resident B/conn", "total B/conn");

    /** Longest wait for one batch of connections to open. */
    private static final long CONNECT_TIMEOUT_MILLIS = 120_000;
    /** Longest wait for the echoes of one batch of connections. */
    private static final long ECHO_TIMEOUT_MILLIS = 60_000;
    /**
     * Pause before each reading: longer than HotSpot's 5 s cleaning of its arena chunk pool, so
     * that the compilers' scratch memory of a burst of JIT work is freed before NMT is read.
     */
    private static final long SETTLE_MILLIS = 6000;

    /** Connections, rounds, server JVM options. */
    private final BenchConfig config;
    /** Another build of websocket-core to compare with instead of Netty; null: Netty. */
    private final Path baseline;
    /** Whether the first round prints, class by class, what each measured connection holds. */
    private final boolean histogram;
    /** Where progress goes. */
    private final PrintStream log;
    /** The one compressed message every connection sends. */
    private final FrameTemplate message = FrameTemplate.deflatedText(FrameTemplate.chatJson(MESSAGE_SIZE), 1);

    DeflateMemoryScenario(BenchConfig config, Path baseline, boolean histogram, PrintStream log) {
        this.config = config;
        this.baseline = baseline;
        this.histogram = histogram;
        this.log = log;
    }

    /** One server measured: ours in {@code mode}, or the reference server when {@code mode} is null. */
    private record Subject(String label, CompressionMode mode) {
    }

    /** Connections that have each sent the message and received its echo, and what came back. */
    private record Batch(List<GenConnection> connections, LoadGenerator.Replies replies) {
    }

    /** Runs the rounds; returns the rows of the report, per mode of ours against the reference. */
    List<LoadBench.Row> run() throws IOException {
        int n = config.deflateConnections();
        log.printf("== deflate memory: %d connections offering \"%s\", one %d B JSON message each (a %d B"
                + " compressed frame), %d warm-up connections; a fresh server per round%n", n, OFFER, MESSAGE_SIZE,
                message.frameLength, WARMUP_CONNECTIONS);
        List<Subject> subjects = List.of(new Subject("SHARED", CompressionMode.SHARED),
                new Subject("WINDOWED (" + PerMessageDeflate.DEFAULT_WINDOW_BITS + " bits)", CompressionMode.WINDOWED),
                new Subject("FULL", CompressionMode.FULL),
                new Subject(baseline == null ? "Netty" : "baseline", null));
        int m = METRICS.size();
        double[][][] values = new double[subjects.size()][m][config.rounds()];
        for (int r = 0; r < config.rounds(); r++) {
            for (int s = 0; s < subjects.size(); s++) {
                double[] v = measure(subjects.get(s), n, r == 0);
                log.printf(Locale.ROOT, "   round %d: %-20s heap %,10.1f | native %,10.1f | resident %,10.1f |"
                        + " total %,10.1f B/conn%n", r + 1, subjects.get(s).label(), v[0], v[1], v[2], v[3]);
                for (int i = 0; i < m; i++) {
                    values[s][i][r] = v[i];
                }
            }
        }
        int reference = subjects.size() - 1;
        List<LoadBench.Row> rows = new ArrayList<>();
        for (int s = 0; s < reference; s++) {
            Subject subject = subjects.get(s);
            String scenario = String.format(Locale.ROOT, "deflate memory, %s, %d conn", subject.label(), n);
            for (int i = 0; i < m; i++) {
                String target = subject.mode() == PerMessageDeflate.DEFAULT_MODE && i == m - 1
                        ? "<= " + TARGET_BYTES / 1024 + " KiB" : "";
                rows.add(new LoadBench.Row(scenario, METRICS.get(i), false, LoadBench.median(values[s][i]),
                        LoadBench.median(values[reference][i]), values[s][i], values[reference][i], target));
            }
        }
        return rows;
    }

    /** One round of one subject in a server process of its own: {heap, native, resident, total} per connection. */
    private double[] measure(Subject subject, int n, boolean describe) throws IOException {
        try (ServerProcess server = start(subject); LoadGenerator gen = new LoadGenerator()) {
            Batch warm = connectAndEcho(gen, server, WARMUP_CONNECTIONS);
            Batch measured = null;
            try {
                for (int i = 1; i < WARMUP_MESSAGES; i++) {
                    gen.sendOnceAndAwaitReplies(warm.connections(), message, ECHO_TIMEOUT_MILLIS);
                }
                for (int i = 0; i < WARMUP_CHURN / CHURN_BATCH; i++) {
                    gen.close(gen.connect(server.port, "/echo", null, CHURN_BATCH, CONNECT_TIMEOUT_MILLIS));
                }
                sleep(SETTLE_MILLIS);
                Map<String, long[]> classesBefore = histogram && describe ? server.classHistogram() : null;
                long heapBefore = server.heapUsedAfterGc();
                long nativeBefore = server.nativeCommittedOutsideHeap();
                long residentBefore = server.residentOutsideHeap();
                measured = connectAndEcho(gen, server, n);
                if (describe) {
                    describe(server, measured);
                }
                sleep(SETTLE_MILLIS);
                double heap = (server.heapUsedAfterGc() - heapBefore) / (double) n;
                double nativeMemory = (server.nativeCommittedOutsideHeap() - nativeBefore) / (double) n;
                double resident = (server.residentOutsideHeap() - residentBefore) / (double) n;
                if (classesBefore != null) {
                    LoadBench.printHistogramDelta(log, server, classesBefore, n, "compressed connection");
                }
                if (!server.alive()) {
                    throw new IOException("a server died; see " + server.log());
                }
                return new double[] {heap, nativeMemory, resident, heap + Math.max(nativeMemory, resident)};
            } finally {
                if (measured != null) {
                    gen.close(measured.connections());
                }
                gen.close(warm.connections());
            }
        }
    }

    private ServerProcess start(Subject subject) throws IOException {
        if (subject.mode() != null) {
            return ServerProcess.startOurs(subject.mode(), config);
        }
        return baseline == null ? ServerProcess.start("netty", true, config)
                : ServerProcess.startBaseline(baseline, true, config);
    }

    /** Opens {@code count} connections with the offer, and has each send the message and receive its echo. */
    private Batch connectAndEcho(LoadGenerator gen, ServerProcess server, int count) throws IOException {
        List<GenConnection> conns = gen.connect(server.port, "/echo", OFFER, count, CONNECT_TIMEOUT_MILLIS);
        try {
            return new Batch(conns, gen.sendOnceAndAwaitReplies(conns, message, ECHO_TIMEOUT_MILLIS));
        } catch (IOException e) {
            gen.close(conns);
            throw e;
        }
    }

    /** Logs what the server answered to the offer and how it echoed (first round only). */
    private void describe(ServerProcess server, Batch batch) {
        LoadGenerator.Replies r = batch.replies();
        log.printf(Locale.ROOT, "   %s answered \"%s\"; echoes: %d of %d compressed, %.0f B payload each%n",
                server, batch.connections().get(0).negotiatedExtensions, r.compressed(), r.messages(),
                r.payloadBytes() / (double) r.messages());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
