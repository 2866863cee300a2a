package dev.seed.websocket.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a WebSocket server that could not bind its port, and how to fix it. */
class WebSocketServerStartFailureAnalyzer extends AbstractFailureAnalyzer<WebSocketServerStartException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, WebSocketServerStartException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Identify and stop the process that listens on port " + cause.getPort()
                        + ", or set websocket.server.port to another port (0 picks a free one).",
                cause);
    }
}
