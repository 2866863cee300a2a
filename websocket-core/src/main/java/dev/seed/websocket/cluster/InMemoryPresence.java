package dev.seed.websocket.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Presence of a single instance (the default): members in this process's memory, events
 * delivered at once on the caller's thread. Thread safe.
 */
public final class InMemoryPresence implements PresenceManager {

    /** Members of each topic in join order, by {@link PresenceMember#key()}; a topic goes with its last member. */
    private final Map<String, Map<String, PresenceMember>> topics = new ConcurrentHashMap<>();
    private volatile Consumer<PresenceEvent> events = e -> { };

    @Override
    public void start(String instanceId, Consumer<PresenceEvent> events) {
        this.events = events;
    }

    @Override
    public void stop() {
        topics.clear();
    }

    @Override
    public CompletableFuture<Void> join(String topic, PresenceMember member) {
        boolean[] added = new boolean[1];
        topics.compute(topic, (t, members) -> {
            Map<String, PresenceMember> m = members == null ? new LinkedHashMap<>() : members;
            added[0] = m.put(member.key(), member) == null;
            return m;
        });
        if (added[0]) {
            events.accept(new PresenceEvent(PresenceEvent.Kind.JOIN, topic, member));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> leave(String topic, PresenceMember member) {
        boolean[] removed = new boolean[1];
        topics.computeIfPresent(topic, (t, members) -> {
            removed[0] = members.remove(member.key()) != null;
            return members.isEmpty() ? null : members;
        });
        if (removed[0]) {
            events.accept(new PresenceEvent(PresenceEvent.Kind.LEAVE, topic, member));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<PresenceMember>> members(String topic) {
        List<PresenceMember>[] copy = new List[1];
        topics.compute(topic, (t, members) -> {
            copy[0] = members == null ? List.of() : new ArrayList<>(members.values());
            return members;
        });
        return CompletableFuture.completedFuture(List.copyOf(copy[0]));
    }
}
