package dev.seed.websocket.servlet;

import jakarta.servlet.http.WebConnection;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;

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

    /** The look-ups, made once per class (a connection's close must not pay for them). */
    private static final ClassValue<Field> WRAPPER_FIELD = new ClassValue<>() {
        @Override
        protected Field computeValue(Class<?> type) {
            try {
                Field f = type.getDeclaredField("socketWrapper");
                f.setAccessible(true);
                return f;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    };
    private static final ClassValue<java.lang.reflect.Method[]> METHODS = new ClassValue<>() {
        @Override
        protected java.lang.reflect.Method[] computeValue(Class<?> type) {
            java.lang.reflect.Method[] m = new java.lang.reflect.Method[3];
            try {
                m[0] = type.getMethod("close");
            } catch (ReflectiveOperationException | RuntimeException e) {
                // none
            }
            try {
                m[1] = type.getMethod("getSocket");
            } catch (ReflectiveOperationException | RuntimeException e) {
                // none
            }
            try {
                m[2] = type.getMethod("getIOChannel");
            } catch (ReflectiveOperationException | RuntimeException e) {
                // none
            }
            return m;
        }
    };

    /** Closes the socket under {@code connection} when the container is Tomcat. Any thread. */
    static void closeSocket(WebConnection connection) {
        try {
            Object socket = tomcatSocketWrapper(connection);
            java.lang.reflect.Method close = socket == null ? null : METHODS.get(socket.getClass())[0];
            if (close != null) {
                close.invoke(socket);
            }
        } catch (ReflectiveOperationException | RuntimeException | java.io.IOException e) {
            LOG.log(Level.DEBUG, "could not close the container's socket at once", e);
        }
    }

    /**
     * Half-closes the socket under {@code connection} (our FIN, RFC 6455 section 7.1.1) when the
     * container is Tomcat on NIO: the Servlet API has no half-close, and closing both ways while
     * the peer's last frames are still unread would reset the connection (the peer could lose our
     * Close). Call only once everything written is out of the container's buffers. False when not
     * possible here.
     */
    static boolean shutdownOutput(WebConnection connection) {
        try {
            Object socket = tomcatSocketWrapper(connection);
            if (socket == null) {
                return false;
            }
            java.lang.reflect.Method getSocket = METHODS.get(socket.getClass())[1];
            Object channel = getSocket == null ? null : getSocket.invoke(socket);
            java.lang.reflect.Method getIo = channel == null ? null : METHODS.get(channel.getClass())[2];
            Object io = getIo == null ? null : getIo.invoke(channel);
            if (io instanceof java.nio.channels.SocketChannel sc) {
                sc.shutdownOutput();
                return true;
            }
            return false;
        } catch (ReflectiveOperationException | RuntimeException | java.io.IOException e) {
            LOG.log(Level.DEBUG, "could not half-close the container's socket", e);
            return false;
        }
    }

    /** Tomcat's socket wrapper under {@code connection}, or null for another container. */
    private static Object tomcatSocketWrapper(WebConnection connection)
            throws java.io.IOException, ReflectiveOperationException {
        Object in = connection.getInputStream();
        if (!in.getClass().getName().equals(TOMCAT_STREAM)) {
            return null;
        }
        Field wrapper = WRAPPER_FIELD.get(in.getClass());
        return wrapper == null ? null : wrapper.get(in);
    }
}
