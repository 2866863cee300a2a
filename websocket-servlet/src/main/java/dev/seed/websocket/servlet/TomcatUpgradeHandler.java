package dev.seed.websocket.servlet;

import dev.seed.websocket.HostedUpgrades;
import jakarta.servlet.http.WebConnection;
import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * The upgrade on Tomcat: made by {@code HttpServletRequest.upgrade} like any upgrade handler, but
 * Tomcat's internal kind, which is given the socket wrapper and Tomcat's socket events instead of
 * the Servlet streams (see {@link TomcatTransport} for why). Public with a no-argument
 * constructor, as Tomcat instantiates it; loaded only when the request is Tomcat's.
 */
public final class TomcatUpgradeHandler implements InternalHttpUpgradeHandler {

    private AcceptedUpgrade accepted;
    private SocketWrapperBase<?> socket;
    /** Made in init, on the thread that then dispatches the first read. */
    private volatile TomcatTransport transport;

    public TomcatUpgradeHandler() {
        // made by Tomcat
    }

    /** The accepted answer and the request's addresses, before Tomcat calls {@link #init}. */
    void prepare(AcceptedUpgrade accepted) {
        this.accepted = accepted;
    }

    @Override
    public void setSocketWrapper(SocketWrapperBase<?> wrapper) {
        this.socket = wrapper;
    }

    @Override
    public void setSslSupport(SSLSupport sslSupport) {
        // the request said whether it is secure
    }

    /** After the 101 is written, before Tomcat's first read dispatch for the connection. */
    @Override
    public void init(WebConnection connection) {
        AcceptedUpgrade u = accepted;
        HostedUpgrades.Answer a = u == null ? null : u.answer();
        if (a == null || socket == null) { // made by someone else than our filter: nothing to serve
            if (socket != null) {
                socket.close();
            }
            return;
        }
        TomcatTransport t = new TomcatTransport(a.loop(), socket, u.remote(), u.local(), u.secure());
        try {
            // the connection opens on its loop before the first read's task (the loop runs tasks in order)
            a.loop().execute(() -> a.open(t));
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            a.abandon();
            socket.close();
            return;
        }
        transport = t;
    }

    @Override
    public SocketState upgradeDispatch(SocketEvent status) {
        TomcatTransport t = transport;
        if (t == null) {
            return SocketState.CLOSED;
        }
        switch (status) {
            case OPEN_READ:
                return t.readAvailable();
            case OPEN_WRITE:
                t.writePossible();
                return SocketState.UPGRADED;
            case STOP:
                // the connector stops (the server's own stop, 1001, normally came first): the
                // socket closes now, as Tomcat's other upgraded connections
                t.endedByContainer(null);
                return SocketState.CLOSED;
            default: // ERROR, DISCONNECT, TIMEOUT, CONNECT_FAIL
                t.endedByContainer(socket.getError());
                return SocketState.CLOSED;
        }
    }

    @Override
    public void timeoutAsync(long now) {
        // the WebSocket connection has its own timers
    }

    @Override
    public void pause() {
        // the connector pauses accepting; open connections go on
    }

    @Override
    public void destroy() {
        // Tomcat is done with the connection (it closed, or Tomcat stops)
        TomcatTransport t = transport;
        if (t != null) {
            t.endedByContainer(null);
        }
    }
}
