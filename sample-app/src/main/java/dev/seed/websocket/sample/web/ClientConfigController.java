package dev.seed.websocket.sample.web;

import dev.seed.websocket.sample.chat.ChatHandler;
import dev.seed.websocket.sample.chat.ChatProperties;
import java.time.Duration;
import java.util.Map;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /config.json}: what the page needs to reach the WebSocket routes (the web server's port,
 * unless websocket.server.port gives them one of their own), and the timings it should use.
 */
@RestController
public class ClientConfigController {

    /** The property under which the starter publishes the port its server is bound to. */
    static final String LOCAL_PORT_PROPERTY = "local.websocket.server.port";

    private final Environment environment;
    private final ClientProperties client;
    private final ChatProperties chat;

    public ClientConfigController(Environment environment, ClientProperties client, ChatProperties chat) {
        this.environment = environment;
        this.client = client;
        this.chat = chat;
    }

    @GetMapping("/config.json")
    public Map<String, Object> config() {
        return Map.of(
                "websocket", Map.of(
                        "port", websocketPort(),
                        "chatPath", "/chat/",
                        "subprotocol", ChatHandler.SUBPROTOCOL),
                "reconnect", Map.of(
                        "initialDelay", client.reconnectInitialDelay().toMillis(),
                        "maxDelay", client.reconnectMaxDelay().toMillis()),
                "heartbeat", Map.of(
                        "interval", heartbeatInterval().toMillis()),
                // what waits for a reconnection goes out at once: it must stay under the burst the
                // chat allows, less the join that comes first
                "chat", Map.of(
                        "maxQueuedMessages", Math.max(1, chat.burst() - 2),
                        "maxTextLength", chat.maxTextLength()));
    }

    private int websocketPort() {
        Integer bound = environment.getProperty(LOCAL_PORT_PROPERTY, Integer.class);
        if (bound == null) {
            throw new IllegalStateException("The WebSocket server has not published its port (" + LOCAL_PORT_PROPERTY + ")");
        }
        return bound;
    }

    /** Keepalive-aware: a page that is quiet for the server's idle timeout would be closed. */
    private Duration heartbeatInterval() {
        Duration idle = environment.getProperty("websocket.server.idle-timeout", Duration.class, Duration.ZERO);
        Duration interval = client.heartbeatInterval();
        if (!idle.isZero() && !idle.isNegative() && interval.compareTo(idle.dividedBy(2)) > 0) {
            return idle.dividedBy(2);
        }
        return interval;
    }
}
