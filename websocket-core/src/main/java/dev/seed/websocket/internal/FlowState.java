package dev.seed.websocket.internal;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * What a connection keeps while its flow is held: while its reading is paused (inbound flow
 * control) why, what was read and not delivered, and whether the peer's end of stream came behind
 * it; while a message is being sent in parts, the whole messages that wait for its last part. Made
 * when first needed, so that a connection that never pauses nor streams carries one null
 * reference. This class is not thread safe: the connection's loop only.
 */
final class FlowState {

    /** Why delivery and reading are paused: WsConnection.PAUSED_BY_ bits; 0 while reading. */
    int reasons;
    /** Received bytes not yet given to the engine (at most about one read; a copy), or null. */
    ByteBuffer heldInput;
    /** Whether the peer's end of stream came while input was held: told once it is fed. */
    boolean eofAfterHeldInput;
    /** The message streams holding reading (see WsConnection#holdReading); null when none. */
    Set<Object> holds;
    /**
     * Whole messages sent while a message was being sent in parts: they wait, in order, for its
     * last part (RFC 6455 section 5.4: no interleaving). Null when none.
     */
    java.util.ArrayDeque<WsConnection.HeldSend> heldSends;

    void hold(Object holder) {
        if (holds == null) {
            holds = new HashSet<>(2);
        }
        holds.add(holder);
    }

    /** Drops a holder; true when it was the last one. */
    boolean release(Object holder) {
        if (holds != null && holds.remove(holder) && holds.isEmpty()) {
            holds = null;
            return true;
        }
        return false;
    }
}
