package dev.seed.websocket.internal;

import dev.seed.websocket.cluster.Broker;
import dev.seed.websocket.cluster.ClusterListener;
import dev.seed.websocket.cluster.PresenceEvent;
import dev.seed.websocket.cluster.PresenceManager;
import java.util.List;
import java.util.function.Consumer;

/** What a server's topics, user sends and presence run through, resolved. Immutable. */
public record ClusterSettings(String instanceId, Broker broker, PresenceManager presence,
        List<Consumer<PresenceEvent>> presenceListeners, ClusterListener listener) {
}
