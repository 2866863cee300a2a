package dev.seed.websocket.bench.load;

import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.servlet.WebSocketUpgradeFilter;
import jakarta.servlet.DispatcherType;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.ee11.websocket.server.config.JettyWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * Embedded Jetty 12.1 (the version the Spring Boot BOM manages) serving {@code /echo} in one of
 * two ways, with the same connector (the default thread pool and connector, one acceptor and one
 * selector on one CPU, 127.0.0.1, accept queue 4096) and the same web application around it (one
 * ee11 servlet context, {@link TomcatBenchServer}'s page servlet for every other request):
 *
 * <ul>
 *   <li>{@link Kind#OURS}: our engine, {@code WebSocketServer.builder().listen(false)} with one
 *       event loop and {@link OurBenchServer}'s echo handler, behind
 *       {@link WebSocketUpgradeFilter} on {@code /*} (Jetty's own connection upgrade), as on
 *       Tomcat;</li>
 *   <li>{@link Kind#OWN}: Jetty's own WebSocket through its native API
 *       (jetty-ee11-websocket-jetty-server), as a Jetty application registers it, with the
 *       benchmark's message size limit. The echo sends each whole text message back, and each
 *       binary message with the callback that releases it (Jetty's zero-copy idiom).</li>
 * </ul>
 */
final class JettyBenchServer implements BenchServer.Running {

    enum Kind {
        OURS, OWN
    }

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    /** Our engine behind the filter; null for Jetty's own WebSocket. */
    private final WebSocketServer engine;

    JettyBenchServer(Kind kind) throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(4096);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        if (kind == Kind.OURS) {
            engine = OurBenchServer.builder().listen(false).build().start();
            FilterHolder filter = new FilterHolder(new WebSocketUpgradeFilter(engine));
            filter.setAsyncSupported(true);
            context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        } else {
            engine = null;
            JettyWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
                container.setMaxTextMessageSize(BenchServer.MAX_MESSAGE);
                container.setMaxBinaryMessageSize(BenchServer.MAX_MESSAGE);
                container.setIdleTimeout(Duration.ofMinutes(10));
                container.addMapping("/echo", (request, response) -> new Echo());
            });
        }
        context.addServlet(new ServletHolder(new TomcatBenchServer.PageServlet()), "/");
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
        if (engine != null) {
            engine.shutdown(Duration.ofSeconds(2));
        }
    }
}
