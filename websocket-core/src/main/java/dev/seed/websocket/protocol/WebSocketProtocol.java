package dev.seed.websocket.protocol;

import static dev.seed.websocket.protocol.WireFormat.B0_FLAG_FIN;
import static dev.seed.websocket.protocol.WireFormat.CONTROL_PAYLOAD_MAX;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_BINARY;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_CLOSE;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_CONTINUATION;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_PING;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_PONG;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_TEXT;

import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.protocol.extension.Extension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * The sans-I/O RFC 6455 engine of one connection after its opening handshake: frames, message
 * assembly, UTF-8, ping/pong, the close handshake and extensions. Also drives hybi drafts 7 and
 * 8, which share the framing. This class is not thread safe: one thread (the connection's event
 * loop) drives it.
 *
 * <p>Received data frames are streamed from {@link FrameDecoder} straight into validation; a
 * message that arrives as one uncompressed frame in one read is delivered as a slice of the read
 * buffer, without a copy. Only fragmented, split or compressed messages are assembled.
 *
 * <p>State follows python-websockets: an enum of RFC states plus the two close flags.
 */
public final class WebSocketProtocol implements ProtocolEngine, FrameHandler {

    /** Largest frame sent as one buffer (header and payload copied together): one write call. */
    private static final int COALESCE_MAX = 4096;

    private static final ThreadLocal<byte[]> TEXT_SCRATCH = ThreadLocal.withInitial(() -> new byte[8192]);

    /** Largest text message decoded through the per-thread scratch array. */
    private static final int TEXT_SCRATCH_MAX = 64 * 1024;

    /** The masking keys of a client that was given no source of its own. */
    private static final IntSupplier DEFAULT_MASK_KEYS = MaskKeys::nextKey;

    private final ProtocolConfig config;
    private final ProtocolListener listener;
    private final ProtocolOutput output;
    /** The negotiated extensions, in the order of the handshake response. */
    private final Extension[] extensions;
    private final FrameDecoder decoder;
    /** UTF-8 validation state of the text message being received (Utf8Validator's automaton). */
    private int utf8 = Utf8Validator.START;
    private static final Extension[] NO_EXTENSIONS = new Extension[0];

    /** The sink decoded bytes go to: counts them against the message limit; null without extensions. */
    private final Extension.PayloadSink decodedSink;

    /** Payload bytes of the last message sent, before extensions encoded it. */
    private int lastSentBytes;
    /** Payload bytes of the last message sent, as it went on the wire. */
    private int lastSentWireBytes;
    /** Payload bytes of the message being delivered (after extensions decoded it). */
    private int lastReceivedBytes;

    /** RFC state; CLOSED only once the transport is gone. */
    private State state = State.OPEN;
    /** Whether our close frame was queued. */
    private boolean closeSent;
    /** Whether the peer's close frame arrived. */
    private boolean closeReceived;

    /** Opcode of the message being received (TEXT or BINARY), or -1 between messages. */
    private int messageOpcode = -1;
    /** Whether the current frame is the last of its message. */
    private boolean frameFin;
    /** The extension decoding the current message, or null when it is not transformed. */
    private Extension messageExtension;
    /** Frames of the current message so far. */
    private int messageFrames;
    /** Bytes of the current message so far (after decoding). */
    private long messageSize;
    /** Assembly of a message that is fragmented, split across reads or compressed; else null. */
    private byte[] messageBuffer;
    /** Bytes used in {@link #messageBuffer}. */
    private int messageLength;
    /** Whether the current frame's payload arrived in one chunk so far (zero-copy candidate). */
    private boolean frameStartChunk;
    /**
     * The largest message received whole; the application may change it per connection. An int:
     * a message received whole is one array (the setter refuses more), and idle connections are
     * many.
     */
    private int maxMessageSize;
    /**
     * What few connections use (messages in parts, received or sent, a handler's own answer to
     * pings, a frame observer, an owed pong, a client's own masking keys) and what a connection
     * needs only once it closes (the peer's close frame, our failure); null until one is used, so
     * that an idle connection carries one null reference. The role is the decoder's and the current
     * frame's length too: idle connections are many, and every field here is paid by each.
     */
    private EngineExtras extras;
    /**
     * @param role which end this engine plays
     * @param config limits and switches
     * @param extensions the extensions negotiated in the handshake, in response order
     * @param listener receives the decoded events
     * @param output receives the bytes to send
     */
    public WebSocketProtocol(Role role, ProtocolConfig config, List<Extension> extensions,
            ProtocolListener listener, ProtocolOutput output) {
        this(role, config, extensions, listener, output, DEFAULT_MASK_KEYS);
    }

