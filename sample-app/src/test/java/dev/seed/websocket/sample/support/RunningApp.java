package dev.seed.websocket.sample.support;

import dev.seed.websocket.sample.SampleApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample application started in this JVM as a user would run it, on a loopback port of its
 * own shared by page, actuator and WebSocket routes (or, with {@link #launchOnTwoPorts}, the
 * WebSocket server on a second port), with the page's origin allowed. It can be stopped (every
 * peer gets 1001) and started again on the same ports.
 */
public final class RunningApp implements AutoCloseable {

    private final int webPort;
    private final int websocketPort;
    private final List<String> extraArgs;
    private ConfigurableApplicationContext context;

    private RunningApp(int webPort, int websocketPort, List<String> extraArgs) {
        this.webPort = webPort;
        this.websocketPort = websocketPort;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Starts the app on one free loopback port; {@code args} are more command line properties. */
    public static RunningApp launch(String... args) {
        int port = freePort();
        RunningApp app = new RunningApp(port, port, List.of(args));
        app.start();
        return app;
    }

    /** Starts the app with the WebSocket server on a port of its own (websocket.server.port). */
    public static RunningApp launchOnTwoPorts(String... args) {
        RunningApp app = new RunningApp(freePort(), freePort(), List.of(args));
        app.start();
        return app;
    }

    /** Whether the WebSocket routes share the web server's port. */
    public boolean onePort() {
        return webPort == websocketPort;
    }

    /** Starts (again) on the same ports. */
    public synchronized void start() {
        if (context != null) {
            throw new IllegalStateException("already running");
        }
        List<String> args = new ArrayList<>(List.of(
                "--server.address=127.0.0.1",
                "--server.port=" + webPort,
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN"));
        if (!onePort()) {
            args.add("--websocket.server.address=127.0.0.1");
            args.add("--websocket.server.port=" + websocketPort);
        }
        args.addAll(extraArgs);
        // main(): the application's class, not the test runner's (AOT mode finds its initializer by it)
        context = new SpringApplicationBuilder(SampleApplication.class).main(SampleApplication.class)
                .run(args.toArray(String[]::new));
    }

    /** Closes the context: the WebSocket server sends 1001 to every peer and stops. */
    public synchronized void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    public synchronized boolean isRunning() {
        return context != null && context.isActive();
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public int webPort() {
        return webPort;
    }

    public int websocketPort() {
        return websocketPort;
    }

    /** The origin of the page, as a browser sends it. */
    public String origin() {
        return "http://127.0.0.1:" + webPort;
    }

    /** The page (or any other path) on the web server. */
    public URI http(String path) {
        return URI.create(origin() + path);
    }

    /** A path on the WebSocket server. */
    public URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + websocketPort + path);
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
