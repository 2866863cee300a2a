package dev.seed.websocket.protocol;

import static dev.seed.websocket.protocol.TestFrames.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.protocol.TestFrames.Frame;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 6455 section 5.2 frame headers as written, and their round trip through the decoder. */
class FrameEncoderTest {

    private static final int RFC_KEY = 0x37fa213d;
    private static final byte[] HELLO = "Hello".getBytes(StandardCharsets.US_ASCII);

    // Section 5.7 examples, byte for byte.

    @Test
    void encodesSingleFrameUnmaskedText() {
        assertThat(encode(0x81, HELLO, false, 0)).containsExactly(hex("81 05 48 65 6c 6c 6f"));
    }

    @Test
    void encodesSingleFrameMaskedText() {
        assertThat(encode(0x81, HELLO, true, RFC_KEY))
                .containsExactly(hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
    }

    @Test
    void encodesFragmentedUnmaskedText() {
        assertThat(encode(0x01, "Hel".getBytes(StandardCharsets.US_ASCII), false, 0))
                .containsExactly(hex("01 03 48 65 6c"));
        assertThat(encode(0x80, "lo".getBytes(StandardCharsets.US_ASCII), false, 0))
                .containsExactly(hex("80 02 6c 6f"));
    }

    @Test
    void encodesUnmaskedPing() {
        assertThat(encode(0x89, HELLO, false, 0)).containsExactly(hex("89 05 48 65 6c 6c 6f"));
    }

    @Test
    void encodesMaskedPong() {
        assertThat(encode(0x8a, HELLO, true, RFC_KEY))
                .containsExactly(hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"));
    }

    @Test
    void encodes256ByteBinaryWith16BitLength() {
        byte[] payload = TestFrames.bytes(new Random(256), 256);
        byte[] wire = encode(0x82, payload, false, 0);
        assertThat(wire).startsWith(hex("82 7E 01 00")).hasSize(4 + 256).endsWith(payload);
    }

    @Test
    void encodes64KiBBinaryWith64BitLength() {
        byte[] payload = TestFrames.bytes(new Random(65536), 65536);
        byte[] wire = encode(0x82, payload, false, 0);
        assertThat(wire).startsWith(hex("82 7F 00 00 00 00 00 01 00 00")).hasSize(10 + 65536)
                .endsWith(payload);
    }

    // Section 5.2: the length in the shortest of its three forms.

    @Test
    void writesShortestLengthForm() {
        assertThat(header(0x82, 0, false, 0)).containsExactly(hex("82 00"));
        assertThat(header(0x82, 125, false, 0)).containsExactly(hex("82 7D"));
        assertThat(header(0x82, 126, false, 0)).containsExactly(hex("82 7E 00 7E"));
        assertThat(header(0x82, 65535, false, 0)).containsExactly(hex("82 7E FF FF"));
        assertThat(header(0x82, 65536, false, 0)).containsExactly(hex("82 7F 00 00 00 00 00 01 00 00"));
        assertThat(header(0x82, Long.MAX_VALUE, false, 0))
                .containsExactly(hex("82 7F 7F FF FF FF FF FF FF FF"));
    }

    @Test
    void writesMaskBitAndBigEndianKeyAfterLength() {
        assertThat(header(0x81, 0, true, 0x01020304)).containsExactly(hex("81 80 01 02 03 04"));
        assertThat(header(0x81, 126, true, 0xA1B2C3D4)).containsExactly(hex("81 FE 00 7E A1 B2 C3 D4"));
        assertThat(header(0x81, 65536, true, -1))
                .containsExactly(hex("81 FF 00 00 00 00 00 01 00 00 FF FF FF FF"));
    }

    @Test
    void returnsHeaderLengthAndAdvancesPosition() {
        for (long length : new long[] {0, 1, 125, 126, 127, 65535, 65536, 70000, Long.MAX_VALUE}) {
            for (boolean masked : new boolean[] {false, true}) {
                ByteBuffer dst = ByteBuffer.allocate(20).position(3);
                int written = FrameEncoder.writeHeader(dst, 0x82, length, masked, 0x11223344);
                assertThat(written).isEqualTo(WireFormat.headerLength(length, masked));
                assertThat(dst.position()).isEqualTo(3 + written);
            }
        }
    }

    @Test
    void writesNetworkByteOrderWhateverTheBufferOrder() {
        for (ByteBuffer dst : new ByteBuffer[] {ByteBuffer.allocate(14), ByteBuffer.allocateDirect(14)}) {
            dst.order(ByteOrder.LITTLE_ENDIAN);
            FrameEncoder.writeHeader(dst, 0x82, 65536, true, 0x01020304);
            byte[] written = new byte[dst.flip().remaining()];
            dst.get(written);
            assertThat(written).containsExactly(hex("82 FF 00 00 00 00 00 01 00 00 01 02 03 04"));
        }
    }

    @Test
    void writesNothingWhenTheHeaderDoesNotFit() {
        ByteBuffer dst = ByteBuffer.allocate(9);
        assertThatThrownBy(() -> FrameEncoder.writeHeader(dst, 0x82, 65536, false, 0))
                .isInstanceOf(BufferOverflowException.class);
        assertThat(dst.position()).isZero();
        assertThat(dst.array()).containsOnly(0);
    }

    @Test
    void rejectsNegativeLength() {
        assertThatThrownBy(() -> FrameEncoder.writeHeader(ByteBuffer.allocate(14), 0x82, -1, false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("length < 0: -1");
    }

    // Round trip: what the encoder writes, the decoder reads back.

    @Test
    void clientFramesRoundTripThroughServerDecoder() throws ProtocolException {
        roundTrip(Role.SERVER, true);
    }

    @Test
    void serverFramesRoundTripThroughClientDecoder() throws ProtocolException {
        roundTrip(Role.CLIENT, false);
    }

    @Test
    void decodedSection5_7ExamplesMatchWhatWasEncoded() throws ProtocolException {
        RecordingFrameHandler handler = new RecordingFrameHandler();
        FrameDecoder decoder = new FrameDecoder(Role.SERVER, Long.MAX_VALUE);
        decoder.decode(ByteBuffer.wrap(encode(0x81, HELLO, true, RFC_KEY)), handler);
        decoder.decode(ByteBuffer.wrap(encode(0x8a, HELLO, true, RFC_KEY)), handler);
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0x1, true, 0, HELLO));
        assertThat(handler.takeFrame()).isEqualTo(new Frame(0xA, true, 0, HELLO));
        handler.assertExhausted();
    }

    private static void roundTrip(Role decoderRole, boolean masked) throws ProtocolException {
        Random random = new Random(5);
        List<Frame> frames = TestFrames.allShapes(random);
        FrameDecoder decoder = new FrameDecoder(decoderRole, Long.MAX_VALUE);
        decoder.allowReservedBits(WireFormat.B0_MASK_RSV);
        RecordingFrameHandler handler = new RecordingFrameHandler();
        for (Frame frame : frames) {
            ByteBuffer in = ByteBuffer.wrap(TestFrames.encode(frame, masked, random.nextInt()));
            decoder.decode(in, handler);
            assertThat(in.hasRemaining()).isFalse();
            assertThat(handler.takeFrame()).isEqualTo(frame);
            handler.assertExhausted();
        }
    }

    /** Header by the encoder, payload copied and masked in place: a whole frame. */
    private static byte[] encode(int b0, byte[] payload, boolean masked, int maskKey) {
        ByteBuffer out = ByteBuffer.allocate(WireFormat.MAX_HEADER_LENGTH + payload.length);
        FrameEncoder.writeHeader(out, b0, payload.length, masked, maskKey);
        ByteBuffer body = out.slice();
        body.put(payload).flip();
        if (masked) {
            Masking.mask(body, maskKey, 0);
        }
        out.position(out.position() + payload.length).flip();
        byte[] wire = new byte[out.remaining()];
        out.get(wire);
        return wire;
    }

    private static byte[] header(int b0, long length, boolean masked, int maskKey) {
        ByteBuffer dst = ByteBuffer.allocate(WireFormat.MAX_HEADER_LENGTH);
        FrameEncoder.writeHeader(dst, b0, length, masked, maskKey);
        byte[] written = new byte[dst.flip().remaining()];
        dst.get(written);
        return written;
    }
}