    /** As the other constructor, with a given source of masking keys (tests use fixed keys). */
    public WebSocketProtocol(Role role, ProtocolConfig config, List<Extension> extensions,
            ProtocolListener listener, ProtocolOutput output, IntSupplier maskKeys) {
        Objects.requireNonNull(role, "role");
        this.config = Objects.requireNonNull(config, "config");
        this.extensions = extensions.isEmpty() ? NO_EXTENSIONS : extensions.toArray(NO_EXTENSIONS);
        this.decodedSink = this.extensions.length == 0 ? null : new Extension.PayloadSink() {
            @Override
            public void accept(ByteBuffer chunk) throws ProtocolException {
                acceptDecoded(chunk);
            }

            @Override
            public boolean copiesAtOnce() {
                return true; // into the message being assembled, nothing else
            }
        };
        this.listener = Objects.requireNonNull(listener, "listener");
        this.output = Objects.requireNonNull(output, "output");
        this.decoder = new FrameDecoder(role, config.maxFrameSize());
        if (Objects.requireNonNull(maskKeys, "maskKeys") != DEFAULT_MASK_KEYS) {
            extras().maskKeys = maskKeys;
        }
        this.maxMessageSize = (int) Math.min(config.maxMessageSize(), Integer.MAX_VALUE - 8);
        int rsv = 0;
        for (Extension e : this.extensions) {
            rsv |= e.reservedBits();
        }
        decoder.allowReservedBits(rsv);
    }

    /** The extras, made when first needed. */
    private EngineExtras extras() {
        if (extras == null) {
            extras = new EngineExtras(config.autoPong());
        }
        return extras;
    }

    /** The parts state of received messages, or null when they are delivered whole. */
    private IncomingParts incoming() {
        return extras == null ? null : extras.incoming;
    }

    /** The message being sent in parts, or null. */
    private OutgoingParts outgoing() {
        return extras == null ? null : extras.outgoing;
    }

    /** Sets the observer of every frame in and out (null: none). */
    public void frameObserver(FrameObserver observer) {
        if (observer != null || extras != null) {
            extras().frameObserver = observer;
        }
    }

    /** The observer of every frame, or null. */
    private FrameObserver frameObserver() {
        return extras == null ? null : extras.frameObserver;
    }

    /** Whether this engine is the server's end (the decoder's role: one field for both). */
    private boolean server() {
        return decoder.server();
    }

    /** Payload length of the last data message sent, before compression. */
    public int lastSentBytes() {
        return lastSentBytes;
    }

    /** Payload length of the data message being (or last) delivered, after decompression: UTF-8 bytes for text. */
    public int lastReceivedBytes() {
        return lastReceivedBytes;
    }

    /** Payload length of the last data message sent, as sent (after compression). */
    public int lastSentWireBytes() {
        return lastSentWireBytes;
    }

    /** The role of this engine. */
    public Role role() {
        return server() ? Role.SERVER : Role.CLIENT;
    }

    /** The negotiated extensions. */
    public List<Extension> extensions() {
        return List.of(extensions);
    }

