package dev.seed.websocket.bench.load;

import dev.seed.websocket.CompressionMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Main class of a benchmark server process:
 * {@code BenchServer ours|netty [--deflate] [--mode SHARED|WINDOWED|FULL]}; {@code --mode} (ours
 * only) sets our {@link CompressionMode} and implies {@code --deflate}; or
 * {@code BenchServer tomcat-ours|tomcat-jsr356|jetty-ours|jetty} ({@link TomcatBenchServer}: our
 * engine hosted on embedded Tomcat, or Tomcat's own WebSocket; {@link JettyBenchServer}: our engine
 * hosted on embedded Jetty, or Jetty's own WebSocket; no options). Prints
 * {@code PORT <n>} once listening on 127.0.0.1, then serves until its standard input ends or
 * reads {@code quit}, and exits.
 */
public final class BenchServer {

    /** Largest message both servers accept: the 1 MiB scenario fits with room to spare. */
    static final int MAX_MESSAGE = 4 * 1024 * 1024;

    /** A started server. */
    interface Running extends AutoCloseable {
        int port();

        @Override
        void close();
    }

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("jetty") || args[0].equals("jetty-ours"))) {
            boolean hosted = args[0].equals("jetty-ours");
            serve(new JettyBenchServer(hosted ? JettyBenchServer.Kind.OURS : JettyBenchServer.Kind.OWN));
            return;
        }
        if (args.length == 1 && args[0].startsWith("tomcat-")) {
            TomcatBenchServer.Kind kind = switch (args[0]) {
                case "tomcat-ours" -> TomcatBenchServer.Kind.OURS;
                case "tomcat-jsr356" -> TomcatBenchServer.Kind.JSR356;
                default -> null;
            };
            if (kind == null) {
                usage();
            }
            serve(new TomcatBenchServer(kind));
            return;
        }
        if (args.length < 1 || !(args[0].equals("ours") || args[0].equals("netty"))) {
            usage();
        }
        boolean ours = args[0].equals("ours");
        boolean deflate = false;
        CompressionMode mode = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--deflate")) {
                deflate = true;
            } else if (args[i].equals("--mode") && i + 1 < args.length && ours) {
                mode = CompressionMode.valueOf(args[++i]);
                deflate = true;
            } else {
                usage();
            }
        }
        serve(ours ? new OurBenchServer(deflate, mode) : new NettyBenchServer(deflate));
    }

    /** Prints the port, serves until standard input ends or says quit, then exits. */
    private static void serve(Running server) throws Exception {
        System.out.println("PORT " + server.port());
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                // only quit or end of input stop the server
            }
        }
        server.close();
        System.exit(0);
    }

    private static void usage() {
        System.err.println("usage: BenchServer ours|netty [--deflate] [--mode SHARED|WINDOWED|FULL]"
                + " | tomcat-ours | tomcat-jsr356 | jetty-ours | jetty");
        System.exit(2);
    }
}
