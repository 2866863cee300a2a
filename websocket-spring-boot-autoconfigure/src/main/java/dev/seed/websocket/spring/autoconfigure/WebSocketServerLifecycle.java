package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.WebSocketServer;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Starts the WebSocket server once the application context is refreshed and stops it gracefully
 * when the context closes: stop accepting, send 1001 (going away) to every peer, wait up to the
 * grace period for their close, then drop what is left. On start it publishes the bound port as
 * {@value #PORT_PROPERTY} and a {@link WebSocketServerInitializedEvent}.
 */
public class WebSocketServerLifecycle implements SmartLifecycle {

    /**
     * The phase of this lifecycle: the one of Spring Boot's web server graceful shutdown
     * ({@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}, {@code Integer.MAX_VALUE -
     * 1024}). Lifecycles stop from the highest phase down, those of one phase together: peers get
     * their 1001 while the web server drains its requests, and both happen before the web server
     * stops ({@code Integer.MAX_VALUE - 2048}) and before the beans handlers use (datasources,
     * brokers, lower phases) go away. It starts in this phase too, after the web server.
     */
    public static final int PHASE = Integer.MAX_VALUE - 1024;

    /** The property that holds the bound port once the server runs. */
    public static final String PORT_PROPERTY = "local.websocket.server.port";

    /** Spring Boot's property source of bound ports ({@code local.server.port} lives there too). */
    private static final String PORTS_PROPERTY_SOURCE = "server.ports";

    private static final System.Logger LOG = System.getLogger(WebSocketServerLifecycle.class.getName());

    private final WebSocketServer server;
    private final Duration shutdownGrace;
    private final int configuredPort;
    private final ApplicationEventPublisher events;
    private final ConfigurableEnvironment environment;
    /** Set when the routes are served on the servlet web server's port; null for our own port. */
    private final WebSocketHosting hosting;
    private volatile boolean running;

    public WebSocketServerLifecycle(WebSocketServer server, Duration shutdownGrace, int configuredPort,
            ApplicationEventPublisher events, ConfigurableEnvironment environment) {
        this(server, shutdownGrace, configuredPort, events, environment, null);
    }

    public WebSocketServerLifecycle(WebSocketServer server, Duration shutdownGrace, int configuredPort,
            ApplicationEventPublisher events, ConfigurableEnvironment environment, WebSocketHosting hosting) {
        this.hosting = hosting;
        this.server = server;
        this.shutdownGrace = shutdownGrace;
        this.configuredPort = configuredPort;
        this.events = events;
        this.environment = environment;
    }

    @Override
    public void start() {
        if (running) {
            return;
        }
        try {
            server.start();
        } catch (UncheckedIOException e) {
            throw startFailure(e);
        } catch (dev.seed.websocket.cluster.ClusterException e) {
            throw new WebSocketClusterStartException(e);
        }
        running = true;
        if (hosting != null) {
            // the web server runs already (it starts in an earlier phase): its port is ours
            String webPort = environment == null ? null : environment.getProperty("local.server.port");
            LOG.log(Level.INFO, "WebSocket routes served on the web server''s port {0} ({1}); set"
                    + " websocket.server.port for a port of their own", webPort == null ? "(none)" : webPort,
                    hosting.container());
            if (webPort != null) {
                publishPort(Integer.parseInt(webPort));
            }
        } else {
            int port = server.port();
            LOG.log(Level.INFO, "WebSocket server started on its own port {0}{1}", Integer.toString(port),
                    whyOwnPort());
            publishPort(port);
        }
        events.publishEvent(new WebSocketServerInitializedEvent(server));
    }

    /**
     * Why an application with a web server has a second port although websocket.server.port is
     * unset: the routes share only a Tomcat or Jetty servlet web server's port.
     */
    private String whyOwnPort() {
        if (environment == null || environment.containsProperty("websocket.server.port")
                || environment.getProperty("local.server.port") == null) {
            return "";
        }
        if (!environment.getProperty("websocket.server.share-web-server-port", Boolean.class, true)) {
            return " (websocket.server.share-web-server-port is false)";
        }
        return " (websocket.server.port is unset, but the routes share the web server's port only on a"
                + " Tomcat or Jetty servlet web server; this one is reactive)";
    }

    private WebSocketServerStartException startFailure(UncheckedIOException e) {
        if (e.getCause() instanceof BindException) {
            return new WebSocketServerStartException("WebSocket server cannot listen on port " + configuredPort
                    + " (websocket.server.port): the port is already in use. Set websocket.server.port to a free"
                    + " port, or to 0 for any free port. " + e.getMessage(), configuredPort, e);
        }
        return new WebSocketServerStartException("WebSocket server cannot bind port " + configuredPort
                + " (websocket.server.address, websocket.server.port): " + e.getMessage(), configuredPort, e);
    }

    private void publishPort(int port) {
        if (environment == null) {
            return;
        }
        MutablePropertySources sources = environment.getPropertySources();
        PropertySource<?> source = sources.get(PORTS_PROPERTY_SOURCE);
        if (source == null) {
            source = new MapPropertySource(PORTS_PROPERTY_SOURCE, new HashMap<>());
            sources.addFirst(source);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> ports = (Map<String, Object>) source.getSource();
        ports.put(PORT_PROPERTY, port);
    }

    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        boolean clean = server.shutdown(shutdownGrace);
        if (!clean) {
            LOG.log(Level.INFO, "WebSocket server stopped; some peers did not close within {0}", shutdownGrace);
        }
    }

    /** Shuts down on a thread of its own so that other beans of the phase stop at the same time. */
    @Override
    public void stop(Runnable callback) {
        if (!running) {
            callback.run();
            return;
        }
        Thread t = new Thread(() -> {
            try {
                stop();
            } finally {
                callback.run();
            }
        }, "websocket-server-shutdown");
        t.start();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** The server this starts and stops. */
    public WebSocketServer getServer() {
        return server;
    }
}