    /** The negotiated extension of this type, or null; allocates nothing. */
    public <T extends Extension> T extension(Class<T> type) {
        for (Extension e : extensions) {
            if (type.isInstance(e)) {
                return type.cast(e);
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- receiving

    /**
     * {@inheritDoc} Once {@link #pauseReceiving()} was called (from a listener callback, say),
     * returns with the rest of {@code data} unconsumed: feed it again after
     * {@link #resumeReceiving()}.
     */
    @Override
    public void receive(ByteBuffer data) {
        if (state == State.CLOSED || failure() != null) {
            data.position(data.limit());
            return;
        }
        try {
            decoder.decode(data, this);
        } catch (ProtocolException e) {
            data.position(data.limit());
            fail(e);
        }
    }

    /**
     * Inbound flow control: no event is delivered after the current one until
     * {@link #resumeReceiving()}; {@link #receive} leaves what it did not decode. A compressed
     * chunk already being inflated is delivered to its end.
     */
    @Override
    public void pauseReceiving() {
        decoder.suspend();
    }

    /**
     * {@inheritDoc} A compressed message whose inflation stopped at the pause goes on first: its
     * extension kept what it had not inflated.
     */
    @Override
    public void resumeReceiving() {
        decoder.proceed();
        Extension e = messageExtension;
        if (e == null || !e.hasPendingDecode() || failure() != null || state == State.CLOSED) {
            return;
        }
        try {
            e.continueDecode(incoming().sink);
            if (!e.hasPendingDecode() && incoming().endPending) {
                incoming().endPending = false;
                deliverPart(ByteBuffer.allocate(0), true);
            }
        } catch (ProtocolException ex) {
            fail(ex);
        }
    }

    @Override
    public boolean receivingPaused() {
        return decoder.isSuspended();
    }

    /**
     * Streaming: from the next message on, data messages go to {@link ProtocolListener#onTextPart}
     * and {@link ProtocolListener#onBinaryPart} as their bytes arrive, in constant memory. The
     * message size limit and the frame size limit no longer apply (nothing is assembled), nor the
     * fragment count: the listener sees every byte and may close the connection itself.
     */
    @Override
    public void deliverParts(boolean parts) {
        if (!parts) {
            if (extras != null) {
                extras.incoming = null;
            }
            decoder.maxFramePayload(config.maxFrameSize());
            return;
        }
        extras().incoming = new IncomingParts(new Extension.PayloadSink() {
            @Override
            public void accept(ByteBuffer chunk) throws ProtocolException {
                deliverPart(chunk, false);
            }

            @Override
            public boolean full() {
                return decoder.isSuspended(); // the application paused reading: inflation stops here
            }
        });
        decoder.maxFramePayload(Long.MAX_VALUE);
    }

    /** Sets the largest message received whole (1009 beyond it), from the next frame on. */
    @Override
    public void maxMessageSize(long bytes) {
        if (bytes <= 0 || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxMessageSize must be between 1 and 2^31 - 9: " + bytes);
        }
        maxMessageSize = (int) bytes;
    }

    @Override
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /**
     * Whether this engine answers pings itself (the configuration's autoPong until changed);
     * false leaves each answer to the listener (section 5.5.2 still requires one, which the
     * listener sends, or decides not to, as the seed's do_pong).
     */
    public void autoPong(boolean answer) {
        if (answer != config.autoPong() || extras != null) {
            extras().autoPong = answer;
        }
    }

    @Override
    public void receiveEof() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            releaseMessage();
            closeExtensions();
        }
    }

    @Override
    public void onDataFrameStart(int opcode, boolean fin, int rsv, long length) throws ProtocolException {
        FrameObserver observer = frameObserver();
        if (observer != null) {
            observer.onFrame(true, opcode, fin, rsv, length);
        }
        if (opcode == OPCODE_CONTINUATION) {
            // The decoder guarantees a message is in progress (RFC 6455 section 5.4).
            if (++messageFrames > config.maxFragments() && incoming() == null) {
                throw new ProtocolException(CloseCodes.WS_MESSAGE_TOO_LARGE, "Too many fragments.");
            }
            if (messageExtension != null) {
                messageExtension.checkContinuation(rsv);
            } else if (rsv != 0) {
                // RSV bits that an extension owns but did not claim for this message.
                for (Extension e : extensions) {
                    e.checkContinuation(rsv);
                }
            }
        } else {
            messageOpcode = opcode;
            messageFrames = 1;
            messageSize = 0;
            messageLength = 0;
            messageExtension = null;
            utf8 = Utf8Validator.START;
            if (incoming() != null) {
                incoming().reset();
            }
            if (rsv != 0) {
                for (Extension e : extensions) {
                    if ((e.reservedBits() & rsv) != 0 && e.startIncomingMessage(rsv)) {
                        messageExtension = e;
                        break;
                    }
                }
                if (messageExtension == null) {
                    throw new ProtocolException(CloseCodes.WS_PROTOCOL_ERROR,
                            "Reserved bits set without an extension.");
                }
            }
        }
        frameFin = fin;
        frameStartChunk = true;
        if (messageExtension == null && incoming() == null) {
            // Uncompressed: the limit is known before a single payload byte is read (section 10.4).
            messageSize += length;
            if (messageSize > maxMessageSize) {
                throw tooLarge();
            }
        }
    }

    @Override
    public void onDataFramePayload(ByteBuffer chunk, boolean frameEnd) throws ProtocolException {
        FrameObserver observer = frameObserver();
        if (observer != null && observer.wantsPayload()) {
            observer.onPayload(true, chunk.duplicate(), frameEnd);
        }
        boolean messageEnd = frameEnd && frameFin;
        if (closeReceived) {
            // RFC 6455 section 1.4: data after the peer's close frame is ignored.
            if (messageEnd) {
                endMessage();
            }
            return;
        }
        if (incoming() != null) {
            receivePart(chunk, messageEnd);
            return;
        }
        if (messageExtension != null) {
            messageExtension.decode(chunk, messageEnd, decodedSink);
            if (messageEnd) {
                deliverAssembled();
            }
            return;
        }
        if (messageOpcode == OPCODE_TEXT && Utf8Validator.isRejected(utf8 = Utf8Validator.feed(utf8, chunk))) {
            throw badUtf8();
        }
        if (messageEnd && frameStartChunk && messageFrames == 1) {
            // One frame, one chunk: deliver the slice of the read buffer itself (no copy).
            deliver(chunk);
            return;
        }
        frameStartChunk = false;
        append(chunk);
        if (messageEnd) {
            deliverAssembled();
        }
    }

    /**
     * Whether the next chunk goes only into the message's array ({@link #append}): a binary
     * message, whole, not transformed, not observed, not the one chunk of a one-frame message
     * (that one is delivered as it is). Then the decoder leaves it masked and {@link
     * #onMaskedDataFramePayload} unmasks it as it copies: one pass over a large message, not two.
     */
    @Override
    public boolean copiesNextChunk(boolean frameEnd) {
        if (messageOpcode != OPCODE_BINARY || closeReceived || messageExtension != null || extras != null
                && (extras.incoming != null || extras.frameObserver != null && extras.frameObserver.wantsPayload())) {
            return false;
        }
        return !(frameEnd && frameFin && frameStartChunk && messageFrames == 1);
    }

    @Override
    public void onMaskedDataFramePayload(ByteBuffer maskedChunk, int maskKey, boolean frameEnd)
            throws ProtocolException {
        frameStartChunk = false;
        int n = maskedChunk.remaining();
        reserve(n);
        Masking.maskInto(maskedChunk, messageBuffer, messageLength, maskKey);
        messageLength += n;
        if (frameEnd && frameFin) {
            deliverAssembled();
        }
    }

    /**
     * Streaming: a chunk of the current message goes to the listener as a part, decoded by the
     * message's extension first. A compressed message's last part is the (often empty) output of
     * its final chunk: whether an inflated chunk is the last is known only once the message ends.
     */
    private void receivePart(ByteBuffer chunk, boolean messageEnd) throws ProtocolException {
        Extension e = messageExtension;
        if (e != null) {
            e.decode(chunk, messageEnd, incoming().sink);
            if (e.hasPendingDecode()) {
                // paused in the middle of the inflated chunk: resumeReceiving goes on with it
                incoming().endPending = messageEnd;
            } else if (messageEnd) {
                deliverPart(ByteBuffer.allocate(0), true);
            }
            return;
        }
        deliverPart(chunk, messageEnd);
    }

    private void deliverPart(ByteBuffer part, boolean last) throws ProtocolException {
        int opcode = messageOpcode;
        if (last) {
            endMessage();
        } else if (!part.hasRemaining()) {
            return;
        }
        // Bytes of the message so far: what a metric counts once its last part arrived.
        messageSize += part.remaining();
        lastReceivedBytes = (int) Math.min(Integer.MAX_VALUE, messageSize);
        if (opcode == OPCODE_TEXT) {
            if (Utf8Validator.isRejected(utf8 = Utf8Validator.feed(utf8, part))
                    || last && !Utf8Validator.isComplete(utf8)) {
                throw badUtf8();
            }
            String text = incoming().text(part, Utf8Validator.isComplete(utf8));
            if (!text.isEmpty() || last) {
                listener.onTextPart(text, last);
            }
        } else {
            listener.onBinaryPart(part, last);
        }
    }

    private void acceptDecoded(ByteBuffer chunk) throws ProtocolException {
        messageSize += chunk.remaining();
        if (messageSize > maxMessageSize) {
            throw tooLarge();
        }
        if (messageOpcode == OPCODE_TEXT && Utf8Validator.isRejected(utf8 = Utf8Validator.feed(utf8, chunk))) {
            throw badUtf8();
        }
        append(chunk);
    }

    private void deliverAssembled() throws ProtocolException {
        ByteBuffer message = messageBuffer == null
                ? ByteBuffer.allocate(0) : ByteBuffer.wrap(messageBuffer, 0, messageLength);
        deliver(message);
    }

    private void deliver(ByteBuffer message) throws ProtocolException {
        int opcode = messageOpcode;
        if (opcode == OPCODE_TEXT && !Utf8Validator.isComplete(utf8)) {
            throw badUtf8();
        }
        endMessage();
        lastReceivedBytes = message.remaining();
        if (opcode == OPCODE_TEXT) {
            listener.onText(decodeText(message));
        } else {
            listener.onBinary(message);
        }
        releaseMessage();
    }

    private void endMessage() {
        messageOpcode = -1;
        messageExtension = null;
    }

    /** Decodes already validated UTF-8: the JDK's decoder has ASCII and Latin-1 fast paths. */
    private static String decodeText(ByteBuffer bytes) {
        int length = bytes.remaining();
        if (bytes.hasArray()) {
            return new String(bytes.array(), bytes.arrayOffset() + bytes.position(), length,
                    StandardCharsets.UTF_8);
        }
        byte[] scratch = length <= TEXT_SCRATCH_MAX ? TEXT_SCRATCH.get() : new byte[length];
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
            TEXT_SCRATCH.set(scratch);
        }
        bytes.get(bytes.position(), scratch, 0, length);
        return new String(scratch, 0, length, StandardCharsets.UTF_8);
    }

