package dev.seed.websocket.protocol;

import static dev.seed.websocket.protocol.TestFrames.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.seed.websocket.protocol.TestFrames.Frame;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 6455 section 5 framing as received, fed literal wire bytes. */
class FrameDecoderTest {

    private static final byte[] HELLO = "Hello".getBytes(StandardCharsets.US_ASCII);

    private final RecordingFrameHandler handler = new RecordingFrameHandler();
    private final FrameDecoder client = new FrameDecoder(Role.CLIENT, Long.MAX_VALUE);
    private final FrameDecoder server = new FrameDecoder(Role.SERVER, Long.MAX_VALUE);

    @AfterEach
    void noFrameLeftUnchecked() {
        handler.assertExhausted();
    }

    // Section 5.7: examples.

    @Test
    void clientDecodesSingleFrameUnmaskedText() throws ProtocolException {
        decodeAll(client, "81 05 48 65 6c 6c 6f");
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x1, true, 0, HELLO));
    }

    @Test
    void serverDecodesSingleFrameMaskedText() throws ProtocolException {
        decodeAll(server, "81 85 37 fa 21 3d 7f 9f 4d 51 58");
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x1, true, 0, HELLO));
    }

    @Test
    void clientDecodesFragmentedUnmaskedText() throws ProtocolException {
        decodeAll(client, "01 03 48 65 6c");
        assertThat(handler.takeFrame()).isEqualTo(Frame.of(0x1, false, 0, "48 65 6c"));
        decodeAll(client, "80 02 6c 6f");
        assertThat(handler.takeFrame()).isEqualTo(Frame.of(0x0, true, 0, "6c 6f"));
    }

    @Test
    void clientDecodesUnmaskedPing() throws ProtocolException {
        decodeAll(client, "89 05 48 65 6c 6c 6f");
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x9, true, 0, HELLO));
    }

    @Test
    void serverDecodesMaskedPong() throws ProtocolException {
        decodeAll(server, "8a 85 37 fa 21 3d 7f 9f 4d 51 58");
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0xA, true, 0, HELLO));
    }

    @Test
    void clientDecodes256ByteBinaryWith16BitLength() throws ProtocolException {
        byte[] payload = TestFrames.bytes(new Random(256), 256);
        decodeAll(client, concat(hex("82 7E 01 00"), payload));
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x2, true, 0, payload));
    }

    @Test
    void clientDecodes64KiBBinaryWith64BitLength() throws ProtocolException {
        byte[] payload = TestFrames.bytes(new Random(65536), 65536);
        decodeAll(client, concat(hex("82 7F 00 00 00 00 00 01 00 00"), payload));
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x2, true, 0, payload));
    }

    // Section 5.1 and 5.3: clients mask, servers do not.

    @Test
    void serverRejectsUnmaskedFrame() {
        assertRefused(server, "81 05 48 65 6c 6c 6f", 2, 1002, "Client frames must be masked.");
    }

    @Test
    void clientRejectsMaskedFrame() {
        assertRefused(client, "81 85 37 fa 21 3d 7f 9f 4d 51 58", 2, 1002,
                "Server frames must not be masked.");
    }

    @Test
    void serverRejectsUnmaskedControlFrame() {
        assertRefused(server, "89 00", 2, 1002, "Client frames must be masked.");
    }

    @Test
    void clientRejectsMaskedControlFrame() {
        assertRefused(client, "89 80 00 00 00 00", 2, 1002, "Server frames must not be masked.");
    }

    // Section 5.2: reserved bits belong to extensions.

    @Test
    void rejectsEachReservedBitWithoutExtension() {
        for (String b0 : new String[] {"C1", "A1", "91", "F1"}) {
            FrameDecoder decoder = new FrameDecoder(Role.CLIENT, Long.MAX_VALUE);
            assertRefused(decoder, b0 + " 00", 1, 1002, "Reserved bits set without an extension.");
        }
    }

    @Test
    void rejectsReservedBitNotOwnedByExtension() {
        client.allowReservedBits(WireFormat.B0_FLAG_RSV1);
        assertRefused(client, "A1 00", 1, 1002, "Reserved bits set without an extension.");
    }

    @Test
    void acceptsReservedBitOwnedByExtension() throws ProtocolException {
        client.allowReservedBits(WireFormat.B0_FLAG_RSV1);
        decodeAll(client, "C1 01 41 C9 00");
        assertThat(handler.takeFrame()).isEqualTo(Frame.of(0x1, true, 0x40, "41"));
        assertThat(handler.takeFrame()).isEqualTo(Frame.of(0x9, true, 0x40, ""));
    }

    // Section 5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail the
    // WebSocket Connection_."

    @Test
    void rejectsReservedDataOpcodes() {
        for (int opcode = 0x3; opcode <= 0x7; opcode++) {
            FrameDecoder decoder = new FrameDecoder(Role.CLIENT, Long.MAX_VALUE);
            assertRefused(decoder, String.format("%02X 00", 0x80 | opcode), 1, 1002,
                    String.format("Unknown opcode 0x%X.", opcode));
        }
        assertRefused(client, "83 00", 1, 1002, "Unknown opcode 0x3.");
    }

    @Test
    void rejectsReservedControlOpcodes() {
        for (int opcode = 0xB; opcode <= 0xF; opcode++) {
            FrameDecoder decoder = new FrameDecoder(Role.CLIENT, Long.MAX_VALUE);
            assertRefused(decoder, String.format("%02X 00", 0x80 | opcode), 1, 1002,
                    String.format("Unknown opcode 0x%X.", opcode));
        }
        assertRefused(client, "8B 00", 1, 1002, "Unknown opcode 0xB.");
    }

    // Section 5.2: payload length.

    @Test
    void rejectsLengthWithMostSignificantBitSet() {
        // Fails on the first length byte: nothing is sized from the length.
        assertRefused(client, "82 7F 80", 3, 1002, "Frame length has its most significant bit set.");
    }

    @Test
    void rejectsLengthWithAllBitsSet() {
        assertRefused(server, "82 FF FF FF FF FF FF FF FF FF", 3, 1002,
                "Frame length has its most significant bit set.");
    }

    @Test
    void acceptsLargestLengthWithoutReadingPayload() throws ProtocolException {
        decodeAll(client, "82 7F 7F FF FF FF FF FF FF FF");
        assertThat(handler.inDataFrame()).isTrue();
        assertThat(handler.lastLength()).isEqualTo(Long.MAX_VALUE);
        assertThat(handler.chunkSizes()).isEmpty();
        decodeAll(client, "00 01 02");
        assertThat(handler.chunkSizes()).containsExactly(3);
        assertThat(handler.inDataFrame()).isTrue();
        handler.abandonDataFrame();
    }

    @Test
    void acceptsNonMinimalLengths() throws ProtocolException {
        // Deliberately lenient: 5.2 says "the minimal number of bytes MUST be used".
        byte[] hundred = TestFrames.bytes(new Random(100), 100);
        decodeAll(client, concat(hex("82 7E 00 64"), hundred));
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x2, true, 0, hundred));
        decodeAll(client, concat(hex("81 7F 00 00 00 00 00 00 00 05"), HELLO));
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x1, true, 0, HELLO));
        decodeAll(client, concat(hex("82 7F 00 00 00 00 00 00 FF FF"), new byte[0xFFFF]));
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x2, true, 0, new byte[0xFFFF]));
    }

    // Section 10.4: "Such an implementation should impose a limit on frame sizes".

    @Test
    void rejectsFrameOverMaxPayloadBeforeReadingIt() {
        FrameDecoder decoder = new FrameDecoder(Role.CLIENT, 1000);
        assertRefused(decoder, "82 7E 03 E9", 4, 1009, "Frame too large.");
    }

    @Test
    void rejectsShortFrameOverMaxPayload() {
        FrameDecoder decoder = new FrameDecoder(Role.CLIENT, 10);
        assertRefused(decoder, "81 0B", 2, 1009, "Frame too large.");
    }

    @Test
    void rejectsLongFrameOverMaxPayload() {
        FrameDecoder decoder = new FrameDecoder(Role.CLIENT, 65536);
        assertRefused(decoder, "82 7F 00 00 00 00 00 01 00 01", 10, 1009, "Frame too large.");
    }

    @Test
    void serverRejectsFrameOverMaxPayloadBeforeMaskingKey() {
        FrameDecoder decoder = new FrameDecoder(Role.SERVER, 10);
        assertRefused(decoder, "82 8B", 2, 1009, "Frame too large.");
    }

    @Test
    void rejectsControlFrameOverMaxPayload() {
        FrameDecoder decoder = new FrameDecoder(Role.CLIENT, 4);
        assertRefused(decoder, "89 05 48 65 6c 6c 6f", 2, 1009, "Frame too large.");
    }

    @Test
    void acceptsFrameOfExactlyMaxPayload() throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder(Role.CLIENT, 5);
        decodeAll(decoder, "81 05 48 65 6c 6c 6f 89 05 48 65 6c 6c 6f");
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x1, true, 0, HELLO));
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x9, true, 0, HELLO));
    }

    // Section 5.4: fragmentation.

    @Test
    void rejectsContinuationWithoutMessage() {
        assertRefused(client, "80 00", 1, 1002, "Continuation frame without a message to continue.");
    }

    @Test
    void rejectsContinuationAfterFinalFrame() {
        assertThat(assertRefused(client, "01 01 41 80 01 42 80 00", 7, 1002,
                "Continuation frame without a message to continue."))
                .containsExactly(Frame.of(0x1, false, 0, "41"), Frame.of(0x0, true, 0, "42"));
    }

    @Test
    void rejectsTextFrameInsideFragmentedMessage() {
        assertThat(assertRefused(client, "02 00 81 00", 3, 1002, "Data frame inside a fragmented message."))
                .containsExactly(Frame.of(0x2, false, 0, ""));
    }

    @Test
    void rejectsBinaryFrameInsideFragmentedMessage() {
        assertThat(assertRefused(client, "01 00 00 00 82 00", 5, 1002,
                "Data frame inside a fragmented message."))
                .containsExactly(Frame.of(0x1, false, 0, ""), Frame.of(0x0, false, 0, ""));
    }

    @Test
    void acceptsControlFramesInsideFragmentedMessage() throws ProtocolException {
        // 5.4: "Control frames (see Section 5.5) MAY be injected in the middle of a fragmented
        // message."
        decodeAll(client, "01 03 48 65 6c 89 00 8a 01 41 88 02 03 e8 80 02 6c 6f");
        assertThat(handler.takeFrame()).isEqualTo(Frame.of(0x1, false, 0, "48 65 6c"));
        assertThat(handler.takeFrame()).isEqualTo(Frame.of(0x9, true, 0, ""));
        assertThat(handler.takeFrame()).isEqualTo(Frame.of(0xA, true, 0, "41"));
        assertThat(handler.takeFrame()).isEqualTo(Frame.of(0x8, true, 0, "03 e8"));
        assertThat(handler.takeFrame()).isEqualTo(Frame.of(0x0, true, 0, "6c 6f"));
    }

    @Test
    void acceptsNewMessageAfterFragmentedOne() throws ProtocolException {
        decodeAll(client, "01 01 41 00 01 42 80 01 43 82 01 44");
        assertThat(handler.takeAll()).extracting(Frame::opcode).containsExactly(0x1, 0x0, 0x0, 0x2);
    }

    // Section 5.5: control frames.

    @Test
    void rejectsFragmentedControlFrames() {
        for (String b0 : new String[] {"08", "09", "0A"}) {
            FrameDecoder decoder = new FrameDecoder(Role.CLIENT, Long.MAX_VALUE);
            assertRefused(decoder, b0 + " 00", 1, 1002, "Control frames must be final.");
        }
    }

    @Test
    void rejectsControlFramePayloadOver125() {
        assertRefused(client, "89 7E 00 7E", 2, 1002, "Control frame payload too long.");
    }

    @Test
    void rejectsControlFrameWith64BitLength() {
        assertRefused(server, "88 FF 00 00 00 00 00 01 00 00", 2, 1002, "Control frame payload too long.");
    }

    @Test
    void rejectsControlFrameWithExtendedLengthEvenWhenShort() {
        // The extended forms only exist for lengths a control frame cannot have.
        assertRefused(client, "8A 7E 00 05", 2, 1002, "Control frame payload too long.");
    }

    @Test
    void acceptsControlFrameOf125Bytes() throws ProtocolException {
        byte[] payload = TestFrames.bytes(new Random(125), 125);
        decodeAll(client, concat(hex("89 7D"), payload));
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x9, true, 0, payload));
    }

    @Test
    void controlFrameSplitAcrossCallsArrivesWhole() throws ProtocolException {
        byte[] payload = TestFrames.bytes(new Random(9), 125);
        byte[] wire = TestFrames.encode(new Frame(0x9, true, 0, payload), true, 0x0badf00d);
        List<ByteBuffer> seen = new ArrayList<>();
        FrameHandler spy = new ForwardingHandler(handler) {
            @Override
            public void onControlFrame(int opcode, int rsv, ByteBuffer buffer) throws ProtocolException {
                seen.add(buffer);
                super.onControlFrame(opcode, rsv, buffer);
            }
        };
        server.decode(ByteBuffer.wrap(wire, 0, 7), spy);
        server.decode(ByteBuffer.wrap(wire, 7, 60), spy);
        assertThat(seen).isEmpty();
        server.decode(ByteBuffer.wrap(wire, 67, wire.length - 67), spy);
        assertThat(seen).hasSize(1);
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x9, true, 0, payload));

        // The next split control frame gathers into a buffer of its own (the last one was dropped once delivered).
        byte[] again = TestFrames.encode(Frame.of(0xA, true, 0, "01 02 03"), true, 0x12345678);
        server.decode(ByteBuffer.wrap(again, 0, 7), spy);
        server.decode(ByteBuffer.wrap(again, 7, 2), spy);
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1).position()).isZero();
        assertThat(seen.get(1).order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(handler.takeFrame()).isEqualTo(Frame.of(0xA, true, 0, "01 02 03"));
    }

    @Test
    void controlFrameWholeInInputIsAViewUnmaskedInPlace() throws ProtocolException {
        byte[] wire = hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58");
        ByteBuffer in = ByteBuffer.wrap(wire);
        List<ByteBuffer> seen = new ArrayList<>();
        server.decode(in, new ForwardingHandler(handler) {
            @Override
            public void onControlFrame(int opcode, int rsv, ByteBuffer payload) throws ProtocolException {
                seen.add(payload);
                assertThat(payload.getInt(0)).isEqualTo(0x48656c6c); // absolute index 0 is payload start
                super.onControlFrame(opcode, rsv, payload);
            }
        });
        assertThat(seen.get(0).array()).isSameAs(wire);
        assertThat(wire).endsWith(HELLO);
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0xA, true, 0, HELLO));
    }

    // The streaming contract of FrameHandler.

    @Test
    void dataChunksAreViewsOfInputUnmaskedInPlace() throws ProtocolException {
        byte[] wire = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
        List<ByteBuffer> chunks = new ArrayList<>();
        server.decode(ByteBuffer.wrap(wire), new ForwardingHandler(handler) {
            @Override
            public void onDataFramePayload(ByteBuffer chunk, boolean frameEnd) throws ProtocolException {
                chunks.add(chunk);
                super.onDataFramePayload(chunk, frameEnd);
            }
        });
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).array()).isSameAs(wire);
        assertThat(chunks.get(0).arrayOffset()).isEqualTo(6);
        assertThat(wire).endsWith(HELLO);
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x1, true, 0, HELLO));
    }

    @Test
    void directInputGivesDirectChunks() throws ProtocolException {
        byte[] wire = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
        ByteBuffer in = ByteBuffer.allocateDirect(wire.length).put(wire).flip();
        List<Boolean> direct = new ArrayList<>();
        server.decode(in, new ForwardingHandler(handler) {
            @Override
            public void onDataFramePayload(ByteBuffer chunk, boolean frameEnd) throws ProtocolException {
                direct.add(chunk.isDirect());
                super.onDataFramePayload(chunk, frameEnd);
            }
        });
        assertThat(direct).containsExactly(true);
        assertThat(in.position()).isEqualTo(wire.length);
        byte[] after = new byte[5];
        in.get(6, after);
        assertThat(after).isEqualTo(HELLO);
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x1, true, 0, HELLO));
    }

    @Test
    void payloadIsStreamedAsItArrives() throws ProtocolException {
        byte[] payload = TestFrames.bytes(new Random(3), 256);
        byte[] wire = TestFrames.encode(new Frame(0x2, true, 0, payload), true, 0x01020304);
        server.decode(ByteBuffer.wrap(wire, 0, 8), handler);
        assertThat(handler.inDataFrame()).isTrue();
        assertThat(handler.chunkSizes()).isEmpty();
        server.decode(ByteBuffer.wrap(wire, 8, 101), handler);
        server.decode(ByteBuffer.wrap(wire, 109, 100), handler);
        server.decode(ByteBuffer.wrap(wire, 209, 55), handler);
        assertThat(handler.chunkSizes()).containsExactly(101, 100, 55);
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x2, true, 0, payload));
    }

    @Test
    void emptyDataFrameGivesOneEmptyChunk() throws ProtocolException {
        decodeAll(client, "81");
        assertThat(handler.chunkSizes()).isEmpty();
        decodeAll(client, "00");
        assertThat(handler.chunkSizes()).containsExactly(0);
        assertThat(handler.takeFrame()).isEqualTo(Frame.of(0x1, true, 0, ""));
        decodeAll(server, "82 80 01 02 03 04");
        assertThat(handler.chunkSizes()).containsExactly(0, 0);
        assertThat(handler.takeFrame()).isEqualTo(Frame.of(0x2, true, 0, ""));
    }

    @Test
    void readsOnlyFromPositionToLimit() throws ProtocolException {
        ByteBuffer in = ByteBuffer.wrap(hex("FF FF 81 05 48 65 6c 6c 6f FF FF"));
        in.position(2).limit(9);
        client.decode(in, handler);
        assertThat(in.position()).isEqualTo(9);
        assertThat(in.limit()).isEqualTo(9);
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x1, true, 0, HELLO));
    }

    @Test
    void handlerExceptionPropagatesAndCorruptsDecoder() throws ProtocolException {
        ByteBuffer in = ByteBuffer.wrap(hex("81 01 41 89 01 42 81 01 43"));
        FrameHandler throwing = new ForwardingHandler(handler) {
            @Override
            public void onControlFrame(int opcode, int rsv, ByteBuffer payload) {
                throw new IllegalStateException("boom");
            }
        };
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                () -> client.decode(in, throwing));
        assertThat(e).hasMessage("boom");
        assertThat(in.position()).as("just past the ping").isEqualTo(6);
        assertThat(handler.takeFrame()).isEqualTo(Frame.of(0x1, true, 0, "41"));

        client.decode(in, handler);
        assertThat(in.hasRemaining()).isFalse();
        decodeAll(client, "81 01 44");
    }

    @Test
    void handlerProtocolExceptionPropagatesWithInputPastTheChunk() throws ProtocolException {
        ProtocolException invalid = new ProtocolException(1007, "Invalid UTF-8.");
        ByteBuffer in = ByteBuffer.wrap(hex("81 02 C0 80 81 01 41"));
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> client.decode(in, new ForwardingHandler(handler) {
                    @Override
                    public void onDataFramePayload(ByteBuffer chunk, boolean frameEnd)
                            throws ProtocolException {
                        throw invalid;
                    }
                }));
        assertThat(e).isSameAs(invalid);
        assertThat(in.position()).isEqualTo(4);
        decodeAll(client, "81 01 41");
        handler.abandonDataFrame();
    }

    @Test
    void handlerExceptionOnFrameStartLeavesInputPastTheHeader() {
        ByteBuffer in = ByteBuffer.wrap(hex("82 81 01 02 03 04 05"));
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                () -> server.decode(in, new ForwardingHandler(handler) {
                    @Override
                    public void onDataFrameStart(int opcode, boolean fin, int rsv, long length) {
                        throw new IllegalStateException("no");
                    }
                }));
        assertThat(e).hasMessage("no");
        assertThat(in.position()).isEqualTo(6);
        handler.assertExhausted();
    }

    // Any split of the input gives the same frames.

    @Test
    void wholeStreamInOneBuffer() throws ProtocolException {
        for (Role role : Role.values()) {
            Stream stream = stream(role, 11);
            for (boolean direct : new boolean[] {false, true}) {
                int[] cuts = {0, stream.wire.length};
                assertThat(decodeInPieces(role, stream.wire, cuts, direct)).isEqualTo(stream.frames);
            }
        }
    }

    @Test
    void wholeStreamOneByteAtATime() throws ProtocolException {
        for (Role role : Role.values()) {
            Stream stream = stream(role, 12);
            int[] cuts = new int[stream.wire.length + 1];
            for (int i = 0; i < cuts.length; i++) {
                cuts[i] = i;
            }
            for (boolean direct : new boolean[] {false, true}) {
                assertThat(decodeInPieces(role, stream.wire, cuts, direct)).isEqualTo(stream.frames);
            }
        }
    }

    @Test
    void wholeStreamAtRandomSplits() throws ProtocolException {
        for (long seed = 1; seed <= 5; seed++) {
            Random random = new Random(seed);
            for (Role role : Role.values()) {
                Stream stream = stream(role, seed);
                for (boolean direct : new boolean[] {false, true}) {
                    int[] cuts = randomCuts(random, stream.wire.length);
                    assertThat(decodeInPieces(role, stream.wire, cuts, direct))
                            .as("seed %d, %s, direct=%s", seed, role, direct)
                            .isEqualTo(stream.frames);
                }
            }
        }
    }

    @Test
    void smallFramesAtEveryTwoPieceSplit() throws ProtocolException {
        Random random = new Random(13);
        List<Frame> frames = List.of(
                new Frame(0x1, false, 0, TestFrames.bytes(random, 3)),
                new Frame(0x9, true, 0, TestFrames.bytes(random, 7)),
                new Frame(0x0, true, 0, TestFrames.bytes(random, 130)),
                new Frame(0x2, true, 0, new byte[0]),
                new Frame(0xA, true, 0, new byte[0]),
                new Frame(0x8, true, 0, TestFrames.bytes(random, 2)));
        for (Role role : Role.values()) {
            byte[] wire = TestFrames.encode(frames, role == Role.SERVER, random::nextInt);
            for (int cut = 0; cut <= wire.length; cut++) {
                int[] cuts = {0, cut, wire.length};
                assertThat(decodeInPieces(role, wire, cuts, cut % 2 == 0))
                        .as("%s cut at %d", role, cut)
                        .isEqualTo(frames);
            }
        }
    }

    // After a refusal, nothing.

    @Test
    void corruptDecoderDiscardsFurtherInput() throws ProtocolException {
        assertRefused(client, "83 00", 1, 1002, "Unknown opcode 0x3.");
        for (String more : new String[] {"81 05 48 65 6c 6c 6f", "", "89 00", "00 00 00 00"}) {
            ByteBuffer in = ByteBuffer.wrap(hex(more));
            client.decode(in, handler);
            assertThat(in.hasRemaining()).isFalse();
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(3).put(hex("81 01 41")).flip();
        client.decode(direct, handler);
        assertThat(direct.hasRemaining()).isFalse();
    }

    @Test
    void rejectsBadConfiguration() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> new FrameDecoder(Role.CLIENT, -1))).hasMessage("maxFramePayload < 0: -1");
        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> client.allowReservedBits(0x80))).hasMessage("Not RSV bits: 0x80");
    }

    // Helpers.

    /** Frames of every shape, and their wire form as a peer of {@code decoderRole} sends it. */
    private record Stream(List<Frame> frames, byte[] wire) {
    }

    private static Stream stream(Role decoderRole, long seed) {
        Random random = new Random(seed);
        List<Frame> frames = TestFrames.allShapes(random);
        return new Stream(frames, TestFrames.encode(frames, decoderRole == Role.SERVER, random::nextInt));
    }

    /** Piece boundaries from 0 to length: many tiny pieces, some medium, a few large. */
    private static int[] randomCuts(Random random, int length) {
        List<Integer> cuts = new ArrayList<>();
        cuts.add(0);
        int at = 0;
        while (at < length) {
            int kind = random.nextInt(10);
            int size = kind < 5 ? 1 + random.nextInt(16) : kind < 8 ? 1 + random.nextInt(1000)
                    : 1 + random.nextInt(100_000);
            at = Math.min(length, at + size);
            cuts.add(at);
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Decodes {@code wire} (copied: it is unmasked in place) in the pieces between {@code cuts},
     * alternately as a window on one buffer (position not 0, bytes past the limit) and as a
     * slice of its own with little-endian order; each piece must be consumed whole.
     */
    private static List<Frame> decodeInPieces(Role role, byte[] wire, int[] cuts, boolean direct)
            throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder(role, Long.MAX_VALUE);
        decoder.allowReservedBits(WireFormat.B0_MASK_RSV);
        RecordingFrameHandler recorder = new RecordingFrameHandler();
        ByteBuffer all = direct ? ByteBuffer.allocateDirect(wire.length) : ByteBuffer.allocate(wire.length);
        all.put(wire).clear();
        ByteBuffer window = all.duplicate();
        for (int i = 0; i + 1 < cuts.length; i++) {
            ByteBuffer piece = i % 2 == 0
                    ? window.clear().position(cuts[i]).limit(cuts[i + 1])
                    : all.slice(cuts[i], cuts[i + 1] - cuts[i]).order(ByteOrder.LITTLE_ENDIAN);
            decoder.decode(piece, recorder);
            assertThat(piece.hasRemaining()).as("piece %d consumed", i).isFalse();
        }
        assertThat(recorder.inDataFrame()).isFalse();
        return recorder.takeAll();
    }

    private void decodeAll(FrameDecoder decoder, String hexBytes) throws ProtocolException {
        decodeAll(decoder, hex(hexBytes));
    }

    private void decodeAll(FrameDecoder decoder, byte[] bytes) throws ProtocolException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        decoder.decode(in, handler);
        assertThat(in.hasRemaining()).isFalse();
    }

    /**
     * Feeds {@code hexBytes} and expects the refusal with {@code closeCode} and {@code message},
     * thrown after exactly {@code consumed} bytes; then more input is discarded quietly.
     * Returns the frames decoded before the refusal.
     */
    private List<Frame> assertRefused(FrameDecoder decoder, String hexBytes, int consumed, int closeCode,
            String message) {
        ByteBuffer in = ByteBuffer.wrap(hex(hexBytes + " 81 01 41"));
        in.limit(in.limit() - 3);
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> decoder.decode(in, handler));
        assertThat(e).as("refused").isNotNull().hasMessage(message);
        assertThat(e.closeCode()).isEqualTo(closeCode);
        assertThat(in.position()).as("bytes consumed").isEqualTo(consumed);

        // Corrupt from now on: the rest of this input and any more is discarded.
        List<Frame> before = handler.takeAll();
        in.limit(in.capacity());
        try {
            decoder.decode(in, handler);
            decoder.decode(ByteBuffer.wrap(hex("81 01 41")), handler);
        } catch (ProtocolException unexpected) {
            throw new AssertionError("corrupt decoder threw", unexpected);
        }
        assertThat(in.hasRemaining()).isFalse();
        assertThat(handler.takeAll()).as("frames after refusal").isEmpty();
        return before;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    /** Passes every event on; tests override one method to look at or break it. */
    private static class ForwardingHandler implements FrameHandler {

        /** Where events go; fixed. */
        private final FrameHandler delegate;

        ForwardingHandler(FrameHandler delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onDataFrameStart(int opcode, boolean fin, int rsv, long length)
                throws ProtocolException {
            delegate.onDataFrameStart(opcode, fin, rsv, length);
        }

        @Override
        public void onDataFramePayload(ByteBuffer chunk, boolean frameEnd) throws ProtocolException {
            delegate.onDataFramePayload(chunk, frameEnd);
        }

        @Override
        public void onControlFrame(int opcode, int rsv, ByteBuffer payload) throws ProtocolException {
            delegate.onControlFrame(opcode, rsv, payload);
        }
    }
}
