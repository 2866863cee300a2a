package dev.seed.websocket.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real servlet container on a free loopback port, with the given filters in front of a servlet
 * that answers every other request with 200 "page" (the web application sharing the port).
 * Public for the tests of other packages that run core's suites on a container (the conformance
 * cases, which use core's package-private test classes from their own package).
 */
public abstract class Container implements AutoCloseable {

    public enum Kind {
        /** Tomcat, through its own upgrade handler kind (its socket wrapper). */
        TOMCAT,
        JETTY,
        /** Tomcat through the Servlet API's upgrade and streams: the path every other container takes. */
        TOMCAT_SERVLET_API,
        /** Tomcat's own upgrade kind on a connector without asynchronous I/O ({@code useAsyncIO=false}). */
        TOMCAT_WITHOUT_ASYNC_IO
    }

    /** The upgrade filter in front of {@code server} as {@code kind} needs it. */
    public static WebSocketUpgradeFilter upgradeFilter(Kind kind, dev.seed.websocket.WebSocketServer server) {
        return new WebSocketUpgradeFilter(server, kind == Kind.TOMCAT_SERVLET_API);
    }

    /** The application's own pages: 200 "page" for any request that reaches it. */
    static final class PageServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getOutputStream().write("page".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Wraps every request, as security filters do (Spring Security's request wrapper). */
    static final class WrappingFilter extends jakarta.servlet.http.HttpFilter {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doFilter(HttpServletRequest req, HttpServletResponse res, jakarta.servlet.FilterChain chain)
                throws IOException, jakarta.servlet.ServletException {
            chain.doFilter(new jakarta.servlet.http.HttpServletRequestWrapper(req), res);
        }
    }

    public abstract int port();

    public static Container start(Kind kind, List<Filter> filters) throws Exception {
        return kind == Kind.JETTY ? new OnJetty(filters) : new OnTomcat(filters, kind != Kind.TOMCAT_WITHOUT_ASYNC_IO);
    }

    static final class OnTomcat extends Container {
        private final Tomcat tomcat = new Tomcat();
        private final Connector connector = new Connector();
        private final Path base = Files.createTempDirectory("tomcat");

        OnTomcat(List<Filter> filters, boolean asyncIo) throws Exception {
            tomcat.setBaseDir(base.toString());
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            connector.setProperty("useAsyncIO", Boolean.toString(asyncIo));
            tomcat.getService().addConnector(connector);
            tomcat.setConnector(connector);
            Context context = tomcat.addContext("", base.toString());
            int i = 0;
            for (Filter f : filters) {
                FilterDef def = new FilterDef();
                def.setFilterName("f" + i);
                def.setFilter(f);
                def.setAsyncSupported("true");
                context.addFilterDef(def);
                FilterMap map = new FilterMap();
                map.setFilterName("f" + i);
                map.addURLPattern("/*");
                context.addFilterMap(map);
                i++;
            }
            Tomcat.addServlet(context, "page", new PageServlet());
            context.addServletMappingDecoded("/", "page");
            tomcat.start();
        }

        @Override
        public int port() {
            return connector.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    static final class OnJetty extends Container {
        private final Server server = new Server();
        private final ServerConnector connector = new ServerConnector(server);

        OnJetty(List<Filter> filters) throws Exception {
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            for (Filter f : filters) {
                context.addFilter(new FilterHolder(f), "/*", EnumSet.of(DispatcherType.REQUEST));
            }
            context.addServlet(new ServletHolder(new PageServlet()), "/");
            server.setHandler(context);
            server.start();
        }

        @Override
        public int port() {
            return connector.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.stop();
        }
    }
}
