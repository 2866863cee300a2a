package dev.seed.websocket.cluster;

import java.util.Objects;

/**
 * A connection subscribed to a topic with presence.
 *
 * @param instance the server instance the connection is on
 * @param connectionId the connection's id on that instance
 * @param userId its user id, or null
 * @param info what the application attached when it subscribed (a display name, say), or null
 */
public record PresenceMember(String instance, String connectionId, String userId, String info) {

    public PresenceMember {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(connectionId, "connectionId");
    }

    /** {@code instance/connectionId}: unique in the cluster. */
    public String key() {
        return instance + "/" + connectionId;
    }
}
