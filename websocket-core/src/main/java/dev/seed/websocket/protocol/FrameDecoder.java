package dev.seed.websocket.protocol;

import static dev.seed.websocket.CloseCodes.WS_MESSAGE_TOO_LARGE;
import static dev.seed.websocket.CloseCodes.WS_PROTOCOL_ERROR;
import static dev.seed.websocket.protocol.WireFormat.B0_FLAG_FIN;
import static dev.seed.websocket.protocol.WireFormat.B0_MASK_OPCODE;
import static dev.seed.websocket.protocol.WireFormat.B0_MASK_RSV;
import static dev.seed.websocket.protocol.WireFormat.B1_FLAG_MASK;
import static dev.seed.websocket.protocol.WireFormat.B1_MASK_LENGTH;
import static dev.seed.websocket.protocol.WireFormat.CONTROL_PAYLOAD_MAX;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_BINARY;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_CLOSE;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_CONTINUATION;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_PING;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_PONG;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_TEXT;
import static dev.seed.websocket.protocol.WireFormat.PAYLOAD_LONG;
import static dev.seed.websocket.protocol.WireFormat.PAYLOAD_SHORT;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Incremental decoder of RFC 6455 section 5.2 frames. This class is not thread safe.
 *
 * <p>Bytes may be split anywhere between calls: the handler sees the same frames whatever the
 * split. Data frames are streamed as chunks that are views of the caller's buffer, unmasked in
 * place; control frames are delivered whole, gathered in a buffer of their size only while they
 * arrive split. The header is kept in a few fields, so decoding allocates no header object per frame.
 *
 * <p>The decoder enforces the rules a frame can break on its own, plus the fragmentation rules
 * of section 5.4. Message-level rules (UTF-8 of text, close frame payload, extension semantics)
 * belong to the engine.
 */
public final class FrameDecoder {

    // Where decoding stands: one byte, not an enum reference (every connection has a decoder).
    /** Waiting for byte 0: FIN, RSV and opcode. */
    private static final byte READING_FIRST = 0;
    /** Waiting for byte 1: MASK and the 7-bit length. */
    private static final byte READING_SECOND = 1;
    /** Reading the 16-bit or 64-bit extended length. */
    private static final byte READING_SIZE = 2;
    /** Reading the 4-byte masking key. */
    private static final byte MASKING_KEY = 3;
    /** Delivering (data) or gathering (control) the payload. */
    private static final byte PAYLOAD = 4;
    /** A rule was broken or the handler threw: all input is discarded. Final. */
    private static final byte CORRUPT = 5;

    /** A SERVER decoder (true) requires masked frames, a CLIENT decoder refuses them; fixed. */
    private final boolean server;
    /** The longest payload accepted, at least 0; changed only between calls of {@link #decode}. */
    private long maxFramePayload;
    /** Whether {@link #decode} returns before its next step, leaving the rest of its input. */
    private boolean suspended;
    /** The RSV bits that negotiated extensions own; a subset of B0_MASK_RSV. */
    private byte allowedRsv;

    /** Where decoding stands, one of the constants above; CORRUPT is final. */
    private byte state = READING_FIRST;
    /** FIN of the current frame; valid after READING_FIRST. */
    private boolean fin;
    /** RSV bits of the current frame (byte 0 masked with B0_MASK_RSV); valid after READING_FIRST. */
    private byte rsv;
    /** Opcode of the current frame, one of the six defined; valid after READING_FIRST. */
    private byte opcode;
    /** Whether the current frame has a masking key; valid after READING_SECOND. */
    private boolean masked;
    /** Bytes of the extended length (2 or 8) or of the key (4) still to read in those states. */
    private byte headerBytesLeft;
    /**
     * The current frame's payload length while it is read (partial in READING_SIZE), then in
     * PAYLOAD the bytes of it not yet delivered or gathered. One field for both: what was
     * delivered is known from the key's rotation (data) or the gathering buffer (control).
     */
    private long payloadLeft;
    /**
     * Masking key of the current frame, big-endian; partial in MASKING_KEY; 0 when unmasked. In
     * PAYLOAD it is rotated as bytes are unmasked, so that its first byte applies to the next one.
     */
    private int maskKey;
    /** Whether a data frame without FIN began a message that no final frame ended yet (5.4). */
    private boolean fragmentedMessage;
    /** Gathers a control payload split across calls; null except while one is being gathered. */
    private byte[] controlBuffer;

