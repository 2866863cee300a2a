package dev.seed.websocket.cluster;

/**
 * Told what the cluster layer does, for metrics: publications out and in, failures, recoveries,
 * the engine's reachability. Called from any thread; implementations are fast and never throw.
 */
public interface ClusterListener {

    ClusterListener NONE = new ClusterListener() {
    };

    /** A publication (topic, user or broadcast) was handed to the broker and taken. */
    default void published() {
    }

    /** A publication could not be handed to the cluster (it reached this instance only). */
    default void publishFailed(Throwable cause) {
    }

    /** A publication reached this instance, {@code lagMicros} after it was published. */
    default void received(long lagMicros) {
    }

    /** A subscription asked to recover from a position: whether everything missed was sent. */
    default void recovery(boolean recovered) {
    }

    /** The engine became reachable or unreachable. */
    default void connectionChanged(boolean connected) {
    }
}
