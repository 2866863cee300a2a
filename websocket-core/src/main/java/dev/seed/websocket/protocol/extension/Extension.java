package dev.seed.websocket.protocol.extension;

import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.protocol.ProtocolException;
import java.nio.ByteBuffer;

/**
 * One negotiated extension instance of one connection (RFC 6455 section 9). It owns some of the
 * frame header's RSV bits and transforms whole messages: incoming payload is fed chunk by chunk
 * as frames arrive, outgoing payload is encoded a message at a time.
 *
 * <p>This interface is not thread safe: it is driven by the connection's engine only.
 */
public interface Extension {

    /** The extension's registered name, e.g. {@code permessage-deflate}. */
    String name();

    /** The parameters agreed in the handshake (what the server's response header says). */
    ExtensionParameters parameters();

    /**
     * The RSV bits of byte 0 this extension may set ({@code WireFormat.B0_FLAG_RSV1} etc.);
     * the frame decoder refuses any other (RFC 6455 section 5.2).
     */
    int reservedBits();

    /**
     * The first frame of an incoming data message arrived with these RSV bits (byte 0 masked
     * with {@code WireFormat.B0_MASK_RSV}); returns whether this extension decodes the message.
     * Throws (1002) when the bits are used in a way the extension forbids.
     */
    boolean startIncomingMessage(int rsv) throws ProtocolException;

    /**
     * A continuation frame of the current incoming message arrived with these RSV bits; throws
     * (1002) when the extension forbids them there (RFC 7692 section 6.1: RSV1 only on the first
     * frame).
     */
    void checkContinuation(int rsv) throws ProtocolException;

    /**
     * Decodes a chunk of the payload of an incoming message this extension started; writes the
     * decoded bytes to {@code out} in order. {@code messageEnd} marks the last chunk of the
     * message's last frame (possibly empty). The sink may throw (1009) to stop decoding: the
     * extension must never produce much more than the sink accepted (zip-bomb protection).
     */
    void decode(ByteBuffer in, boolean messageEnd, PayloadSink out) throws ProtocolException;

    /**
     * Whether {@link #decode} stopped early because the sink said it was {@link PayloadSink#full()}:
     * the extension kept the rest of its input (its own copy) until {@link #continueDecode}.
     */
    default boolean hasPendingDecode() {
        return false;
    }

    /** Goes on decoding what {@link #decode} kept when it stopped early; may stop again. */
    default void continueDecode(PayloadSink out) throws ProtocolException {
    }

    /**
     * Encodes an outgoing data message ({@code WireFormat.OPCODE_TEXT} or
     * {@code OPCODE_BINARY}). Returns null to send it unchanged (for example below a compression
     * threshold), else the encoded payload, a new buffer the caller owns, sent with
     * {@link #reservedBits()} set on the first frame. Does not change {@code payload}'s position.
     */
    ByteBuffer encode(int opcode, ByteBuffer payload);

    /** {@link #encode(int, ByteBuffer, int)}: the extension's own rules decide (a compression threshold). */
    int ENCODE_DEFAULT = 0;
    /** {@link #encode(int, ByteBuffer, int)}: compress whatever the threshold (the application asked). */
    int ENCODE_COMPRESS = 1;
    /**
     * {@link #encode(int, ByteBuffer, int)}: do not compress, and keep the bytes out of the
     * compression context (a secret next to attacker-chosen text must not share one).
     */
    int ENCODE_DO_NOT_COMPRESS = 2;

    /**
     * {@link #encode(int, ByteBuffer)} with the application's wish for this message, one of the
     * {@code ENCODE_} constants; an extension that does not compress ignores it.
     */
    default ByteBuffer encode(int opcode, ByteBuffer payload, int hint) {
        return encode(opcode, payload);
    }

    /**
     * A message is about to be sent in parts (RFC 6455 section 5.4 fragments, streamed by the
     * application) starting with a part of {@code firstPartLength} bytes; returns whether this
     * extension encodes it, part by part through {@link #encodePart}. {@code hint}: one of the
     * {@code ENCODE_} constants. An extension that cannot encode a message in parts returns false.
     */
    default boolean startOutgoingParts(int opcode, int firstPartLength, int hint) {
        return false;
    }

    /**
     * Encodes the next part of the message this extension agreed to encode in
     * {@link #startOutgoingParts}; {@code last} marks its final part. Returns a buffer the caller
     * owns (possibly empty). Does not change {@code part}'s position.
     */
    default ByteBuffer encodePart(ByteBuffer part, boolean last) {
        throw new UnsupportedOperationException(name() + " cannot encode a message in parts");
    }

    /** Releases native resources (e.g. zlib streams). Idempotent. */
    void close();

    /** Receives decoded payload bytes. */
    @FunctionalInterface
    interface PayloadSink {
        /** The chunk is only valid during the call. */
        void accept(ByteBuffer chunk) throws ProtocolException;

        /**
         * Whether the sink takes nothing more for now (inbound flow control): an extension that can
         * stop stops decoding after the chunk it just gave, and keeps the rest.
         */
        default boolean full() {
            return false;
        }

        /**
         * Whether {@link #accept} copies the chunk before it returns and calls out to nothing
         * (no handler, no other connection): then an extension may hand every connection of a
         * thread the same chunk buffer. A sink that lends the chunk on (a streaming handler, which
         * may relay it or resume another connection's reading meanwhile) gets one of its own.
         */
        default boolean copiesAtOnce() {
            return false;
        }
    }
}
