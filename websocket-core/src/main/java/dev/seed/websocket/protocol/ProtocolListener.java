package dev.seed.websocket.protocol;

import java.nio.ByteBuffer;

/**
 * What a {@link ProtocolEngine} reports while it decodes received bytes. Called synchronously
 * from {@link ProtocolEngine#receive} on the thread that feeds the engine. Buffers passed in are
 * only valid during the call: a listener that keeps the bytes copies them.
 */
public interface ProtocolListener {

    /** A complete, valid UTF-8 text message. */
    void onText(String text);

    /** A complete binary message; the buffer may be a slice of the read buffer. */
    void onBinary(ByteBuffer data);

    /**
     * A part of a text message, when the engine delivers parts: whole characters, validated; the
     * last part may be empty.
     */
    default void onTextPart(String part, boolean last) {
        throw new IllegalStateException("Parts delivered to a listener that does not take them.");
    }

    /**
     * A part of a binary message, when the engine delivers parts; only valid during the call. The
     * last part may be empty.
     */
    default void onBinaryPart(ByteBuffer part, boolean last) {
        throw new IllegalStateException("Parts delivered to a listener that does not take them.");
    }

    /** A ping arrived; the engine has already queued the pong unless auto-pong is off. */
    void onPing(ByteBuffer data);

    /** A pong arrived (solicited or not: RFC 6455 section 5.5.3 allows unsolicited pongs). */
    void onPong(ByteBuffer data);

    /**
     * The peer's close frame arrived (RFC 6455 section 5.5.1): {@code code} is the code it
     * carried, or 1005 when it carried none. The engine has already queued its answer.
     */
    void onCloseFrame(int code, String reason);

    /**
     * The engine failed the connection (RFC 6455 section 7.1.7): the peer broke a rule or a
     * limit. The engine has queued a close frame with {@code error.closeCode()} when the state
     * still allowed one.
     */
    void onProtocolError(ProtocolException error);
}
