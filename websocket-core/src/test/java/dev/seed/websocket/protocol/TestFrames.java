package dev.seed.websocket.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;

/** Literal wire bytes and frames for the codec tests. */
final class TestFrames {

    private TestFrames() {
    }

    /** A whole frame: what the decoder reports and what the encoder is given. */
    record Frame(int opcode, boolean fin, int rsv, byte[] payload) {

        static Frame of(int opcode, boolean fin, int rsv, String payloadHex) {
            return new Frame(opcode, fin, rsv, hex(payloadHex));
        }

        int b0() {
            return (fin ? WireFormat.B0_FLAG_FIN : 0) | rsv | opcode;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Frame f && f.opcode == opcode && f.fin == fin && f.rsv == rsv
                    && Arrays.equals(f.payload, payload);
        }

        @Override
        public int hashCode() {
            return ((opcode * 31 + Boolean.hashCode(fin)) * 31 + rsv) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            String head = HexFormat.of().formatHex(payload, 0, Math.min(payload.length, 8));
            return String.format("Frame[opcode=0x%X, fin=%s, rsv=0x%X, %d bytes %s%s]", opcode, fin,
                    rsv, payload.length, head, payload.length > 8 ? "..." : "");
        }
    }

    /**
     * A valid stream of frames of every shape: every opcode, RSV bits, payload lengths around
     * each length form's limits, and fragmented messages with control frames between fragments.
     * Payload bytes are random from {@code random}.
     */
    static List<Frame> allShapes(Random random) {
        List<Frame> frames = new ArrayList<>();
        int[] rsvs = {0, WireFormat.B0_FLAG_RSV1, WireFormat.B0_FLAG_RSV2, WireFormat.B0_FLAG_RSV3,
            WireFormat.B0_MASK_RSV};
        int i = 0;
        for (int length : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70000}) {
            frames.add(new Frame(WireFormat.OPCODE_TEXT, true, rsvs[i++ % rsvs.length],
                    bytes(random, length)));
            frames.add(new Frame(WireFormat.OPCODE_BINARY, true, rsvs[i++ % rsvs.length],
                    bytes(random, length)));
        }
        // RFC 6455 5.4: control frames MAY be injected in the middle of a fragmented message.
        for (int length : new int[] {0, 1, 126, 70000}) {
            int opcode = length % 2 == 0 ? WireFormat.OPCODE_TEXT : WireFormat.OPCODE_BINARY;
            frames.add(new Frame(opcode, false, WireFormat.B0_FLAG_RSV1, bytes(random, length)));
            frames.add(new Frame(WireFormat.OPCODE_PING, true, 0, bytes(random, 125)));
            frames.add(new Frame(WireFormat.OPCODE_CONTINUATION, false, 0, bytes(random, length)));
            frames.add(new Frame(WireFormat.OPCODE_PONG, true, 0, bytes(random, 0)));
            frames.add(new Frame(WireFormat.OPCODE_CONTINUATION, false, 0, bytes(random, 1)));
            frames.add(new Frame(WireFormat.OPCODE_PING, true, 0, bytes(random, 1)));
            frames.add(new Frame(WireFormat.OPCODE_CONTINUATION, true, 0, bytes(random, length)));
        }
        int[] controls = {WireFormat.OPCODE_PING, WireFormat.OPCODE_PONG, WireFormat.OPCODE_CLOSE};
        for (int opcode : controls) {
            for (int length : new int[] {0, 1, 125}) {
                frames.add(new Frame(opcode, true, rsvs[i++ % rsvs.length], bytes(random, length)));
            }
        }
        frames.add(Frame.of(WireFormat.OPCODE_CLOSE, true, 0, "03 e8"));
        return frames;
    }

    static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Bytes from hex digits, spaces ignored: {@code hex("81 05")}. */
    static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits.replace(" ", ""));
    }

    /** The wire form of {@code frame}, masked with {@code maskKey} when {@code masked}. */
    static byte[] encode(Frame frame, boolean masked, int maskKey) {
        ByteBuffer out = ByteBuffer.allocate(
                WireFormat.headerLength(frame.payload().length, masked) + frame.payload().length);
        FrameEncoder.writeHeader(out, frame.b0(), frame.payload().length, masked, maskKey);
        int payloadStart = out.position();
        out.put(frame.payload());
        if (masked) {
            Masking.mask(out.duplicate().position(payloadStart).limit(out.position()), maskKey, 0);
        }
        return out.array();
    }

    /** The frames one after the other; masked with keys from {@code keys} when {@code masked}. */
    static byte[] encode(List<Frame> frames, boolean masked, IntSupplier keys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame frame : frames) {
            out.writeBytes(encode(frame, masked, masked ? keys.getAsInt() : 0));
        }
        return out.toByteArray();
    }
}
