package dev.seed.websocket.spring.autoconfigure;

import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * What a user sees when the start fails: the message of every exception in the chain, and the
 * description and action of this project's failure analyzer when it applies.
 */
final class FailureMessages {

    private FailureMessages() {
    }

    static String of(Throwable failure) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        for (FailureAnalysis analysis : new FailureAnalysis[] {new WebSocketServerStartFailureAnalyzer().analyze(failure),
                new WebSocketClusterStartFailureAnalyzer().analyze(failure)}) {
            if (analysis != null) {
                sb.append(analysis.getDescription()).append('\n').append(analysis.getAction()).append('\n');
            }
        }
        return sb.toString();
    }
}
