package dev.seed.websocket.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
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
