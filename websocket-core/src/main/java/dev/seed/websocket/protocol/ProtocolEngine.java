package dev.seed.websocket.protocol;

import java.nio.ByteBuffer;

/**
 * A sans-I/O WebSocket connection after the opening handshake: bytes in, events out; commands
 * in, bytes out. No sockets, no threads, no clock. One instance per connection, driven by one
 * thread at a time (this interface is not thread safe).
 *
 * <p>Implemented by {@link WebSocketProtocol} (RFC 6455, and hybi drafts 7 and 8 which share its
 * framing) and by the legacy hixie-76 engine.
 */
public interface ProtocolEngine {

    /** The states of RFC 6455 section 4 and 7 after the opening handshake. */
    enum State {
        /** Data may flow both ways. */
        OPEN,
        /** A close frame was sent or received; the handshake is not complete. */
        CLOSING,
        /** The close handshake completed, or the connection failed or ended. */
        CLOSED
    }

    /**
     * Feeds bytes received from the peer. Consumes all of {@code data} (and may change its
     * bytes in place, e.g. to unmask them). Events go to the engine's {@link ProtocolListener};
     * bytes to send (pongs, close replies) to its {@link ProtocolOutput}.
     */
    void receive(ByteBuffer data);

    /**
     * The peer closed its side of the TCP connection. The state becomes CLOSED; a connection
     * that ends without a close frame reports 1006 (RFC 6455 section 7.1.5).
     */
    void receiveEof();

    /** Sends a text message; returns false (sending nothing) once a close frame was sent. */
    boolean sendText(CharSequence text);

    /**
     * Sends a binary message; returns false once a close frame was sent. The engine may send
     * {@code data} itself without copying (server role): the caller does not change it until
     * the transport has written it.
     */
    boolean sendBinary(ByteBuffer data);

    /** Sends a ping (payload at most 125 bytes, else IllegalArgumentException). */
    boolean sendPing(ByteBuffer data);

    /** Sends a pong (payload at most 125 bytes, else IllegalArgumentException). */
    boolean sendPong(ByteBuffer data);

    /**
     * Starts the closing handshake (RFC 6455 section 7.1.2) with {@code code} (1000-1003,
     * 1007-1014, 3000-4999, else IllegalArgumentException) and a reason of at most 123 UTF-8
     * bytes (else IllegalArgumentException). Returns false when a close frame was already sent.
     */
    boolean sendClose(int code, String reason);

    /**
     * Stops delivering events after the current one (inbound flow control): {@link #receive}
     * then returns with the rest of its input unconsumed. An engine that cannot stop mid-input
     * delivers what it was given and stops after that.
     */
    default void pauseReceiving() {
    }

    /** Undoes {@link #pauseReceiving()}; the caller feeds what was left. */
    default void resumeReceiving() {
    }

    /** Whether {@link #pauseReceiving()} is in force. */
    default boolean receivingPaused() {
        return false;
    }

    /**
     * Whether data messages go to the listener in parts as they arrive ({@link
     * ProtocolListener#onTextPart}, {@link ProtocolListener#onBinaryPart}) instead of whole. An
     * engine without parts refuses with UnsupportedOperationException.
     */
    default void deliverParts(boolean parts) {
        if (parts) {
            throw new UnsupportedOperationException("This protocol version delivers whole messages only.");
        }
    }

    /** Sets the largest message received whole (1009 beyond it, RFC 6455 section 7.4.1). */
    void maxMessageSize(long bytes);

    /** The largest message received whole. */
    long maxMessageSize();

    /**
     * Sends a part of a text message ({@code last}: its final part); parts may split a surrogate
     * pair. {@code hint}: one of the {@code Extension.ENCODE_} constants, read on the first part.
     * Returns false once a close frame was sent; throws IllegalStateException while a binary
     * message is in progress. An engine without fragmentation throws UnsupportedOperationException.
     */
    default boolean sendTextPart(CharSequence part, boolean last, int hint) {
        throw new UnsupportedOperationException("This protocol version sends whole messages only.");
    }

    /** As {@link #sendTextPart} for a binary message; {@code part} is sent as by {@link #sendBinary}. */
    default boolean sendBinaryPart(ByteBuffer part, boolean last, int hint) {
        throw new UnsupportedOperationException("This protocol version sends whole messages only.");
    }

    /** Whether a message sent in parts is in progress: whole messages must wait until its last part. */
    default boolean sendingParts() {
        return false;
    }

    /** The current state. */
    State state();

    /** Whether a close frame was sent. */
    boolean closeSent();

    /** Whether a close frame was received. */
    boolean closeReceived();

    /**
     * The close code the application sees once CLOSED: the code of the close frame received, 1005
     * when it had none, 1006 when the connection ended without one (RFC 6455 section 7.1.5).
     */
    int closeCode();

    /** The reason the application sees once CLOSED (empty when none). */
    String closeReason();
}
