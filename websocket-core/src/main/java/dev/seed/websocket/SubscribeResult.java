package dev.seed.websocket;

import dev.seed.websocket.cluster.TopicPosition;

/**
 * What a subscription came to.
 *
 * @param subscribed false when the connection was not open (or not this server's)
 * @param recovery whether a recovery was asked and how it went
 * @param missed how many missed publications were sent (when recovered)
 * @param position the position the connection stands at after the recovery, or null when none was asked
 */
public record SubscribeResult(boolean subscribed, Recovery recovery, int missed, TopicPosition position) {

    public enum Recovery {
        /** No position to recover from was given. */
        NOT_ASKED,
        /** Everything after the position was sent, in order and once. */
        RECOVERED,
        /** The history no longer holds what was missed (or was lost): reload the topic's state. */
        NOT_RECOVERED
    }

    static final SubscribeResult NOT_SUBSCRIBED = new SubscribeResult(false, Recovery.NOT_ASKED, 0, null);
    static final SubscribeResult SUBSCRIBED = new SubscribeResult(true, Recovery.NOT_ASKED, 0, null);

    /** Not subscribed: the connection was not open. */
    public static SubscribeResult notSubscribed() {
        return NOT_SUBSCRIBED;
    }

    /** Subscribed, no recovery asked. */
    public static SubscribeResult ok() {
        return SUBSCRIBED;
    }
}
