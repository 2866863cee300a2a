package dev.seed.websocket.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.sample.support.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client as the npm package {@code websocket-client-js/} makes: {@code npm pack} holds what
 * a user needs and nothing of the tests, and the tarball installs (offline: the package has no
 * dependencies) into an empty project, where node imports it by name and tsc finds its types.
 * npm works with a cache of its own under target/.
 */
class ClientPackageTest {

    private static final String NAME = "@dev-seed/websocket-client";
    private static final Path WORK = Tools.moduleDir().resolve("target/npm-package");

    private static Path tarball;
    private static JsonNode packed;

    @BeforeAll
    static void pack() throws Exception {
        deleteTree(WORK);
        Path dist = Files.createDirectories(WORK.resolve("dist"));
        Result result = run(Tools.clientPackageDir(), Tools.npm().toString(), "pack", "--json", "--pack-destination",
                dist.toString());
        assertThat(result.exitCode()).as("npm pack:\n%s", result.output()).isZero();
        packed = JsonMapper.builder().build().readTree(result.stdout()).get(0);
        tarball = dist.resolve(packed.path("filename").asString());
        assertThat(tarball).isRegularFile();
    }

    @Test
    void the_tarball_holds_the_module_its_types_its_readme_and_nothing_of_the_tests() {
        assertThat(packed.path("name").asString()).isEqualTo(NAME);
        assertThat(packed.path("version").asString()).isEqualTo("1.0.0");
        List<String> files = new ArrayList<>();
        packed.path("files").forEach(f -> files.add(f.path("path").asString()));
        assertThat(files).containsExactlyInAnyOrder("package.json", "websocket-client.js", "websocket-client.d.ts",
                "README.md");
        assertThat(files).noneMatch(f -> f.startsWith("test/"));
    }

    @Test
    void the_tarball_installs_offline_and_imports_by_its_name() throws Exception {
        Path project = Files.createDirectories(WORK.resolve("user-project"));
        Files.writeString(project.resolve("package.json"),
                "{ \"name\": \"user-project\", \"private\": true, \"type\": \"module\" }\n");
        Result install = run(project, Tools.npm().toString(), "install", "--offline", "--no-audit", "--no-fund",
                "--ignore-scripts", tarball.toString());
        assertThat(install.exitCode()).as("npm install --offline %s:\n%s", tarball, install.output()).isZero();
        assertThat(project.resolve("node_modules/" + NAME + "/websocket-client.d.ts")).isRegularFile();
        assertThat(project.resolve("node_modules/" + NAME + "/test")).doesNotExist();

        // node, from the user's project: the package by its name, with a stand-in WebSocket class
        Files.writeString(project.resolve("check.mjs"), """
                import { WebSocketClient, State, CloseCodes, GiveUpReason, QueueFullError, backoffDelay }
                    from '@dev-seed/websocket-client';
                import { createRequire } from 'node:module';
                const pkg = createRequire(import.meta.url)('@dev-seed/websocket-client/package.json');
                class NoSocket { constructor() { throw new SyntaxError('not in this check'); } }
                const client = new WebSocketClient('ws://127.0.0.1:9/', { WebSocket: NoSocket, autoConnect: false });
                const queued = new QueueFullError('full');
                console.log(JSON.stringify({
                    version: pkg.version, state: client.state, closed: State.CLOSED, normal: CloseCodes.NORMAL,
                    giveUp: GiveUpReason.MAX_ATTEMPTS, error: queued.name, delay: backoffDelay(2, { jitter: 0 }),
                    resolved: import.meta.resolve('@dev-seed/websocket-client'),
                }));
                """, StandardCharsets.UTF_8);
        Result imported = run(project, Tools.node().toString(), "check.mjs");
        assertThat(imported.exitCode()).as("node check.mjs:\n%s", imported.output()).isZero();
        JsonNode seen = JsonMapper.builder().build().readTree(imported.stdout().strip());
        assertThat(seen.path("version").asString()).isEqualTo("1.0.0");
        assertThat(seen.path("state").asString()).isEqualTo("closed");
        assertThat(seen.path("closed").asString()).isEqualTo("closed");
        assertThat(seen.path("normal").asInt()).isEqualTo(1000);
        assertThat(seen.path("giveUp").asString()).isEqualTo("max-attempts");
        assertThat(seen.path("error").asString()).isEqualTo("QueueFullError");
        assertThat(seen.path("delay").asInt()).isEqualTo(1000);
        assertThat(seen.path("resolved").asString())
                .endsWith("/user-project/node_modules/@dev-seed/websocket-client/websocket-client.js");

        // tsc, from the user's project: the installed package's "types" condition
        Files.writeString(project.resolve("check.ts"), """
                import { WebSocketClient, type ClientGiveUpEvent } from '@dev-seed/websocket-client';
                const client = new WebSocketClient('ws://127.0.0.1:9/', { autoConnect: false, reconnect: { maxAttempts: 3 } });
                client.addEventListener('giveup', (event: ClientGiveUpEvent) => console.log(event.why));
                // @ts-expect-error: no such method
                client.sendd('x');
                """, StandardCharsets.UTF_8);
        Files.writeString(project.resolve("tsconfig.json"), """
                { "compilerOptions": { "strict": true, "noEmit": true, "module": "nodenext",
                  "moduleResolution": "nodenext", "target": "es2022", "lib": ["es2022", "dom"], "types": [] },
                  "files": ["check.ts"] }
                """, StandardCharsets.UTF_8);
        Result typed = run(project, Tools.node().toString(), Tools.tsc().toString(), "-p", "tsconfig.json",
                "--pretty", "false");
        assertThat(typed.exitCode()).as("tsc in the user's project:\n%s", typed.output()).isZero();
    }

    /** A finished process: its exit code, its standard output, and both its outputs for messages. */
    private record Result(int exitCode, String stdout, String output) {
    }

    private static Result run(Path dir, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(Files.createDirectories(WORK), "process-", ".out");
        Path errors = Files.createTempFile(WORK, "process-", ".err");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(output.toFile())
                .redirectError(errors.toFile());
        // a cache of its own: nothing to fetch, nothing left in the user's ~/.npm
        pb.environment().put("npm_config_cache", WORK.resolve("npm-cache").toString());
        pb.environment().put("npm_config_update_notifier", "false");
        pb.environment().put("NO_COLOR", "1");
        Tools.Result result = Tools.run(pb, output, Duration.ofMinutes(2));
        return new Result(result.exitCode(), result.output(),
                result.output() + Files.readString(errors, StandardCharsets.UTF_8));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
