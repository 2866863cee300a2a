package dev.seed.websocket.bench.load;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.websocket.server.config.JettyWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * For reference: embedded Jetty 12.1 (the version the Spring Boot BOM manages) serving
 * {@code /echo} with its own WebSocket implementation, through its native API on an ee11 servlet
 * context (jetty-ee11-websocket-jetty-server), as a Jetty application registers it. The default
 * thread pool and connector (one acceptor and one selector on one CPU), 127.0.0.1, accept queue
 * 4096, the benchmark's message size limit. The echo sends each whole text message back, and each
 * binary message with the callback that releases it (Jetty's zero-copy idiom).
 */
final class JettyBenchServer implements BenchServer.Running {

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    JettyBenchServer() throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(4096);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        JettyWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            container.setMaxTextMessageSize(BenchServer.MAX_MESSAGE);
            container.setMaxBinaryMessageSize(BenchServer.MAX_MESSAGE);
            container.setIdleTimeout(Duration.ofMinutes(10));
            container.addMapping("/echo", (request, response) -> new Echo());
        });
        server.setHandler(context);
        server.start();
    }

    /** Jetty's echo: one instance per connection. */
    public static final class Echo extends Session.Listener.AbstractAutoDemanding {
        @Override
        public void onWebSocketText(String message) {
            getSession().sendText(message, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            getSession().sendBinary(payload, callback);
        }
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping anyway
        }
    }
}
