package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.cluster.ClusterException;

/** The WebSocket server could not reach its cluster (Redis) at start-up. */
public class WebSocketClusterStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WebSocketClusterStartException(ClusterException cause) {
        super("WebSocket server cannot start: " + cause.getMessage()
                + " (websocket.cluster.type=redis uses the application's spring.data.redis.* connection)", cause);
    }
}
