package dev.seed.websocket.servlet;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;

/**
 * Which container a request comes from, under any wrappers (Spring Security's among them): Tomcat
 * and Jetty 12 get upgrades of their own kind, any other container the Servlet API's. A
 * container's classes are looked at only when they are on the class path.
 */
enum ContainerKind {
    TOMCAT, JETTY, OTHER;

    private static final boolean TOMCAT_PRESENT = present("org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler")
            && present("org.apache.tomcat.util.net.SocketWrapperBase");
    private static final boolean JETTY_PRESENT = present("org.eclipse.jetty.server.HttpStream")
            && present("org.eclipse.jetty.ee11.servlet.ServletContextRequest");

    static ContainerKind of(ServletRequest request) {
        String name = unwrap(request).getClass().getName();
        if (TOMCAT_PRESENT && name.startsWith("org.apache.catalina.connector.")) {
            return TOMCAT;
        }
        if (JETTY_PRESENT && name.startsWith("org.eclipse.jetty.ee11.")) {
            return JETTY;
        }
        return OTHER;
    }

    /** The container's own request under the wrappers. */
    static ServletRequest unwrap(ServletRequest request) {
        ServletRequest r = request;
        while (r instanceof ServletRequestWrapper w) {
            r = w.getRequest();
        }
        return r;
    }

    private static boolean present(String name) {
        try {
            Class.forName(name, false, ContainerKind.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