    /**
     * @param role the role of the endpoint that decodes: a SERVER decoder requires masked
     *     frames, a CLIENT decoder refuses them (section 5.1)
     * @param maxFramePayload frames longer than this fail with 1009 before any payload is read
     */
    public FrameDecoder(Role role, long maxFramePayload) {
        this.server = Objects.requireNonNull(role, "role") == Role.SERVER;
        if (maxFramePayload < 0) {
            throw new IllegalArgumentException("maxFramePayload < 0: " + maxFramePayload);
        }
        this.maxFramePayload = maxFramePayload;
    }

    /** Sets the longest frame payload accepted from the next frame header on (at least 0). */
    public void maxFramePayload(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxFramePayload < 0: " + bytes);
        }
        this.maxFramePayload = bytes;
    }

    /**
     * Makes {@link #decode} return before its next step (inbound flow control): the handler may
     * call it from a callback, and {@code decode} then returns with the rest of its input
     * unconsumed. Decoding goes on where it stopped once {@link #proceed()} is called and the
     * rest is fed again.
     */
    public void suspend() {
        suspended = true;
    }

    /** Undoes {@link #suspend()}. */
    public void proceed() {
        suspended = false;
    }

    /** Whether this is a server's decoder (it requires masked frames). */
    boolean server() {
        return server;
    }

    /**
     * While a data frame's payload is delivered: its bytes not delivered yet (0 within the call
     * for its last chunk). The engine sizes a message's buffer by it.
     */
    long payloadLeft() {
        return payloadLeft;
    }

    /** Whether {@link #suspend()} is in force. */
    public boolean isSuspended() {
        return suspended;
    }

    /** Sets the RSV bits that negotiated extensions own; others fail with 1002. */
    public void allowReservedBits(int rsvMask) {
        if ((rsvMask & ~B0_MASK_RSV) != 0) {
            throw new IllegalArgumentException("Not RSV bits: 0x" + Integer.toHexString(rsvMask));
        }
        this.allowedRsv = (byte) rsvMask;
    }

    /**
     * Decodes as much of {@code in} as possible, consuming all of it unless the handler suspended
     * the decoder (then {@code in}'s position is just past what was decoded); unmasks in place.
     * After an exception the decoder is corrupt and discards all further input.
     *
     * <p>Payload buffers given to the handler have their own position and limit. When this
     * method throws (a broken rule, or an exception from the handler), {@code in}'s position is
     * just past the last byte the decoder took: the byte that broke the rule, or the end of the
     * header, chunk or control frame the handler was given.
     */
    public void decode(ByteBuffer in, FrameHandler handler) throws ProtocolException {
        try {
            while (!suspended) {
                switch (state) {
                    case READING_FIRST -> {
                        if (!in.hasRemaining()) {
                            return;
                        }
                        readFirst(in.get());
                    }
                    case READING_SECOND -> {
                        if (!in.hasRemaining()) {
                            return;
                        }
                        readSecond(in.get(), handler);
                    }
                    case READING_SIZE -> {
                        if (!in.hasRemaining()) {
                            return;
                        }
                        readSize(in.get(), handler);
                    }
                    case MASKING_KEY -> {
                        if (!in.hasRemaining()) {
                            return;
                        }
                        readMaskingKey(in.get(), handler);
                    }
                    case PAYLOAD -> {
                        boolean progress = WireFormat.isControl(opcode)
                                ? readControlPayload(in, handler)
                                : readDataPayload(in, handler);
                        if (!progress) {
                            return;
                        }
                    }
                    case CORRUPT -> {
                        in.position(in.limit());
                        return;
                    }
                }
            }
        } catch (Throwable t) {
            state = CORRUPT;
            throw t;
        }
    }

    private void readFirst(byte b) throws ProtocolException {
        fin = (b & B0_FLAG_FIN) != 0;
        rsv = (byte) (b & B0_MASK_RSV);
        opcode = (byte) (b & B0_MASK_OPCODE);
        // 5.2: "MUST be 0 unless an extension is negotiated that defines meanings for non-zero
        // values. If a nonzero value is received and none of the negotiated extensions defines
        // the meaning of such a nonzero value, the receiving endpoint MUST _Fail the WebSocket
        // Connection_."
        if ((rsv & ~allowedRsv) != 0) {
            throw protocolViolation("Reserved bits set without an extension.");
        }
        switch (opcode) {
            case OPCODE_CONTINUATION -> {
                // 5.4: a continuation frame only follows a first fragment without FIN.
                if (!fragmentedMessage) {
                    throw protocolViolation("Continuation frame without a message to continue.");
                }
            }
            case OPCODE_TEXT, OPCODE_BINARY -> {
                // 5.4: "The fragments of one message MUST NOT be interleaved between the
                // fragments of another message unless an extension has been negotiated".
                if (fragmentedMessage) {
                    throw protocolViolation("Data frame inside a fragmented message.");
                }
            }
            case OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG -> {
                // 5.5: "Control frames themselves MUST NOT be fragmented."
                if (!fin) {
                    throw protocolViolation("Control frames must be final.");
                }
            }
            // 5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail the
            // WebSocket Connection_."
            default -> throw protocolViolation(String.format("Unknown opcode 0x%X.", opcode));
        }
        state = READING_SECOND;
    }

    private void readSecond(byte b, FrameHandler handler) throws ProtocolException {
        masked = (b & B1_FLAG_MASK) != 0;
        // 5.1: "The server MUST close the connection upon receiving a frame that is not masked."
        // and "A client MUST close a connection if it detects a masked frame."
        if (server && !masked) {
            throw protocolViolation("Client frames must be masked.");
        }
        if (!server && masked) {
            throw protocolViolation("Server frames must not be masked.");
        }
        int length7 = b & B1_MASK_LENGTH;
        // 5.5: "All control frames MUST have a payload length of 125 bytes or less". The 126 and
        // 127 forms exist for longer payloads, so they fail here without reading the length,
        // even if it would be small: the leniency about non-minimal lengths is for data frames.
        if (WireFormat.isControl(opcode) && length7 > CONTROL_PAYLOAD_MAX) {
            throw protocolViolation("Control frame payload too long.");
        }
        payloadLeft = 0;
        maskKey = 0;
        if (length7 == PAYLOAD_SHORT) {
            headerBytesLeft = 2;
            state = READING_SIZE;
        } else if (length7 == PAYLOAD_LONG) {
            headerBytesLeft = 8;
            state = READING_SIZE;
        } else {
            payloadLeft = length7;
            lengthRead(handler);
        }
    }

    private void readSize(byte b, FrameHandler handler) throws ProtocolException {
        // 5.2: "the most significant bit MUST be 0". Checked on the first of the 8 bytes, before
        // anything is sized from the length.
        if (headerBytesLeft == 8 && (b & 0x80) != 0) {
            throw protocolViolation("Frame length has its most significant bit set.");
        }
        payloadLeft = (payloadLeft << 8) | (b & 0xFF);
        if (--headerBytesLeft == 0) {
            // 5.2: "the minimal number of bytes MUST be used to encode the length". A longer
            // form than needed (126 for 100 bytes, 127 for 5) is accepted on purpose: it is
            // unambiguous and harmless, and refusing it would only break lenient peers.
            lengthRead(handler);
        }
    }

    private void lengthRead(FrameHandler handler) throws ProtocolException {
        // 10.4: limits on frame size are checked before any payload is read or buffered.
        if (payloadLeft > maxFramePayload) {
            throw new ProtocolException(WS_MESSAGE_TOO_LARGE, "Frame too large.");
        }
        if (masked) {
            headerBytesLeft = 4;
            state = MASKING_KEY;
        } else {
            headerRead(handler);
        }
    }

    private void readMaskingKey(byte b, FrameHandler handler) throws ProtocolException {
        maskKey = (maskKey << 8) | (b & 0xFF);
        if (--headerBytesLeft == 0) {
            headerRead(handler);
        }
    }

    private void headerRead(FrameHandler handler) throws ProtocolException {
        state = PAYLOAD;
        if (!WireFormat.isControl(opcode)) {
            // 5.4: a message is in progress from a first fragment without FIN to a final frame.
            fragmentedMessage = !fin;
            handler.onDataFrameStart(opcode, fin, rsv, payloadLeft);
        }
    }

    /** Delivers the next chunk of a data frame; false when more input is needed. */
    private boolean readDataPayload(ByteBuffer in, FrameHandler handler) throws ProtocolException {
        long left = payloadLeft;
        int n = (int) Math.min(left, in.remaining());
        if (n == 0 && left != 0) {
            return false;
        }
        // Here n > 0, or the frame is empty and gets its one empty chunk.
        // Hot path: a view of the caller's bytes (one small object, no copy), unmasked in place.
        int start = in.position();
        ByteBuffer chunk = in.slice(start, n);
        boolean frameEnd = n == left;
        int key = maskKey;
        boolean unmaskedByHandler = masked && n > 0 && handler.copiesNextChunk(frameEnd);
        if (masked) {
            if (!unmaskedByHandler) {
                Masking.mask(chunk, key, 0);
            }
            maskKey = Masking.alignKey(key, n);
        }
        in.position(start + n);
        payloadLeft = left - n;
        if (frameEnd) {
            state = READING_FIRST;
        }
        if (unmaskedByHandler) {
            handler.onMaskedDataFramePayload(chunk, key, frameEnd);
        } else {
            handler.onDataFramePayload(chunk, frameEnd);
        }
        return true;
    }

    /** Delivers a control frame once its payload is all there; false when more input is needed. */
    private boolean readControlPayload(ByteBuffer in, FrameHandler handler) throws ProtocolException {
        int start = in.position();
        if (controlBuffer == null && in.remaining() >= payloadLeft) {
            int length = (int) payloadLeft;
            // The whole payload is in the input: a view, unmasked in place, as for data.
            ByteBuffer payload = in.slice(start, length);
            if (masked) {
                Masking.mask(payload, maskKey, 0);
            }
            in.position(start + length);
            payloadLeft = 0;
            state = READING_FIRST;
            handler.onControlFrame(opcode, rsv, payload);
            return true;
        }
        if (!in.hasRemaining()) {
            return false;
        }
        if (controlBuffer == null) {
            // Only for a control frame that arrives split; dropped once it is delivered. Its
            // length is the frame's: what is gathered is its length less what is left.
            controlBuffer = new byte[(int) payloadLeft];
        }
        int length = controlBuffer.length;
        int gathered = length - (int) payloadLeft;
        int n = Math.min((int) payloadLeft, in.remaining());
        in.get(controlBuffer, gathered, n);
        payloadLeft -= n;
        if (payloadLeft > 0) {
            return false;
        }
        if (masked) {
            Masking.mask(controlBuffer, 0, length, maskKey, 0);
        }
        ByteBuffer payload = ByteBuffer.wrap(controlBuffer, 0, length);
        controlBuffer = null;
        state = READING_FIRST;
        handler.onControlFrame(opcode, rsv, payload);
        return true;
    }

    private static ProtocolException protocolViolation(String message) {
        return new ProtocolException(WS_PROTOCOL_ERROR, message);
    }
}
