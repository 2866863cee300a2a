package dev.seed.websocket.hostile.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.protocol.FrameDecoder;
import dev.seed.websocket.protocol.FrameHandler;
import dev.seed.websocket.protocol.ProtocolConfig;
import dev.seed.websocket.protocol.ProtocolException;
import dev.seed.websocket.protocol.ProtocolListener;
import dev.seed.websocket.protocol.ProtocolOutput;
import dev.seed.websocket.protocol.Role;
import dev.seed.websocket.protocol.WebSocketProtocol;
import dev.seed.websocket.protocol.WireFormat;
import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.PerMessageDeflate;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Arbitrary bytes from a peer, fed to the RFC 6455 frame decoder on its own and to the engine
 * behind it ({@link WebSocketProtocol}, with and without permessage-deflate), split into reads of
 * every size. Whatever the bytes:
 * <ul>
 *   <li>nothing but a {@link ProtocolException} with 1002, 1007 or 1009 ever comes out, and after
 *       one the decoder swallows all input;</li>
 *   <li>no frame longer than the limit and no message longer than the limit reaches the
 *       application, and after a failure or a close frame no message does;</li>
 *   <li>what the engine writes back is a well-formed frame sequence for the peer's decoder;</li>
 *   <li>the thread allocates a bounded amount, whatever length the frames claim.</li>
 * </ul>
 *
 * <p>Input layout: byte 0 selects the read size (bits 0-2), the role (bit 3: a client decoding
 * server frames) and whether permessage-deflate was negotiated (bit 4); the rest is the wire.
 */
class FrameDecoderFuzzTest {

    private static final long MAX_FRAME = 16 * 1024;
    private static final long MAX_MESSAGE = 48 * 1024;
    private static final Set<Integer> FAILURE_CODES = Set.of(
            CloseCodes.WS_PROTOCOL_ERROR, CloseCodes.WS_BAD_MESSAGE, CloseCodes.WS_MESSAGE_TOO_LARGE);

    @FuzzTest(maxDuration = Fuzzing.BUDGET)
    void frames(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        int flags = input[0] & 0xFF;
        int chunk = Fuzzing.chunkSize(flags);
        Role role = (flags & 0x08) != 0 ? Role.CLIENT : Role.SERVER;
        boolean deflate = (flags & 0x10) != 0;
        // Slices and small events per read, one message buffer (grown by doubling), the inflate
        // buffer and decoded text: nothing that grows with a length the peer merely claims.
        Fuzzing.withAllocationBound(512L * input.length + 8 * MAX_MESSAGE + (1 << 20), "decoding", () -> {
            boolean reservedControl = decodeFrames(role, deflate, ByteBuffer.wrap(input.clone(), 1, input.length - 1), chunk);
            driveEngine(role, deflate, ByteBuffer.wrap(input.clone(), 1, input.length - 1), chunk, reservedControl);
        });
    }

    /**
     * The decoder alone, with a handler that checks what it is given. Returns whether it passed on
     * a control frame with RSV bits set.
     */
    private static boolean decodeFrames(Role role, boolean deflate, ByteBuffer wire, int chunk) throws Exception {
        FrameDecoder decoder = new FrameDecoder(role, MAX_FRAME);
        if (deflate) {
            decoder.allowReservedBits(WireFormat.B0_FLAG_RSV1);
        }
        CheckingFrameHandler handler = new CheckingFrameHandler();
        boolean[] failed = {false};
        Fuzzing.inChunks(wire, chunk, (in, last) -> {
            int eventsBefore = handler.events;
            try {
                decoder.decode(in, handler);
            } catch (ProtocolException e) {
                if (failed[0]) {
                    throw new AssertionError("a corrupt decoder threw again", e);
                }
                failed[0] = true;
                if (e.closeCode() != CloseCodes.WS_PROTOCOL_ERROR && e.closeCode() != CloseCodes.WS_MESSAGE_TOO_LARGE) {
                    throw new AssertionError("decoder failed with " + e.closeCode(), e);
                }
                return;
            }
            if (in.hasRemaining()) {
                throw new AssertionError("decode left " + in.remaining() + " bytes");
            }
            if (failed[0] && handler.events != eventsBefore) {
                throw new AssertionError("a corrupt decoder delivered an event");
            }
        });
        return handler.reservedBitsOnControlFrame;
    }

