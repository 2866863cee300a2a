package dev.seed.websocket.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Who is subscribed (with presence) to which topic, across the instances of a server, and the
 * join and leave events, delivered on every instance. When an instance disappears without saying
 * so (a crash), an implementation for a cluster removes its members after a time it documents.
 * Thread safe.
 */
public interface PresenceManager {

    /**
     * Starts; from now on every join and leave on any instance goes to {@code events}. Throws
     * {@link ClusterException} when the engine cannot be reached.
     */
    void start(String instanceId, Consumer<PresenceEvent> events);

    /** Removes this instance's members and stops. */
    void stop();

    CompletableFuture<Void> join(String topic, PresenceMember member);

    CompletableFuture<Void> leave(String topic, PresenceMember member);

    /** The members of a topic, on every instance. */
    CompletableFuture<List<PresenceMember>> members(String topic);
}
