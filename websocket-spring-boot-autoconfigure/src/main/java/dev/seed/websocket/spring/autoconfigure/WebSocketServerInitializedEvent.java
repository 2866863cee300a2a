package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.WebSocketServer;
import org.springframework.context.ApplicationEvent;

/** Published when the WebSocket server has bound its port and accepts connections. */
public class WebSocketServerInitializedEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    public WebSocketServerInitializedEvent(WebSocketServer server) {
        super(server);
    }

    /** The started server; {@link WebSocketServer#port()} is the bound port. */
    public WebSocketServer getServer() {
        return (WebSocketServer) getSource();
    }
}