    /** Checks each frame event against the limits of section 5.2 and 5.5. */
    private static final class CheckingFrameHandler implements FrameHandler {
        int events;
        boolean reservedBitsOnControlFrame;
        long frameLength = -1;
        long frameReceived;

        @Override
        public void onDataFrameStart(int opcode, boolean fin, int rsv, long length) {
            events++;
            if (frameLength >= 0) {
                throw new AssertionError("a frame started inside another");
            }
            if (length < 0 || length > MAX_FRAME) {
                throw new AssertionError("frame of " + length + " bytes passed the limit");
            }
            if (opcode != WireFormat.OPCODE_CONTINUATION && opcode != WireFormat.OPCODE_TEXT
                    && opcode != WireFormat.OPCODE_BINARY) {
                throw new AssertionError("data frame with opcode " + opcode);
            }
            frameLength = length;
            frameReceived = 0;
        }

        @Override
        public void onDataFramePayload(ByteBuffer chunk, boolean frameEnd) {
            events++;
            frameReceived += chunk.remaining();
            if (frameReceived > frameLength) {
                throw new AssertionError("more payload than the frame announced");
            }
            if (frameEnd != (frameReceived == frameLength)) {
                throw new AssertionError("frame end at " + frameReceived + " of " + frameLength);
            }
            if (frameEnd) {
                frameLength = -1;
            }
        }

        @Override
        public void onControlFrame(int opcode, int rsv, ByteBuffer payload) {
            events++;
            if (frameLength >= 0 && frameReceived != frameLength) {
                throw new AssertionError("control frame inside a data frame's payload");
            }
            if (payload.remaining() > WireFormat.CONTROL_PAYLOAD_MAX) {
                throw new AssertionError("control frame of " + payload.remaining() + " bytes");
            }
            // The decoder reports RSV bits; refusing them on a control frame is the engine's job.
            if (rsv != 0) {
                reservedBitsOnControlFrame = true;
            }
        }
    }

    /** The engine, with the listener and output checking what comes out of it. */
    private static void driveEngine(Role role, boolean deflate, ByteBuffer wire, int chunk, boolean reservedControl)
            throws Exception {
        List<Extension> extensions = deflate ? List.of(deflateExtension(role)) : List.of();
        ProtocolConfig config = ProtocolConfig.builder().maxFrameSize(MAX_FRAME).maxMessageSize(MAX_MESSAGE).build();
        CheckingListener events = new CheckingListener();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        ProtocolOutput output = new ProtocolOutput() {
            @Override
            public void write(ByteBuffer bytes) {
                byte[] b = new byte[bytes.remaining()];
                bytes.get(b);
                written.writeBytes(b);
            }

            @Override
            public void closeTransport() {
                events.transportClosed = true;
            }
        };
        WebSocketProtocol engine = new WebSocketProtocol(role, config, extensions, events, output, () -> 0x12345678);
        Fuzzing.inChunks(wire, chunk, (in, last) -> {
            engine.receive(in);
            if (in.hasRemaining()) {
                throw new AssertionError("receive left " + in.remaining() + " bytes");
            }
        });
        engine.receiveEof();
        // RFC 7692 section 6: RSV1 on a control frame fails the connection (RFC 6455 section 5.2:
        // no other extension gives RSV bits a meaning on one).
        if (reservedControl && events.failure == null) {
            throw new AssertionError("a control frame with RSV bits did not fail the connection with 1002");
        }
        int code = engine.closeCode();
        if (events.failure != null && !engine.closeReceived() && code != events.failure.closeCode()) {
            throw new AssertionError("close code " + code + " after failing with " + events.failure.closeCode());
        }
        if (events.failure == null && !engine.closeReceived() && code != CloseCodes.WS_CLOSED_ABNORMALLY) {
            throw new AssertionError("close code " + code + " without a close frame or failure");
        }
        checkWritten(role, deflate, written.toByteArray(), events);
    }