    private void append(ByteBuffer chunk) {
        int n = chunk.remaining();
        if (n == 0) {
            return;
        }
        reserve(n);
        chunk.get(chunk.position(), messageBuffer, messageLength, n);
        messageLength += n;
    }

    /** Makes room for {@code n} (> 0) more bytes in the message's array. */
    private void reserve(int n) {
        if (messageBuffer == null) {
            // Sized by the frame when it is not compressed: one allocation for a frame split
            // across reads; the frame length was checked against the limits already.
            long hint = messageExtension == null ? decoder.payloadLeft() + n : n; // (n: this chunk, already counted off)
            messageBuffer = new byte[(int) Math.max(n, Math.min(Math.max(hint, 256), 1 << 20))];
        } else if (messageBuffer.length - messageLength < n) {
            long wanted = Math.max((long) messageLength + n, (long) messageBuffer.length * 2);
            int size = (int) Math.min(wanted, Math.max(maxMessageSize, (long) messageLength + n));
            byte[] grown = new byte[size];
            System.arraycopy(messageBuffer, 0, grown, 0, messageLength);
            messageBuffer = grown;
        }
    }

    private void releaseMessage() {
        // Nothing is kept between messages: an idle connection holds no buffer.
        messageBuffer = null;
        messageLength = 0;
    }

