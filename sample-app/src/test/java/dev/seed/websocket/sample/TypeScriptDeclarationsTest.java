package dev.seed.websocket.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.sample.support.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Type-checks the client package's declarations (websocket-client.d.ts) the way a strict
 * TypeScript user meets them: {@code websocket-client-js/test/types/} imports the package by its
 * name through its "exports" ({@code strict}, {@code module: nodenext}), uses the whole API in
 * {@code usage.ts}, and misuses it in {@code misuse.ts}, where every {@code @ts-expect-error}
 * must meet an error: declarations too loose make tsc fail as surely as wrong ones.
 */
class TypeScriptDeclarationsTest {

    @Test
    void tsc_accepts_the_strict_usage_and_refuses_the_misuse() throws Exception {
        Path node = Tools.node();
        Path tsc = Tools.tsc();
        Path project = Tools.clientPackageDir().resolve("test/types/tsconfig.json");
        Path report = Tools.moduleDir().resolve("target/tsc-report.txt");
        Files.createDirectories(report.getParent());

        ProcessBuilder pb = new ProcessBuilder(List.of(node.toString(), tsc.toString(), "--version"))
                .directory(Tools.clientPackageDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(report.toFile());
        Tools.Result version = Tools.run(pb, report, Duration.ofMinutes(1));
        assertThat(version.output()).as("the TypeScript in .tools/").startsWith("Version 5.");

        pb.command(List.of(node.toString(), tsc.toString(), "-p", project.toString(), "--pretty", "false",
                "--listFilesOnly"));
        Tools.Result files = Tools.run(pb, report, Duration.ofMinutes(2));
        assertThat(files.exitCode()).as("tsc --listFilesOnly:\n%s", files.output()).isZero();
        // the package resolves by its name to its declarations, not to the JavaScript
        assertThat(files.output()).contains("websocket-client-js/websocket-client.d.ts",
                "test/types/usage.ts", "test/types/misuse.ts");

        pb.command(List.of(node.toString(), tsc.toString(), "-p", project.toString(), "--pretty", "false"));
        Tools.Result result = Tools.run(pb, report, Duration.ofMinutes(2));
        System.out.println(result.output());
        assertThat(result.exitCode()).as("tsc -p %s exit code; it printed:\n%s", project, result.output()).isZero();
    }
}