    /** What the engine wrote must decode cleanly on the peer's side; a failure ends with its close frame. */
    private static void checkWritten(Role role, boolean deflate, byte[] bytes, CheckingListener events)
            throws Exception {
        Role peer = role == Role.SERVER ? Role.CLIENT : Role.SERVER;
        FrameDecoder decoder = new FrameDecoder(peer, Long.MAX_VALUE);
        if (deflate) {
            decoder.allowReservedBits(WireFormat.B0_FLAG_RSV1);
        }
        int[] closeFrames = {0};
        int[] lastCloseCode = {-1};
        decoder.decode(ByteBuffer.wrap(bytes), new FrameHandler() {
            @Override
            public void onDataFrameStart(int opcode, boolean fin, int rsv, long length) {
                throw new AssertionError("the engine sent a data frame nobody asked for");
            }

            @Override
            public void onDataFramePayload(ByteBuffer chunk, boolean frameEnd) {
                throw new AssertionError("the engine sent a data frame nobody asked for");
            }

            @Override
            public void onControlFrame(int opcode, int rsv, ByteBuffer payload) {
                if (closeFrames[0] > 0) {
                    throw new AssertionError("a frame after the close frame");
                }
                if (opcode == WireFormat.OPCODE_CLOSE) {
                    closeFrames[0]++;
                    lastCloseCode[0] = payload.remaining() >= 2 ? payload.getShort(payload.position()) & 0xFFFF : -1;
                } else if (opcode != WireFormat.OPCODE_PONG) {
                    throw new AssertionError("the engine sent opcode " + opcode);
                }
            }
        });
        if (events.failure != null && !events.closeFrameReceived) {
            if (closeFrames[0] != 1 || lastCloseCode[0] != events.failure.closeCode()) {
                throw new AssertionError("failure " + events.failure.closeCode() + " but close frames "
                        + closeFrames[0] + " code " + lastCloseCode[0]);
            }
        }
    }

    /** Checks the events of the engine. */
    private static final class CheckingListener implements ProtocolListener {
        ProtocolException failure;
        boolean closeFrameReceived;
        boolean transportClosed;

        private void dataAllowed(String what) {
            if (failure != null || closeFrameReceived) {
                throw new AssertionError(what + " after the connection failed or closed");
            }
        }

        @Override
        public void onText(String text) {
            dataAllowed("text");
            if (text.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE) {
                throw new AssertionError("text message over the limit");
            }
        }

        @Override
        public void onBinary(ByteBuffer data) {
            dataAllowed("binary");
            if (data.remaining() > MAX_MESSAGE) {
                throw new AssertionError("binary message over the limit");
            }
        }

        @Override
        public void onPing(ByteBuffer data) {
            dataAllowed("ping");
        }

        @Override
        public void onPong(ByteBuffer data) {
            dataAllowed("pong");
        }

        @Override
        public void onCloseFrame(int code, String reason) {
            dataAllowed("close frame");
            if (!CloseCodes.isValidOnWire(code) && code != CloseCodes.WS_NO_STATUS) {
                throw new AssertionError("close code " + code + " passed on");
            }
            closeFrameReceived = true;
        }

        @Override
        public void onProtocolError(ProtocolException error) {
            if (failure != null) {
                throw new AssertionError("failed twice", error);
            }
            if (!FAILURE_CODES.contains(error.closeCode())) {
                throw new AssertionError("failed with " + error.closeCode(), error);
            }
            failure = error;
        }
    }

    /** permessage-deflate as negotiated between two default configurations, for {@code role}. */
    private static Extension deflateExtension(Role role) throws Exception {
        PerMessageDeflate client = PerMessageDeflate.builder().compressionThreshold(0).build();
        PerMessageDeflate server = PerMessageDeflate.builder().compressionThreshold(0).build();
        Extension serverSide = server.negotiate(client.offers()).orElseThrow();
        if (role == Role.SERVER) {
            return serverSide;
        }
        serverSide.close();
        return client.accept(serverSide.parameters());
    }
}