    @Override
    public void onControlFrame(int opcode, int rsv, ByteBuffer payload) throws ProtocolException {
        FrameObserver observer = frameObserver();
        if (observer != null) {
            observer.onFrame(true, opcode, true, rsv, payload.remaining());
            observer = frameObserver(); // (the call may have removed it)
            if (observer != null && observer.wantsPayload()) {
                observer.onPayload(true, payload.duplicate(), true);
            }
        }
        if (rsv != 0) {
            // 5.2: RSV bits are only allowed where a negotiated extension defines them, and no
            // extension defines them for control frames. RFC 7692 section 6: "An endpoint MUST NOT
            // set the 'Per-Message Compressed' bit of control frames [...]. An endpoint receiving
            // such a frame MUST _Fail the WebSocket Connection_."
            throw new ProtocolException(CloseCodes.WS_PROTOCOL_ERROR, "Reserved bits set on a control frame.");
        }
        switch (opcode) {
            case OPCODE_PING -> {
                // 5.5.2. Ping: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in
                // response, unless it already received a Close frame."
                if (closeReceived) {
                    return;
                }
                if ((extras == null ? config.autoPong() : extras.autoPong) && !closeSent) {
                    answerPing(payload);
                }
                listener.onPing(payload);
            }
            case OPCODE_PONG -> {
                // 5.5.3. Pong: "A Pong frame MAY be sent unsolicited." It is delivered, never an error.
                if (!closeReceived) {
                    listener.onPong(payload);
                }
            }
            case OPCODE_CLOSE -> receiveClose(payload);
            default -> throw new IllegalStateException("decoder passed opcode " + opcode);
        }
    }

    /**
     * 5.5.3: "If an endpoint receives a Ping frame and has not yet sent Pong frame(s) in response
     * to previous Ping frame(s), the endpoint MAY elect to send a Pong frame for only the most
     * recently processed Ping frame." While the output is congested (the peer does not read what
     * we write) the pong is owed instead of queued, and a later ping replaces it: a ping flood
     * cannot grow the outbound queue. {@link #sendOwedPong()} sends it once the output drains.
     */
    private void answerPing(ByteBuffer payload) {
        if (output.congested()) {
            EngineExtras x = extras();
            if (x.pongOwed == null) {
                x.pongOwed = new byte[CONTROL_PAYLOAD_MAX];
            }
            x.pongOwedLength = payload.remaining();
            payload.get(payload.position(), x.pongOwed, 0, x.pongOwedLength);
            return;
        }
        // An owed pong answers an older ping than this one: this one is the most recent now.
        if (extras != null) {
            extras.pongOwed = null;
        }
        writeControl(OPCODE_PONG, payload.duplicate());
    }

    /**
     * Sends the pong owed for the most recent ping, if any (see {@link ProtocolOutput#congested()});
     * the transport calls it when its queue has drained. Returns whether a pong was queued.
     */
    public boolean sendOwedPong() {
        EngineExtras x = extras;
        byte[] owed = x == null ? null : x.pongOwed;
        if (owed == null) {
            return false;
        }
        x.pongOwed = null;
        if (closeSent || state == State.CLOSED) {
            return false;
        }
        writeControl(OPCODE_PONG, ByteBuffer.wrap(owed, 0, x.pongOwedLength));
        return true;
    }

