package dev.seed.websocket.cluster;

import java.util.concurrent.CompletableFuture;

/**
 * Carries publications between the instances of a server: topics, user-addressed sends and
 * broadcasts, and keeps the topics' histories. A server calls it from any thread; an
 * implementation is thread safe.
 *
 * <p>Delivery: whatever an instance publishes reaches {@link Receiver} on every instance that
 * listens (the publishing one included), and each instance sends it to its own connections. One
 * publisher's publications to one topic arrive in the order it published them on every instance;
 * with a history, every instance sees a topic's publications in offset order. When the engine
 * cannot be reached, a publication still reaches this instance's own connections and its future
 * fails with a {@link ClusterException}.
 */
public interface Broker {

    /**
     * Connects and starts delivering to {@code receiver}. Throws {@link ClusterException} with a
     * message that says what could not be reached.
     */
    void start(String instanceId, Receiver receiver);

    /** Stops listening and releases what {@link #start} took. */
    void stop();

    /**
     * Publishes to a topic's subscribers on every instance, placing the publication in the topic's
     * history when it keeps one. Completes with the number of receivers it reached: connections
     * on a single instance, instances in a cluster.
     */
    CompletableFuture<Integer> publish(Publication publication);

    /** Sends to every connection of {@code userId} on every instance; completes as {@link #publish}. */
    CompletableFuture<Integer> sendToUser(String userId, Publication publication);

    /** Sends to every connection on every instance; completes as {@link #publish}. */
    CompletableFuture<Integer> broadcast(Publication publication);

    /**
     * This instance has a subscriber to {@code topic} (the first one): deliver the topic's
     * publications from now on. Completes when they are delivered. Calls for one topic come in
     * order (listen, unlisten, listen...) and are honoured in that order.
     */
    CompletableFuture<Void> listen(String topic);

    /** This instance's last subscriber to {@code topic} left. */
    void unlisten(String topic);

    /** This instance has a connection of {@code userId} (the first one). */
    CompletableFuture<Void> listenUser(String userId);

    /** This instance's last connection of {@code userId} ended. */
    void unlistenUser(String userId);

    /**
     * The publications of {@code topic} after {@code afterOffset}, at most {@code limit}, oldest
     * first; with {@code afterOffset} negative, the newest {@code limit}. {@link History#none()}
     * for a topic that keeps no history.
     */
    CompletableFuture<History> history(String topic, long afterOffset, int limit);

    /** How many publications of {@code topic} a recovery may bring back: its history's size (0: none). */
    int historySize(String topic);

    /** Whether the engine is reachable now. */
    boolean isConnected();

    /** What this broker runs on, for logs and health: "in-memory", "redis 127.0.0.1:6379". */
    String describe();

    /** What a broker delivers to: the server's own connections. */
    interface Receiver {

        /** A publication to a topic. */
        CompletableFuture<Integer> topic(Publication publication);

        /** A send to the connections of a user. */
        CompletableFuture<Integer> user(String userId, Publication publication);

        /** A broadcast. */
        CompletableFuture<Integer> broadcast(Publication publication);

        /** The engine became reachable or unreachable (never called by an in-memory broker). */
        default void connectionChanged(boolean connected) {
        }
    }
}
