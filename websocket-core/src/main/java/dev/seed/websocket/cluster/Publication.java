package dev.seed.websocket.cluster;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One message on its way to a topic's subscribers (or a user's connections, or every connection)
 * on every instance.
 *
 * @param topic the topic; null for a user-addressed send or a broadcast
 * @param text whether the payload is UTF-8 text (a text message) or binary
 * @param payload the message, read-only; never modified by anyone
 * @param origin the instance that published it
 * @param except the id of a connection of {@code origin} that does not get it, or null
 * @param offset its offset in the topic's history, 0 when the topic keeps none
 * @param epoch the epoch of that history, null when the topic keeps none
 * @param publishedAtMicros when it was published, in microseconds since the epoch (the origin's
 *        clock), for the delivery-lag metric
 */
public record Publication(String topic, boolean text, ByteBuffer payload, String origin, String except,
        long offset, String epoch, long publishedAtMicros) {

    public Publication {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(origin, "origin");
        payload = payload.isReadOnly() ? payload : payload.asReadOnlyBuffer();
    }

    /** A new publication, not yet placed in any history. */
    public static Publication of(String topic, boolean text, ByteBuffer payload, String origin, String except) {
        return new Publication(topic, text, payload, origin, except, 0, null, nowMicros());
    }

    /** This publication placed at {@code position} of its topic's history. */
    public Publication at(TopicPosition position) {
        return new Publication(topic, text, payload, origin, except, position.offset(), position.epoch(),
                publishedAtMicros);
    }

    /** Its place in the topic's history, or null when the topic keeps none. */
    public TopicPosition position() {
        return epoch == null ? null : new TopicPosition(offset, epoch);
    }

    /** The payload as a new read-only view (its own position and limit). */
    public ByteBuffer data() {
        return payload.duplicate();
    }

    /** Microseconds since the epoch, from the wall clock (microsecond precision where the OS has it). */
    public static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
