package dev.seed.websocket.bench.load;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Main class of a benchmark server process: {@code BenchServer ours|netty [--deflate]}. Prints
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
        if (args.length < 1 || !(args[0].equals("ours") || args[0].equals("netty"))) {
            System.err.println("usage: BenchServer ours|netty [--deflate]");
            System.exit(2);
        }
        boolean deflate = args.length > 1 && args[1].equals("--deflate");
        Running server = args[0].equals("ours") ? new OurBenchServer(deflate) : new NettyBenchServer(deflate);
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
}
