package dev.seed.websocket.spring.autoconfigure.actuate;

import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.cluster.Broker;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The cluster part of the WebSocket server: up while its broker's engine (Redis) is reachable,
 * down otherwise (local delivery still works then; cross-instance delivery does not), with the
 * engine and this instance's id.
 */
public class WebSocketClusterHealthIndicator extends AbstractHealthIndicator {

    private final WebSocketServer server;

    public WebSocketClusterHealthIndicator(WebSocketServer server) {
        super("WebSocket cluster health check failed");
        this.server = server;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Broker broker = server.broker();
        (broker.isConnected() ? builder.up() : builder.down().withDetail("reason",
                "the cluster's engine is unreachable: publications reach this instance only; reconnecting"))
                .withDetail("engine", broker.describe())
                .withDetail("instance", server.instanceId());
    }
}
