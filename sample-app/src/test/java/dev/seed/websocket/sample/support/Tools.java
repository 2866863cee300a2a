package dev.seed.websocket.sample.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Finds the programs and packages the tests drive, and fails with a message saying how
 * {@code bin/test} installs whatever is missing.
 */
public final class Tools {

    private Tools() {
    }

    /** The project's root (where {@code bin/} and {@code .tools/} are): the module's parent. */
    public static Path projectRoot() {
        return moduleDir().getParent();
    }

    /** The sample-app module's folder (Surefire runs tests in it). */
    public static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath().normalize();
        return Files.isDirectory(here.resolve("src/test/java/dev/seed/websocket/sample")) ? here : here.resolve("sample-app");
    }

    /** The browser client's npm package, {@code websocket-client-js/} beside the module. */
    public static Path clientPackageDir() {
        return projectRoot().resolve("websocket-client-js");
    }

    /** Node 20 or later, on the PATH. */
    public static Path node() {
        return onPath("node").orElseThrow(() -> new AssertionError("Node.js (node, version 20 or later) is not on the "
                + "PATH: the client library's tests need it. Install Node 20+ (Debian: apt-get install nodejs), then run "
                + "bin/test."));
    }

    /** npm (it comes with Node), on the PATH. */
    public static Path npm() {
        return onPath("npm").orElseThrow(() -> new AssertionError("npm is not on the PATH: the client package's tests "
                + "need it. Install Node 20+ with npm (Debian: apt-get install nodejs npm), then run bin/test."));
    }

    /**
     * The TypeScript compiler installed into .tools/ (listed in .tools/package.json), as the
     * script that node runs.
     */
    public static Path tsc() {
        Path tsc = npmPackage("typescript").resolve("node_modules/typescript/bin/tsc");
        if (!Files.isRegularFile(tsc)) {
            throw new AssertionError("The npm package 'typescript' in .tools/ has no bin/tsc: reinstall it with "
                    + "rm -rf .tools/node_modules/typescript && bin/setup-test-peers");
        }
        return tsc;
    }

    private static java.util.Optional<Path> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return java.util.Optional.of(candidate);
            }
        }
        return java.util.Optional.empty();
    }

    /** The folder of an npm package installed into the project's .tools/ folder. */
    public static Path npmPackage(String name) {
        Path tools = projectRoot().resolve(".tools");
        if (!Files.isRegularFile(tools.resolve("node_modules").resolve(name).resolve("package.json"))) {
            throw new AssertionError("The npm package '" + name + "' is not installed in " + tools + ": bin/test installs "
                    + "it (bin/setup-test-peers runs bin/setup.d/10-npm.sh, which runs npm install --prefix .tools).");
        }
        return tools;
    }

    /** A finished process: its exit code and what it printed. */
    public record Result(int exitCode, String output) {
    }

    /** Runs {@code pb} (its output redirected to {@code output}) for at most {@code limit}, then kills it. */
    public static Result run(ProcessBuilder pb, Path output, Duration limit) throws IOException, InterruptedException {
        Process process = pb.start();
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(pb.command() + " did not finish within " + limit + ":\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
