package dev.seed.websocket.sample.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the browser page connects, under {@code sample.client}: handed to the page by
 * {@code /config.json}.
 *
 * @param reconnectInitialDelay wait before the first reconnection attempt
 * @param reconnectMaxDelay longest wait between reconnection attempts
 * @param heartbeatInterval how often the page sends its heartbeat (at most half the server's idle
 *     timeout, so that an idle page is never closed for idleness)
 */
@ConfigurationProperties("sample.client")
public record ClientProperties(
        @DefaultValue("500ms") Duration reconnectInitialDelay,
        @DefaultValue("15s") Duration reconnectMaxDelay,
        @DefaultValue("25s") Duration heartbeatInterval) {
}
