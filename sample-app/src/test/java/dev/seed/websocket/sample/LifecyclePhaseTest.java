package dev.seed.websocket.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.spring.autoconfigure.WebSocketServerLifecycle;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;

/**
 * The WebSocket server stops in the phase of Boot's web server graceful shutdown (checked here, where
 * the web server is on the class path): peers get their 1001 while the web server drains, before it
 * stops and before the datasources go.
 */
class LifecyclePhaseTest {

    @Test
    void theWebSocketServerStopsWithTheWebServersGracefulShutdown() {
        assertThat(WebSocketServerLifecycle.PHASE).isEqualTo(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE);
    }
}
