package dev.seed.websocket.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interop row of headless Chromium's WebSocket (Debian's chromium package) as a client of our
 * server, with and without permessage-deflate (the browser always offers it), plain and TLS. A
 * page served by the JDK's HTTP server runs the exchange and posts what it saw back. The browser
 * API has no fragmented send and no ping, so the cell is messages of every size and closes.
 */
class ChromiumClientInteropTest {

    private static String chromium() {
        for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        throw new AssertionError("Chromium is not installed: run bin/test as root "
                + "(bin/setup.d/20-chromium.sh installs Debian's chromium)");
    }

    @ParameterizedTest(name = "deflate={0} tls={1}")
    @MethodSource("dev.seed.websocket.interop.ProcessPeerInteropTest#matrix")
    void chromiumAgainstOurServer(boolean deflate, boolean tls) throws Exception {
        String browser = chromium();
        BlockingQueue<Map<String, String>> results = new LinkedBlockingQueue<>();
        byte[] page = Files.readAllBytes(PeerProcess.script("browser/interop.html"));
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            try (exchange) {
                if ("POST".equals(exchange.getRequestMethod())) {
                    results.add(PeerProcess.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                    exchange.sendResponseHeaders(204, -1);
                } else {
                    exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                    exchange.sendResponseHeaders(200, page.length);
                    exchange.getResponseBody().write(page);
                }
            }
        });
        http.start();
        Path profile = Files.createTempDirectory("chromium-interop");
        Process process = null;
        try (InteropEchoServer ours = new InteropEchoServer(deflate, tls)) {
            String pageUrl = "http://127.0.0.1:" + http.getAddress().getPort() + "/?ws=" + ours.url(tls);
            List<String> cmd = new ArrayList<>(List.of(browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile));
            if (tls) {
                cmd.add("--ignore-certificate-errors");
            }
            cmd.add(pageUrl);
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Map<String, String> open = next(results, "open");
            assertThat(open.get("extensions").contains("permessage-deflate")).as("extension agreed").isEqualTo(deflate);
            int echoes = 0;
            Map<String, String> line;
            while (!"close".equals((line = next(results, null)).get("event"))) {
                assertThat(line.get("event")).isEqualTo("echo");
                assertThat(line.get("ok")).as(line.toString()).isEqualTo("true");
                echoes++;
            }
            assertThat(echoes).isEqualTo(ProcessPeerInteropTest.SIZES.length * 2 + 1);
            assertThat(line.get("code") + " " + line.get("reason") + " " + line.get("wasClean"))
                    .isEqualTo("4006 bye from chromium true");
            assertThat(ours.nextClose()).isEqualTo("4006 bye from chromium");
            Map<String, String> serverClose = next(results, "server-close");
            assertThat(serverClose.get("code") + " " + serverClose.get("reason") + " " + serverClose.get("wasClean"))
                    .isEqualTo("4003 bye from the server true");
            assertThat(ours.nextClose()).isEqualTo("4003 bye from the server");
        } finally {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            http.stop(0);
            deleteTree(profile);
        }
    }

    private static Map<String, String> next(BlockingQueue<Map<String, String>> results, String event)
            throws InterruptedException {
        Map<String, String> m = results.poll(60, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("Chromium reported nothing within 60 s" + (event == null ? "" : " (waiting for " + event + ")"));
        }
        if ("error".equals(m.get("event"))) {
            throw new AssertionError("the page failed: " + m.get("message"));
        }
        if (event != null && !event.equals(m.get("event"))) {
            throw new AssertionError("expected '" + event + "' from the page, got " + m);
        }
        return m;
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary profile left behind
        }
    }
}