    private void receiveClose(ByteBuffer payload) throws ProtocolException {
        if (closeReceived) {
            return;
        }
        int code;
        String reason;
        int length = payload.remaining();
        if (length == 0) {
            code = CloseCodes.WS_NO_STATUS;
            reason = "";
        } else if (length == 1) {
            // 5.5.1. Close: "If there is a body, the first two bytes of the body MUST be a 2-byte
            // unsigned integer".
            throw new ProtocolException(CloseCodes.WS_PROTOCOL_ERROR, "Close frame payload of one byte.");
        } else {
            code = ((payload.get(payload.position()) & 0xFF) << 8) | (payload.get(payload.position() + 1) & 0xFF);
            if (!CloseCodes.isValidOnWire(code)) {
                // 7.4.2: codes outside the defined ranges fail the connection.
                throw new ProtocolException(CloseCodes.WS_PROTOCOL_ERROR, "Invalid close code " + code + ".");
            }
            ByteBuffer reasonBytes = payload.duplicate().position(payload.position() + 2);
            Utf8Validator check = new Utf8Validator();
            if (!check.feed(reasonBytes) || !check.isComplete()) {
                // 5.5.1: the reason is UTF-8; 8.1: invalid UTF-8 fails the connection with 1007.
                throw new ProtocolException(CloseCodes.WS_BAD_MESSAGE, "Invalid UTF-8 in close reason.");
            }
            reason = decodeText(reasonBytes);
        }
        closeReceived = true;
        extras().receivedClose = new ReceivedClose(code, reason);
        releaseMessage();
        endMessage();
        if (!closeSent) {
            // 5.5.1: "the endpoint MUST send a Close frame in response. (When sending a Close frame
            // in response, the endpoint typically echos the status code it received.)" Like
            // python-websockets we echo the whole payload, so the peer sees its reason too.
            state = State.CLOSING;
            closeSent = true;
            ByteBuffer echo = ByteBuffer.allocate(length);
            echo.put(payload.duplicate()).flip();
            writeControl(OPCODE_CLOSE, echo);
        }
        listener.onCloseFrame(code, reason);
        closeHandshakeDone();
    }

    /** Both close frames are out: RFC 6455 section 7.1.1, the server closes TCP first. */
    private void closeHandshakeDone() {
        if (closeSent && closeReceived && server()) {
            output.closeTransport();
        }
    }

    /** Section 7.1.7, "Fail the WebSocket Connection": send a close frame if we still may. */
    private void fail(ProtocolException e) {
        extras().failure = e;
        releaseMessage();
        endMessage();
        if (!closeSent) {
            closeSent = true;
            state = State.CLOSING;
            writeControl(OPCODE_CLOSE, closePayload(e.closeCode(), e.getMessage()));
        }
        listener.onProtocolError(e);
        if (server()) {
            output.closeTransportAfterFailure();
        }
    }

    // ---------------------------------------------------------------- sending

