package dev.seed.websocket.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server for a test, on a free loopback port, without persistence; stopped (or
 * killed) and started again on the same port by the test. Debian's package, installed by
 * {@code bin/test} (bin/setup.d/21-redis.sh) when missing.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    public static RedisServer start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RedisServer r = new RedisServer(port, Files.createTempDirectory("redis-test"));
        r.startProcess();
        return r;
    }

    /** A server some other process started, on {@code port}; this object does not own it. */
    static RedisServer attach(int port) {
        return new RedisServer(port, null);
    }

    private static String executable() {
        for (String p : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (new File(p).canExecute()) {
                return p;
            }
        }
        throw new IllegalStateException("redis-server is not installed: bin/test installs it "
                + "(bin/setup.d/21-redis.sh, Debian's redis-server package, as root)");
    }

    public void startProcess() throws IOException, InterruptedException {
        process = new ProcessBuilder(executable(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "yes")
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if ("+PONG".equals(command("PING"))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("redis-server did not answer on port " + port + "; its log: "
                + Files.readString(dir.resolve("redis.log")));
    }

    /** Kills the server (nothing saved: what it held is lost, as after a crash without persistence). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Stops the server as a hung one: it keeps its connections and answers nothing (SIGSTOP). */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a paused server go on (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    /** Stops the server after saving what it holds; {@link #startProcess} loads it again. */
    public void shutdownSaving() throws InterruptedException {
        command("SHUTDOWN SAVE");
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Sends one inline command and returns the first line of the answer, or null when none came. */
    public String command(String inline) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\r') {
                line.append((char) b);
            }
            return line.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** The channels Redis has subscribers for that match a glob, via redis-cli's sibling protocol (RESP array). */
    public List<String> channels(String pattern) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(2000);
            s.getOutputStream().write(("PUBSUB CHANNELS " + pattern + "\r\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            String head = readLine(in);
            int n = Integer.parseInt(head.substring(1));
            java.util.List<String> out = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                readLine(in);
                out.add(readLine(in));
            }
            java.util.Collections.sort(out);
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
