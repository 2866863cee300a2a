package dev.seed.websocket.sample.tools;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The project's client as a conformance fuzzer's test subject: it asks a fuzzing server of the
 * Autobahn TestSuite kind how many cases it has ({@code /getCaseCount}), runs each one
 * ({@code /runCase?case=N&agent=A}) by echoing every message back, then asks for the report
 * ({@code /updateReports?agent=A}). Plain Java: no Spring context is started.
 *
 * <p>Run with {@code bin/fuzzing-client [ws://127.0.0.1:9001] [agent]}.
 */
public final class FuzzingClient {

    /** Bound on one case, so that a broken case cannot hang the run. */
    private static final Duration CASE_TIMEOUT = Duration.ofSeconds(60);

    private final WebSocketClient client;
    private final URI base;
    private final String agent;

    public FuzzingClient(URI base, String agent) {
        this.base = base;
        this.agent = agent;
        // Two offers, so that every server parameter combination finds one to accept.
        this.client = WebSocketClient.builder()
                .extensions("permessage-deflate; client_max_window_bits",
                        "permessage-deflate; client_no_context_takeover; client_max_window_bits")
                .maxFrameSize(64L * 1024 * 1024).maxMessageSize(64L * 1024 * 1024)
                .closeTimeout(Duration.ofSeconds(2))
                .build();
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args.length > 0 ? args[0] : "ws://127.0.0.1:9001");
        String agent = args.length > 1 ? args[1] : "dev.seed.websocket";
        FuzzingClient fuzz = new FuzzingClient(base, agent);
        try {
            int cases = fuzz.caseCount();
            System.out.println("cases: " + cases);
            for (int i = 1; i <= cases; i++) {
                String outcome = fuzz.runCase(i);
                System.out.println("case " + i + "/" + cases + ": " + outcome);
            }
            fuzz.updateReports();
            System.out.println("reports updated");
        } finally {
            fuzz.close();
        }
    }

    /** Asks the fuzzing server for its number of cases. */
    public int caseCount() throws Exception {
        CompletableFuture<String> count = new CompletableFuture<>();
        String outcome = run("/getCaseCount", new WebSocketHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                count.complete(text.trim());
            }
        });
        if (!count.isDone()) {
            throw new IllegalStateException("No case count from " + base + ": " + outcome);
        }
        return Integer.parseInt(count.get());
    }

    /** Runs case {@code n}: echoes every message until the server closes; returns how it closed. */
    public String runCase(int n) throws Exception {
        return run("/runCase?case=" + n + "&agent=" + encode(agent), new WebSocketHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                c.sendText(text);
            }

            @Override
            public void onBinary(WebSocketConnection c, ByteBuffer data) {
                c.sendBinary(data);
            }
        });
    }

    /** Tells the fuzzing server to write its reports. */
    public void updateReports() throws Exception {
        run("/updateReports?agent=" + encode(agent), new WebSocketHandler() { });
    }

    /** Connects, lets {@code handler} serve the connection, and waits for it to close. */
    private String run(String pathAndQuery, WebSocketHandler handler) throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocketHandler observing = new WebSocketHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                handler.onText(c, text);
            }

            @Override
            public void onBinary(WebSocketConnection c, ByteBuffer data) {
                handler.onBinary(c, data);
            }

            @Override
            public void onClose(WebSocketConnection c, int code, String reason) {
                closed.complete(code + (reason.isEmpty() ? "" : " " + reason) + " (" + c.closeCause().tag() + ")");
            }
        };
        try {
            client.connect(base.resolve(pathAndQuery), observing).get(CASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // A case may refuse or break the handshake on purpose: that is its outcome.
            return "handshake failed: " + e.getCause().getMessage();
        }
        return closed.get(CASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public void close() {
        client.close();
    }
}