    @Override
    public boolean sendText(CharSequence text) {
        Objects.requireNonNull(text, "text");
        if (closeSent || state == State.CLOSED) {
            return false;
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        sendData(OPCODE_TEXT, ByteBuffer.wrap(bytes), true);
        return true;
    }

    @Override
    public boolean sendBinary(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (closeSent || state == State.CLOSED) {
            return false;
        }
        sendData(OPCODE_BINARY, data, false);
        return true;
    }

    /**
     * Sends a data message, {@code OPCODE_TEXT} with a payload that is already UTF-8 or
     * {@code OPCODE_BINARY}, through the extensions. The payload is not copied by a server.
     */
    public boolean sendMessage(int opcode, ByteBuffer payload) {
        if (closeSent || state == State.CLOSED) {
            return false;
        }
        sendData(opcode, payload, false);
        return true;
    }

    /**
     * Sends a message whose payload is already encoded for the wire (its RSV bits say how),
     * skipping the extensions: one encoding broadcast to many connections. {@code decodedLength}:
     * the payload's length before it was encoded (what {@link #lastSentBytes()} reports).
     */
    public boolean sendEncoded(int opcode, int rsv, ByteBuffer payload, int decodedLength) {
        if (closeSent || state == State.CLOSED) {
            return false;
        }
        checkNoPartsInProgress();
        lastSentBytes = decodedLength;
        lastSentWireBytes = payload.remaining();
        sendFrames(opcode, rsv, payload, false);
        return true;
    }

    private void checkNoPartsInProgress() {
        if (outgoing() != null) {
            // RFC 6455 section 5.4: "the fragments of one message MUST NOT be interleaved between
            // the fragments of another message". The connection holds whole messages back until
            // the last part; reaching here is a bug of the caller.
            throw new IllegalStateException("A message is being sent in parts: whole messages wait for its last part.");
        }
    }

    @Override
    public boolean sendingParts() {
        return outgoing() != null;
    }

    /**
     * Streaming (RFC 6455 section 5.4): the parts of a text message, encoded to UTF-8 part by
     * part. A high surrogate that ends a part waits for the low one at the start of the next;
     * one left unpaired at the end is sent as the replacement the JDK's encoder gives.
     */
    @Override
    public boolean sendTextPart(CharSequence part, boolean last, int hint) {
        Objects.requireNonNull(part, "part");
        if (closeSent || state == State.CLOSED) {
            return false;
        }
        checkPartType(OPCODE_TEXT);
        String text = part.toString();
        char carried = outgoing() == null ? 0 : outgoing().highSurrogate;
        if (carried != 0) {
            text = carried + text;
        }
        char held = 0;
        if (!last && !text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1))) {
            held = text.charAt(text.length() - 1);
            text = text.substring(0, text.length() - 1);
        }
        sendPart(OPCODE_TEXT, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), last, hint, true);
        if (outgoing() != null) {
            outgoing().highSurrogate = held;
        }
        return true;
    }

    @Override
    public boolean sendBinaryPart(ByteBuffer part, boolean last, int hint) {
        Objects.requireNonNull(part, "part");
        if (closeSent || state == State.CLOSED) {
            return false;
        }
        checkPartType(OPCODE_BINARY);
        sendPart(OPCODE_BINARY, part, last, hint, false);
        return true;
    }

    private void checkPartType(int opcode) {
        if (outgoing() != null && outgoing().opcode != opcode) {
            throw new IllegalStateException("A " + (outgoing().opcode == OPCODE_TEXT ? "text" : "binary")
                    + " message is being sent in parts: finish it first.");
        }
    }

    /**
     * Sends one part: the first goes out with the message's opcode (and the RSV bits of the
     * extension that encodes it, RFC 7692 section 6.1: on the first frame only), the others as
     * continuation frames; FIN on the last (section 5.2).
     */
    private void sendPart(int opcode, ByteBuffer payload, boolean last, int hint, boolean owned) {
        boolean first = outgoing() == null;
        if (first) {
            Extension encoder = null;
            for (Extension e : extensions) {
                if (e.startOutgoingParts(opcode, payload.remaining(), hint)) {
                    encoder = e;
                    break;
                }
            }
            extras().outgoing = new OutgoingParts(opcode, encoder);
        }
        Extension encoder = outgoing().extension;
        lastSentBytes = payload.remaining();
        ByteBuffer wire = payload;
        if (encoder != null) {
            wire = encoder.encodePart(payload, last);
            owned = true;
        }
        lastSentWireBytes = wire.remaining();
        int b0 = first ? opcode | (encoder == null ? 0 : encoder.reservedBits()) : OPCODE_CONTINUATION;
        if (last) {
            extras.outgoing = null;
        }
        writeFragments(b0, wire, last, owned);
    }

    /**
     * {@link #sendMessage} with the application's wish about compression, one of the
     * {@code Extension.ENCODE_} constants.
     */
    public boolean sendMessage(int opcode, ByteBuffer payload, int hint) {
        if (closeSent || state == State.CLOSED) {
            return false;
        }
        sendData(opcode, payload, false, hint);
        return true;
    }

    private void sendData(int opcode, ByteBuffer payload, boolean owned) {
        sendData(opcode, payload, owned, Extension.ENCODE_DEFAULT);
    }

    private void sendData(int opcode, ByteBuffer payload, boolean owned, int hint) {
        checkNoPartsInProgress();
        lastSentBytes = payload.remaining();
        int rsv = 0;
        for (Extension e : extensions) {
            ByteBuffer encoded = e.encode(opcode, payload, hint);
            if (encoded != null) {
                payload = encoded;
                owned = true;
                rsv |= e.reservedBits();
            }
        }
        lastSentWireBytes = payload.remaining();
        sendFrames(opcode, rsv, payload, owned);
    }

    /** Sends one message as one frame, or as fragments when a fragment size is configured. */
    private void sendFrames(int opcode, int rsv, ByteBuffer payload, boolean owned) {
        writeFragments(rsv | opcode, payload, true, owned);
    }

    /**
     * Writes {@code payload} as one frame with byte 0 {@code b0} (FIN added when {@code fin}), or
     * as several when a fragment size is configured: {@code b0} on the first, continuation frames
     * after it, FIN on the last when {@code fin}.
     */
    private void writeFragments(int b0, ByteBuffer payload, boolean fin, boolean owned) {
        int finBit = fin ? B0_FLAG_FIN : 0;
        int fragment = config.outgoingFragmentSize();
        int remaining = payload.remaining();
        if (fragment == 0 || remaining <= fragment) {
            writeFrame(finBit | b0, payload, owned);
            return;
        }
        int position = payload.position();
        int end = payload.limit();
        boolean first = true;
        while (position < end) {
            int next = Math.min(end, position + fragment);
            ByteBuffer part = payload.duplicate().limit(next).position(position);
            // RFC 7692 section 6.1: RSV1 only on the first frame of a compressed message.
            writeFrame((first ? b0 : OPCODE_CONTINUATION) | (next == end ? finBit : 0), part, owned);
            first = false;
            position = next;
        }
    }

    @Override
    public boolean sendPing(ByteBuffer data) {
        checkControlPayload(data);
        if (closeSent || state == State.CLOSED) {
            return false;
        }
        writeControl(OPCODE_PING, data.duplicate());
        return true;
    }

    @Override
    public boolean sendPong(ByteBuffer data) {
        checkControlPayload(data);
        if (closeSent || state == State.CLOSED) {
            return false;
        }
        writeControl(OPCODE_PONG, data.duplicate());
        return true;
    }

    @Override
    public boolean sendClose(int code, String reason) {
        ByteBuffer payload = closePayload(code, reason == null ? "" : reason);
        if (closeSent || state == State.CLOSED) {
            return false;
        }
        closeSent = true;
        state = State.CLOSING;
        writeControl(OPCODE_CLOSE, payload);
        closeHandshakeDone();
        return true;
    }

    /**
     * Builds a close payload: the code, then the UTF-8 reason cut to fit 125 bytes. Throws
     * IllegalArgumentException for codes that may not be sent (section 7.4).
     */
    private static ByteBuffer closePayload(int code, String reason) {
        if (!CloseCodes.isValidOnWire(code)) {
            throw new IllegalArgumentException("Close code " + code + " may not be sent.");
        }
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        if (text.length > CONTROL_PAYLOAD_MAX - 2) {
            throw new IllegalArgumentException("Close reason longer than 123 UTF-8 bytes.");
        }
        ByteBuffer payload = ByteBuffer.allocate(2 + text.length);
        payload.putShort((short) code).put(text).flip();
        return payload;
    }

    /** Truncates a reason to at most 123 UTF-8 bytes on a character boundary. */
    public static String truncateReason(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= CONTROL_PAYLOAD_MAX - 2) {
            return reason;
        }
        int end = CONTROL_PAYLOAD_MAX - 2;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private static void checkControlPayload(ByteBuffer data) {
        if (data.remaining() > CONTROL_PAYLOAD_MAX) {
            throw new IllegalArgumentException("Control frame payload longer than 125 bytes.");
        }
    }

    private void writeControl(int opcode, ByteBuffer payload) {
        writeFrame(B0_FLAG_FIN | opcode, payload, true);
    }

    /**
     * Writes one frame. A server sends the payload buffer itself after its header (gathering
     * write, no copy) unless it is small enough to coalesce. A client must mask: it masks a
     * payload it owns in place, and copies one it does not own.
     */
    private void writeFrame(int b0, ByteBuffer payload, boolean owned) {
        int length = payload.remaining();
        FrameObserver observer = frameObserver();
        if (observer != null) {
            observer.onFrame(false, b0 & WireFormat.B0_MASK_OPCODE, (b0 & B0_FLAG_FIN) != 0,
                    b0 & WireFormat.B0_MASK_RSV, length);
            observer = frameObserver(); // (the call may have removed it)
            if (observer != null && observer.wantsPayload()) {
                observer.onPayload(false, payload.duplicate(), true); // before masking
            }
        }
        boolean masked = !server();
        int headerLength = WireFormat.headerLength(length, masked);
        int key = masked ? maskKey() : 0;
        if (length <= COALESCE_MAX || (masked && !owned)) {
            ByteBuffer frame = ByteBuffer.allocate(headerLength + length);
            FrameEncoder.writeHeader(frame, b0, length, masked, key);
            int start = frame.position();
            frame.put(payload.duplicate());
            if (masked) {
                Masking.mask(frame.duplicate().position(start), key, 0);
            }
            frame.flip();
            output.write(frame);
            return;
        }
        ByteBuffer header = ByteBuffer.allocate(headerLength);
        FrameEncoder.writeHeader(header, b0, length, masked, key);
        header.flip();
        ByteBuffer body = payload.duplicate();
        if (masked) {
            Masking.mask(body, key, 0);
        }
        output.write(header);
        output.write(body);
    }

    // ---------------------------------------------------------------- state

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

    /** The failure that made this engine fail the connection, or null. */
    public ProtocolException failure() {
        return extras == null ? null : extras.failure;
    }

    /** A client's next masking key (section 5.3): from its own source when it was given one. */
    private int maskKey() {
        IntSupplier own = extras == null ? null : extras.maskKeys;
        return own == null ? MaskKeys.nextKey() : own.getAsInt();
    }

    /**
     * The code the application sees: the peer's close code (1005 when its frame had none); when
     * no close frame arrived, the code we failed the connection with; else 1006.
     */
    @Override
    public int closeCode() {
        if (closeReceived) {
            return extras.receivedClose.code();
        }
        ProtocolException failure = failure();
        if (failure != null) {
            return failure.closeCode();
        }
        return CloseCodes.WS_CLOSED_ABNORMALLY;
    }

    @Override
    public String closeReason() {
        if (closeReceived) {
            return extras.receivedClose.reason();
        }
        ProtocolException failure = failure();
        if (failure != null) {
            return failure.getMessage();
        }
        return "";
    }

    /** The code and reason of the peer's close frame. */
    record ReceivedClose(int code, String reason) {
    }

    private void closeExtensions() {
        for (Extension e : extensions) {
            e.close();
        }
    }

    private static ProtocolException tooLarge() {
        return new ProtocolException(CloseCodes.WS_MESSAGE_TOO_LARGE, "Message too large.");
    }

    private static ProtocolException badUtf8() {
        return new ProtocolException(CloseCodes.WS_BAD_MESSAGE, "Invalid UTF-8 in text message.");
    }
}
