package dev.seed.websocket.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a cluster (Redis) that could not be reached at start-up, naming the keys to check. */
class WebSocketClusterStartFailureAnalyzer extends AbstractFailureAnalyzer<WebSocketClusterStartException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, WebSocketClusterStartException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Start Redis, or correct spring.data.redis.host, spring.data.redis.port (or spring.data.redis.url) "
                        + "and the credentials; or set websocket.cluster.type=memory to run this instance alone.",
                cause);
    }
}
