package dev.seed.websocket.servlet;

import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;
import org.eclipse.jetty.server.HttpStream;

/**
 * The upgrade on Jetty 12 (ee11): the request is given the connection Jetty swaps in once the 101
 * is written ({@code HttpStream.UPGRADE_CONNECTION_ATTRIBUTE}, as Jetty's own WebSocket does),
 * instead of the Servlet upgrade, which on Jetty 12.1 hands the upgraded stream the HTTP
 * request's end of input. Loaded only when the request is Jetty's ({@link ContainerKind}).
 */
final class JettyUpgrade {

    private JettyUpgrade() {
    }

    /** Arranges the switch; the caller sets the 101's status and fields and returns. False: not Jetty after all. */
    static boolean prepare(HttpServletRequest request, AcceptedUpgrade accepted) {
        ServletContextRequest core = ServletContextRequest.getServletContextRequest(ContainerKind.unwrap(request));
        if (core == null) {
            return false;
        }
        var connection = core.getConnectionMetaData().getConnection();
        JettyTransport transport = new JettyTransport(accepted.answer(), connection.getEndPoint(),
                core.getComponents().getExecutor(), accepted.remote(), accepted.local(), accepted.secure());
        core.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, transport.connection());
        return true;
    }
}
