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
     * Encodes an outgoing data message ({@code WireFormat.OPCODE_TEXT} or
     * {@code OPCODE_BINARY}). Returns null to send it unchanged (for example below a compression
     * threshold), else the encoded payload, a new buffer the caller owns, sent with
     * {@link #reservedBits()} set on the first frame. Does not change {@code payload}'s position.
     */
    ByteBuffer encode(int opcode, ByteBuffer payload);

    /** Releases native resources (e.g. zlib streams). Idempotent. */
    void close();

    /** Receives decoded payload bytes. */
    @FunctionalInterface
    interface PayloadSink {
        /** The chunk is only valid during the call. */
        void accept(ByteBuffer chunk) throws ProtocolException;
    }
}
