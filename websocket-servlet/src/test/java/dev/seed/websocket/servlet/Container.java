package dev.seed.websocket.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * A real servlet container on a free loopback port, with the given filters in front of a servlet
 * that answers every other request with 200 "page" (the web application sharing the port).
 */
abstract class Container implements AutoCloseable {

    enum Kind {
        TOMCAT
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

    abstract int port();

    static Container start(Kind kind, List<Filter> filters) throws Exception {
        return new OnTomcat(filters);
    }

    static final class OnTomcat extends Container {
        private final Tomcat tomcat = new Tomcat();
        private final Connector connector = new Connector();
        private final Path base = Files.createTempDirectory("tomcat");

        OnTomcat(List<Filter> filters) throws Exception {
            tomcat.setBaseDir(base.toString());
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
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
        int port() {
            return connector.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
