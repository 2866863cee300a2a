package dev.seed.websocket;

/** What a send does when the connection already queues more bytes than its limit allows. */
public enum BackpressurePolicy {
    /** The send's future fails with {@link BackpressureException}; the connection stays open. */
    FAIL_SEND,
    /** The connection is closed with 1008 (policy violation). */
    CLOSE
}
