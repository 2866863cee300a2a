package dev.seed.websocket.cluster;

/**
 * The cluster engine could not be reached or refused an operation: a publication that fails with
 * it reached this instance's own subscribers only.
 */
public class ClusterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
