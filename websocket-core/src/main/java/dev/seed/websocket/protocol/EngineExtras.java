package dev.seed.websocket.protocol;

/**
 * What few connections of an engine use, kept apart so that an idle connection carries one null
 * reference: messages received in parts, a message being sent in parts, the handler's own answer
 * to pings, a frame observer, an owed pong, a client's own masking keys; and what a connection
 * needs only once it closes. This class is not thread safe: the connection's engine only.
 */
final class EngineExtras {

    /** Non-null while received messages go to the listener in parts. */
    IncomingParts incoming;
    /** The message being sent in parts, or null between such messages. */
    OutgoingParts outgoing;
    /** Whether pings are answered by the engine (RFC 6455 section 5.5.2); else by the listener. */
    boolean autoPong;
    /** Sees every frame, or null. */
    FrameObserver frameObserver;
    /**
     * The payload of the most recent ping not answered yet because the output was congested,
     * or null; when set, {@link #pongOwedLength} bytes of it are valid.
     */
    byte[] pongOwed;
    /** Length of the owed pong's payload. */
    int pongOwedLength;
    /** The close frame received (code 1005 when it had none); null until one arrives. */
    WebSocketProtocol.ReceivedClose receivedClose;
    /** The failure that ended the connection on our side, or null. */
    ProtocolException failure;
    /** A client's own source of masking keys (tests give fixed ones); null: the engine's default. */
    java.util.function.IntSupplier maskKeys;

    EngineExtras(boolean autoPong) {
        this.autoPong = autoPong;
    }
}
