package dev.seed.websocket.bench.load;

import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.servlet.WebSocketUpgradeFilter;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * Embedded Tomcat (the version the Spring Boot BOM manages) serving {@code /echo} in one of two
 * ways, with the same connector (NIO, 127.0.0.1, accept backlog 4096, Tomcat's default thread
 * pool and 8 KiB socket buffers, or those of system property {@value #SOCKET_BUFFER_PROPERTY}) and
 * the same web application around it (one context, a servlet for every other request):
 *
 * <ul>
 *   <li>{@link Kind#OURS}: our engine, {@code WebSocketServer.builder().listen(false)} with one
 *       event loop and {@link OurBenchServer}'s echo handler, behind
 *       {@link WebSocketUpgradeFilter} on {@code /*} (the Servlet API's HTTP upgrade);</li>
 *   <li>{@link Kind#JSR356}: Tomcat's own WebSocket (tomcat-embed-websocket, registered by its
 *       {@link WsSci} as a web application's does) with a programmatic {@link Endpoint} that echoes
 *       whole text and binary messages through the session's blocking {@link RemoteEndpoint.Basic}
 *       (as Tomcat's own echo examples send). Tomcat buffers a whole binary message in an array of
 *       {@code maxBinaryMessageBufferSize} per connection (8 KiB by default, which would refuse
 *       the 16 KiB scenario): set to {@link #JSR356_BINARY_BUFFER}; text keeps the default.</li>
 * </ul>
 */
final class TomcatBenchServer implements BenchServer.Running {

    /**
     * Tomcat's whole-binary-message buffer per connection: the 16 KiB scenario's messages, no more
     * (Tomcat allocates it for every connection, so a larger one would cost each handshake).
     */
    static final int JSR356_BINARY_BUFFER = 16 * 1024;

    /** System property: the connector's socket read and write buffer size in bytes, when set. */
    static final String SOCKET_BUFFER_PROPERTY = "bench.tomcat.socketBuffer";

    enum Kind {
        OURS, JSR356
    }

    private final Tomcat tomcat = new Tomcat();
    private final Connector connector = new Connector();
    private final Path base;
    /** Our engine behind the filter; null for Tomcat's own WebSocket. */
    private final WebSocketServer engine;

    TomcatBenchServer(Kind kind) throws Exception {
        base = Files.createTempDirectory("bench-tomcat");
        tomcat.setBaseDir(base.toString());
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("acceptCount", "4096");
        String buffer = System.getProperty(SOCKET_BUFFER_PROPERTY);
        if (buffer != null) { // bin/bench containers --tomcat-buffer N; Tomcat's default is 8 KiB each way
            connector.setProperty("socket.appReadBufSize", buffer);
            connector.setProperty("socket.appWriteBufSize", buffer);
        }
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.toString());
        // leak detection at undeploy needs --add-opens and only warns here: off in both
        ((StandardContext) context).setClearReferencesThreadLocals(false);
        ((StandardContext) context).setClearReferencesRmiTargets(false);
        if (kind == Kind.OURS) {
            engine = OurBenchServer.builder().listen(false).build().start();
            FilterDef def = new FilterDef();
            def.setFilterName("websocket");
            def.setFilter(new WebSocketUpgradeFilter(engine));
            def.setAsyncSupported("true");
            context.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName("websocket");
            map.addURLPattern("/*");
            context.addFilterMap(map);
        } else {
            engine = null;
            // WsSci first (it puts the ServerContainer in the context), then the application's endpoint.
            context.addServletContainerInitializer(new WsSci(), null);
            context.addServletContainerInitializer(new EchoRegistration(), null);
        }
        Tomcat.addServlet(context, "page", new PageServlet());
        context.addServletMappingDecoded("/", "page");
        tomcat.start();
    }

    /** Registers {@link JsrEcho} on {@code /echo}, as a web application does in its initializer. */
    private static final class EchoRegistration implements ServletContainerInitializer {
        @Override
        public void onStartup(java.util.Set<Class<?>> classes, ServletContext ctx) {
            ServerContainer sc = (ServerContainer) ctx.getAttribute(ServerContainer.class.getName());
            sc.setDefaultMaxBinaryMessageBufferSize(JSR356_BINARY_BUFFER);
            try {
                sc.addEndpoint(ServerEndpointConfig.Builder.create(JsrEcho.class, "/echo").build());
            } catch (jakarta.websocket.DeploymentException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Tomcat's JSR-356 echo: each whole text or binary message sent back on the blocking remote. */
    public static final class JsrEcho extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            RemoteEndpoint.Basic remote = session.getBasicRemote();
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                try {
                    remote.sendText(text);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) data -> {
                try {
                    remote.sendBinary(data);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** The web application's other requests: 200 "page" (on Jetty too, {@link JettyBenchServer}). */
    static final class PageServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getOutputStream().write(new byte[] {'p', 'a', 'g', 'e'});
        }
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (org.apache.catalina.LifecycleException e) {
            // stopping anyway
        }
        if (engine != null) {
            engine.shutdown(Duration.ofSeconds(2));
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
