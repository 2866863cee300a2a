package dev.seed.websocket.servlet;

import dev.seed.websocket.HostedUpgrades;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

/**
 * What the container hands the upgraded connection to (Servlet 6.1 section 2.3.3.5): the
 * container makes it with {@code HttpServletRequest.upgrade}, the filter gives it the accepted
 * answer, and after the request's filters and servlet have returned the container calls
 * {@link #init} with the connection's streams. Public with a no-argument constructor, as the
 * container instantiates it.
 */
public final class WebSocketUpgradeHandler implements HttpUpgradeHandler {

    private AcceptedUpgrade accepted;
    private volatile ServletTransport transport;

    public WebSocketUpgradeHandler() {
        // made by the container
    }

    /** The accepted answer and the request's addresses, before the container calls {@link #init}. */
    void prepare(AcceptedUpgrade accepted) {
        this.accepted = accepted;
    }

    @Override
    public void init(WebConnection connection) {
        AcceptedUpgrade u = accepted;
        HostedUpgrades.Answer a = u == null ? null : u.answer();
        if (a == null) { // made by someone else than our filter: nothing to serve
            closeQuietly(connection);
            return;
        }
        ServletTransport t;
        try {
            t = new ServletTransport(a.loop(), connection, u.remote(), u.local(), u.secure());
        } catch (java.io.IOException | RuntimeException e) {
            a.abandon();
            closeQuietly(connection);
            return;
        }
        transport = t;
        try {
            // the connection opens on its loop before the first read task (the loop runs tasks in order)
            a.loop().execute(() -> a.open(t));
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            a.abandon();
            closeQuietly(connection);
            return;
        }
        t.listen();
    }

    @Override
    public void destroy() {
        // The container is done with the connection (it closed, or the container stops).
        ServletTransport t = transport;
        if (t != null) {
            try {
                t.loop().execute(() -> t.close(null));
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // the server stopped first and closed it
            }
        }
    }

    private static void closeQuietly(WebConnection connection) {
        try {
            connection.close();
        } catch (Exception ignored) {
            // closing anyway
        }
        ContainerSockets.closeSocket(connection); // Tomcat would keep the socket until its next dispatch
    }
}
