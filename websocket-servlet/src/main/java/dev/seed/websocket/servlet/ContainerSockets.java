package dev.seed.websocket.servlet;

import jakarta.servlet.http.WebConnection;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Ends a container's upgraded connection now. {@code WebConnection.close()} only marks Tomcat's
 * streams closed; Tomcat closes the socket at the end of its next dispatch for the connection,
 * which for a silent peer (the reason we close, often) never comes: the socket would stay open
 * for the life of the process. Tomcat's own WebSocket closes its socket wrapper directly; this
 * does the same through the stream's socket wrapper when the container is Tomcat, and nothing
 * otherwise.
 */
final class ContainerSockets {

    private static final System.Logger LOG = System.getLogger(ContainerSockets.class.getName());
    private static final String TOMCAT_STREAM = "org.apache.coyote.http11.upgrade.UpgradeServletInputStream";

    private ContainerSockets() {
    }

    /** Closes the socket under {@code connection} when the container is Tomcat. Any thread. */
    static void closeSocket(WebConnection connection) {
        try {
            Object in = connection.getInputStream();
            if (!in.getClass().getName().equals(TOMCAT_STREAM)) {
                return;
            }
            Field wrapper = in.getClass().getDeclaredField("socketWrapper");
            wrapper.setAccessible(true);
            Object socket = wrapper.get(in);
            Method close = socket.getClass().getMethod("close");
            close.invoke(socket);
        } catch (ReflectiveOperationException | RuntimeException | java.io.IOException e) {
            LOG.log(Level.DEBUG, "could not close the container's socket at once", e);
        }
    }
}
