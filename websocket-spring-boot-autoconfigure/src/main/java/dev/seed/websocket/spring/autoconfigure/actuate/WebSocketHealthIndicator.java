package dev.seed.websocket.spring.autoconfigure.actuate;

import dev.seed.websocket.WebSocketServer;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Up while the WebSocket server runs, with its port (or "web server" when the routes share the
 * web server's) and open connection count; down otherwise.
 */
public class WebSocketHealthIndicator extends AbstractHealthIndicator {

    private final WebSocketServer server;

    public WebSocketHealthIndicator(WebSocketServer server) {
        super("WebSocket health check failed");
        this.server = server;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (server.isRunning()) {
            java.net.InetSocketAddress address = server.address();
            builder.up().withDetail("port", address != null ? (Object) address.getPort() : "web server")
                    .withDetail("connections", server.connections().size());
        } else {
            builder.down().withDetail("reason", "not listening");
        }
    }
}
