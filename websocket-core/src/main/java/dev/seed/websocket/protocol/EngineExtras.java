package dev.seed.websocket.protocol;

/**
 * What few connections of an engine use, kept apart so that an idle connection carries one null
 * reference: messages received in parts, a message being sent in parts, and the handler's own
 * answer to pings. This class is not thread safe: the connection's engine only.
 */
final class EngineExtras {

    /** Non-null while received messages go to the listener in parts. */
    IncomingParts incoming;
    /** The message being sent in parts, or null between such messages. */
    OutgoingParts outgoing;
    /** Whether pings are answered by the engine (RFC 6455 section 5.5.2); else by the listener. */
    boolean autoPong;

    EngineExtras(boolean autoPong) {
        this.autoPong = autoPong;
    }
}
