package dev.seed.websocket.protocol;

import dev.seed.websocket.CloseCodes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The server side of a connection that opened with the legacy draft-hixie-thewebsocketprotocol-76
 * handshake (sent by browsers of 2010-2011). Its framing (section 4.2 and 5.3 of the draft; the
 * comments below paraphrase the draft's step lists):
 *
 * <pre>
 *   text frame:     0x00 | UTF-8 bytes (never 0xFF) | 0xFF
 *   closing frame:  0xFF 0x00
 *   other frames:   type byte with the high bit set | length in 7-bit groups, high bit = more
 *                   follow | length bytes (discarded)
 * </pre>
 *
 * There are no binary, ping or pong frames and no close codes: the application sees 1005 with an
 * empty reason when the peer closes, 1006 when the connection ends without a closing frame.
 *
 * <p>This class is not thread safe.
 */
public final class Hixie76Protocol implements ProtocolEngine {

    /** Section 5.3: a text frame starts with type 0x00. */
    static final int FRAME_TEXT = 0x00;
    /** Section 5.3: a frame ends with (text) or starts with (closing) this byte. */
    static final int FRAME_END = 0xFF;
    /** A type byte with this bit set starts a length-prefixed frame. */
    static final int FLAG_LENGTH_PREFIXED = 0x80;
    /** The length bits of a length byte. */
    static final int MASK_LENGTH = 0x7F;
    /** Message buffers that grew past this size are dropped after the message, not kept. */
    private static final int RETAINED_BUFFER_MAX = 64 * 1024;

    /** The decoder's position in the frame grammar. */
    private enum Decode {
        /** Expecting a frame type byte. */
        FRAME_TYPE,
        /** Inside a 0x00 text frame, until 0xFF. */
        TEXT,
        /** Inside a text frame of another type (0x01-0x7F), discarded until 0xFF. */
        DISCARD_TEXT,
        /** Reading the length bytes of a length-prefixed frame. */
        LENGTH,
        /** Skipping the payload of a length-prefixed frame. */
        DISCARD_BYTES,
        /** The closing frame arrived, the connection failed or ended: input is discarded. */
        DONE
    }

    private final ProtocolListener listener;
    private final ProtocolOutput output;
    /** The largest frame payload accepted, in bytes. */
    private long maxMessageSize;
    /** Checks the text of the current message as it arrives. */
    private final Utf8Validator utf8 = new Utf8Validator();

    private State state = State.OPEN;
    private Decode decode = Decode.FRAME_TYPE;
    /** The type byte of the current length-prefixed frame. */
    private int frameType;
    /** The length read so far (LENGTH), or the bytes left to skip (DISCARD_BYTES). */
    private long length;
    /** Bytes of the current (discarded) text frame so far, for the size limit. */
    private long discarded;
    /** The UTF-8 bytes of the current text message: {@code message[0, messageLength)}. */
    private byte[] message = new byte[0];
    private int messageLength;
    private boolean closeSent;
    private boolean closeReceived;
    /** 1006 until a closing frame arrives, then 1005. */
    private int closeCode = CloseCodes.WS_CLOSED_ABNORMALLY;

    /**
     * A server engine. {@code maxMessageSize} bounds each frame's payload in bytes (a text message
     * is one frame): the draft lets an endpoint that meets content too large for it, or a resource
     * limit, fail the connection.
     */
    public Hixie76Protocol(ProtocolListener listener, ProtocolOutput output, long maxMessageSize) {
        if (maxMessageSize < 1 || maxMessageSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxMessageSize must be between 1 and 2^31 - 9.");
        }
        this.listener = listener;
        this.output = output;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public void maxMessageSize(long bytes) {
        if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxMessageSize must be between 1 and 2^31 - 9.");
        }
        maxMessageSize = bytes;
    }

    @Override
    public long maxMessageSize() {
        return maxMessageSize;
    }

    @Override
    public void receive(ByteBuffer data) {
        while (data.hasRemaining() && decode != Decode.DONE) {
            switch (decode) {
                case FRAME_TYPE:
                    frameType = data.get() & 0xFF;
                    if ((frameType & FLAG_LENGTH_PREFIXED) != 0) {
                        length = 0;
                        decode = Decode.LENGTH;
                    } else {
                        discarded = 0;
                        decode = frameType == FRAME_TEXT ? Decode.TEXT : Decode.DISCARD_TEXT;
                    }
                    break;
                case TEXT:
                    readText(data);
                    break;
                case DISCARD_TEXT:
                    discardText(data);
                    break;
                case LENGTH:
                    readLength(data.get() & 0xFF);
                    break;
                case DISCARD_BYTES:
                    int skip = (int) Math.min(length, data.remaining());
                    data.position(data.position() + skip);
                    length -= skip;
                    if (length == 0) {
                        decode = Decode.FRAME_TYPE;
                    }
                    break;
                default:
                    throw new AssertionError(decode);
            }
        }
        data.position(data.limit());
    }

    /**
     * Section 5.3, type without the high bit: the bytes up to the next 0xFF are the frame's data,
     * read as UTF-8. Scans the chunk for 0xFF and checks the UTF-8 as it goes, so bad text fails at
     * once rather than at the end of the frame.
     */
    private void readText(ByteBuffer data) {
        int start = data.position();
        int end = indexOfFrameEnd(data);
        int chunk = (end < 0 ? data.limit() : end) - start;
        if (messageLength + (long) chunk > maxMessageSize) {
            fail(new ProtocolException(CloseCodes.WS_MESSAGE_TOO_LARGE, "Message too big."));
            return;
        }
        ByteBuffer slice = data.duplicate();
        slice.limit(start + chunk);
        if (!utf8.feed(slice)) {
            fail(new ProtocolException(CloseCodes.WS_BAD_MESSAGE, "Invalid UTF-8 in text message."));
            return;
        }
        if (messageLength + chunk > message.length) {
            message = Arrays.copyOf(message, (int) Math.min(maxMessageSize,
                    Math.max(messageLength + (long) chunk, message.length * 2L)));
        }
        data.get(message, messageLength, chunk);
        messageLength += chunk;
        if (end < 0) {
            return;
        }
        data.get(); // the 0xFF
        if (!utf8.isComplete()) {
            fail(new ProtocolException(CloseCodes.WS_BAD_MESSAGE, "Invalid UTF-8 in text message."));
            return;
        }
        String text = new String(message, 0, messageLength, StandardCharsets.UTF_8);
        messageLength = 0;
        utf8.reset();
        if (message.length > RETAINED_BUFFER_MAX) {
            message = new byte[0];
        }
        decode = Decode.FRAME_TYPE;
        listener.onText(text);
    }

    /**
     * Section 5.3: only type 0x00 carries a message; the data of other types without the high bit
     * is discarded (the draft flags an error but goes on reading). It is skipped, not kept, and
     * still counted against the size limit.
     */
    private void discardText(ByteBuffer data) {
        int end = indexOfFrameEnd(data);
        int chunk = (end < 0 ? data.limit() : end) - data.position();
        discarded += chunk;
        if (discarded > maxMessageSize) {
            fail(new ProtocolException(CloseCodes.WS_MESSAGE_TOO_LARGE, "Frame too big."));
            return;
        }
        data.position(data.position() + chunk);
        if (end >= 0) {
            data.get();
            decode = Decode.FRAME_TYPE;
        }
    }

    /**
     * Section 5.3, type with the high bit: each length byte contributes its low 7 bits (length =
     * length * 128 + b &amp; 0x7F) and its high bit says another length byte follows; then the
     * length bytes of data are read and discarded. Type 0xFF with length 0 is the closing frame.
     */
    private void readLength(int b) {
        length = length * 128 + (b & MASK_LENGTH);
        if (length > maxMessageSize) {
            fail(new ProtocolException(CloseCodes.WS_MESSAGE_TOO_LARGE, "Frame too big."));
            return;
        }
        if ((b & FLAG_LENGTH_PREFIXED) != 0) {
            return;
        }
        if (frameType == FRAME_END && length == 0) {
            onClosingFrame();
        } else {
            decode = length == 0 ? Decode.FRAME_TYPE : Decode.DISCARD_BYTES;
        }
    }

    /**
     * The peer's 0xFF 0x00: answer it unless ours was sent, then close the TCP connection (the
     * server closes it first, as in RFC 6455 section 7.1.1). Later input is discarded.
     */
    private void onClosingFrame() {
        decode = Decode.DONE;
        closeReceived = true;
        if (!closeSent) {
            writeClosingFrame();
        }
        state = State.CLOSED;
        closeCode = CloseCodes.WS_NO_STATUS;
        listener.onCloseFrame(CloseCodes.WS_NO_STATUS, "");
        output.closeTransport();
    }

    /**
     * Fails the connection: sends the closing frame when it was not sent (there is no code to carry
     * the reason), reports the error and closes the TCP connection as after a failed RFC 6455
     * connection (section 7.1.7): the client may still be writing the message that failed, so
     * the transport reads on until it ends rather than reset a connection whose closing frame it
     * has not read yet.
     */
    private void fail(ProtocolException error) {
        decode = Decode.DONE;
        if (!closeSent) {
            writeClosingFrame();
        }
        state = State.CLOSED;
        listener.onProtocolError(error);
        output.closeTransportAfterFailure();
    }

    private static int indexOfFrameEnd(ByteBuffer data) {
        for (int i = data.position(), limit = data.limit(); i < limit; i++) {
            if (data.get(i) == (byte) FRAME_END) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void receiveEof() {
        decode = Decode.DONE;
        state = State.CLOSED;
    }

    /**
     * Section 5.3 (sending): a 0x00 byte, the UTF-8 encoding of the text, a 0xFF byte. The frame is
     * encoded into one buffer of the exact size. Unpaired surrogates throw IllegalArgumentException.
     */
    @Override
    public boolean sendText(CharSequence text) {
        if (closeSent || state == State.CLOSED) {
            return false;
        }
        int length = utf8Length(text);
        if (length < 0) {
            throw new IllegalArgumentException("Text is not valid UTF-16.");
        }
        ByteBuffer frame = ByteBuffer.allocate(length + 2);
        frame.put((byte) FRAME_TEXT);
        encodeUtf8(text, frame);
        frame.put((byte) FRAME_END).flip();
        output.write(frame);
        return true;
    }

    @Override
    public boolean sendBinary(ByteBuffer data) {
        throw new UnsupportedOperationException("hixie-76 has no binary frames.");
    }

    @Override
    public boolean sendPing(ByteBuffer data) {
        throw new UnsupportedOperationException("hixie-76 has no ping frames.");
    }

    @Override
    public boolean sendPong(ByteBuffer data) {
        throw new UnsupportedOperationException("hixie-76 has no pong frames.");
    }

    /**
     * Starts the closing handshake: sends 0xFF 0x00. The code and reason are checked as for RFC
     * 6455 but not sent: hixie-76 has no place for them.
     */
    @Override
    public boolean sendClose(int code, String reason) {
        if (!CloseCodes.isValidForApplication(code)) {
            throw new IllegalArgumentException("Invalid close code.");
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length > WireFormat.CONTROL_PAYLOAD_MAX - 2) {
            throw new IllegalArgumentException("Close reason longer than 123 bytes.");
        }
        if (closeSent || state == State.CLOSED) {
            return false;
        }
        writeClosingFrame();
        state = State.CLOSING;
        return true;
    }

    private void writeClosingFrame() {
        closeSent = true;
        ByteBuffer frame = ByteBuffer.allocate(2);
        frame.put((byte) FRAME_END).put((byte) 0x00).flip();
        output.write(frame);
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public boolean closeSent() {
        return closeSent;
    }

    @Override
    public boolean closeReceived() {
        return closeReceived;
    }

    @Override
    public int closeCode() {
        return closeCode;
    }

    @Override
    public String closeReason() {
        return "";
    }

    /** The UTF-8 length of {@code s}, or -1 when it has an unpaired surrogate. */
    static int utf8Length(CharSequence s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return -1;
                }
                i++;
                n += 4;
            } else if (Character.isLowSurrogate(c)) {
                return -1;
            } else {
                n += 3;
            }
        }
        if (n > Integer.MAX_VALUE - 2) {
            throw new IllegalArgumentException("Text too long.");
        }
        return (int) n;
    }

    /** Writes the UTF-8 of {@code s}, known to be valid UTF-16, into {@code out}. */
    private static void encodeUtf8(CharSequence s, ByteBuffer out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out.put((byte) c);
            } else if (c < 0x800) {
                out.put((byte) (0xC0 | (c >> 6))).put((byte) (0x80 | (c & 0x3F)));
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out.put((byte) (0xF0 | (cp >> 18))).put((byte) (0x80 | ((cp >> 12) & 0x3F)))
                        .put((byte) (0x80 | ((cp >> 6) & 0x3F))).put((byte) (0x80 | (cp & 0x3F)));
            } else {
                out.put((byte) (0xE0 | (c >> 12))).put((byte) (0x80 | ((c >> 6) & 0x3F)))
                        .put((byte) (0x80 | (c & 0x3F)));
            }
        }
    }
}
