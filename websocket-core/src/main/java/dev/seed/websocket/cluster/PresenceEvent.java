package dev.seed.websocket.cluster;

import java.util.Objects;

/** A member joined or left a topic, on any instance. */
public record PresenceEvent(Kind kind, String topic, PresenceMember member) {

    public enum Kind {
        JOIN, LEAVE
    }

    public PresenceEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(member, "member");
    }
}
