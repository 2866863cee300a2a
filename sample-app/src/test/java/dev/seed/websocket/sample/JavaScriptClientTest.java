package dev.seed.websocket.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.sample.support.RunningApp;
import dev.seed.websocket.sample.support.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the client library's own tests ({@code websocket-client-js/test}, Node's built-in test runner) against
 * this application's {@code /echo} route and the ws package's servers, inside the Maven build.
 */
class JavaScriptClientTest {

    private static RunningApp app;

    @BeforeAll
    static void start() {
        app = RunningApp.launch();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void the_node_tests_of_websocket_client_js_pass() throws Exception {
        Path node = Tools.node();
        Path tools = Tools.npmPackage("ws");
        Path tests = Tools.clientPackageDir().resolve("test");
        Path report = Tools.moduleDir().resolve("target/node-test-report.txt");
        Files.createDirectories(report.getParent());

        ProcessBuilder pb = new ProcessBuilder(List.of(node.toString(), "--test", "--test-timeout=30000",
                "--test-reporter=spec", tests.toString()))
                .directory(Tools.moduleDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(report.toFile());
        pb.environment().put("ECHO_URL", app.ws("/echo").toString());
        pb.environment().put("ECHO_ORIGIN", app.origin());
        pb.environment().put("TOOLS_DIR", tools.toString());
        pb.environment().put("NO_COLOR", "1");
        Tools.Result result = Tools.run(pb, report, java.time.Duration.ofMinutes(3));

        System.out.println(result.output());
        assertThat(result.exitCode()).as("node --test exit code (report in %s)", report).isZero();
        assertThat(result.output()).contains("\u2139 fail 0", "\u2139 skipped 0", "\u2139 todo 0", "\u2139 cancelled 0")
                .containsPattern("\u2139 pass [1-9][0-9]*");
    }
}
