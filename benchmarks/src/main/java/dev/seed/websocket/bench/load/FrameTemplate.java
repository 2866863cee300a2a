package dev.seed.websocket.bench.load;

import dev.seed.websocket.protocol.FrameEncoder;
import dev.seed.websocket.protocol.Masking;
import dev.seed.websocket.protocol.WireFormat;
import dev.seed.websocket.protocol.deflate.ChatCorpus;
import dev.seed.websocket.protocol.deflate.DeflateEncoder;
import dev.seed.websocket.protocol.deflate.DeflateOutput;
import dev.seed.websocket.protocol.extension.PerMessageDeflate;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A client frame (masked, RFC 6455 section 5.3) built once and sent many times: {@code copies}
 * copies back to back in one read-only direct buffer, so that sending k messages is one write of
 * a prefix. Every copy has the same masking key; a load generator may reuse keys, a server
 * cannot tell.
 */
final class FrameTemplate {

    private static final int MASK_KEY = 0x5A3C_96E1;

    /** The frames, back to back; shared read-only by every connection. */
    final ByteBuffer frames;
    /** Bytes of one frame. */
    final int frameLength;
    /** Frames in {@link #frames}. */
    final int copies;
    /** Payload bytes of one message before compression. */
    final int payloadLength;

    private FrameTemplate(int b0, byte[] payload, int payloadLength, int copies) {
        int header = WireFormat.headerLength(payload.length, true);
        this.frameLength = header + payload.length;
        this.copies = copies;
        this.payloadLength = payloadLength;
        ByteBuffer b = ByteBuffer.allocateDirect(frameLength * copies);
        for (int i = 0; i < copies; i++) {
            int start = b.position();
            FrameEncoder.writeHeader(b, b0, payload.length, true, MASK_KEY);
            int payloadStart = b.position();
            b.put(payload);
            Masking.mask(b.duplicate().position(payloadStart).limit(start + frameLength), MASK_KEY, 0);
        }
        b.flip();
        this.frames = b.asReadOnlyBuffer();
    }

    /** A text message of {@code size} ASCII bytes. */
    static FrameTemplate text(int size, int copies) {
        return new FrameTemplate(WireFormat.B0_FLAG_FIN | WireFormat.OPCODE_TEXT, textPayload(size), size, copies);
    }

    /** A Close frame with status 1000 (normal closure, RFC 6455 section 7.4.1) and no reason. */
    static FrameTemplate close() {
        return new FrameTemplate(WireFormat.B0_FLAG_FIN | WireFormat.OPCODE_CLOSE, new byte[] {0x03, (byte) 0xE8}, 2,
                1);
    }

    /** A binary message of {@code size} bytes. */
    static FrameTemplate binary(int size, int copies) {
        byte[] p = new byte[size];
        new java.util.Random(5).nextBytes(p);
        return new FrameTemplate(WireFormat.B0_FLAG_FIN | WireFormat.OPCODE_BINARY, p, size, copies);
    }

    /**
     * A text message of {@code size} ASCII bytes compressed with permessage-deflate (RFC 7692
     * section 7.2.1) without reference to earlier messages, as a client that negotiated
     * client_no_context_takeover sends every message.
     */
    static FrameTemplate compressedText(int size, int copies) {
        ByteBuffer c = PerMessageDeflate.compressStandalone(ByteBuffer.wrap(textPayload(size)), 6);
        byte[] p = new byte[c.remaining()];
        c.get(p);
        return new FrameTemplate(WireFormat.B0_FLAG_FIN | WireFormat.B0_FLAG_RSV1 | WireFormat.OPCODE_TEXT, p,
                size, copies);
    }

    /**
     * {@code message} as a client sends its first text message under permessage-deflate with
     * context takeover (RFC 7692 section 7.2.1): raw DEFLATE at level 6 in a 512-byte window,
     * sync-flushed, without the final {@code 00 00 FF FF}, RSV1 set. No back-reference reaches
     * further than 511 bytes, so it is valid whatever client_max_window_bits a server asks for.
     */
    static FrameTemplate deflatedText(byte[] message, int copies) {
        byte[] p = deflateSyncFlushed(message);
        return new FrameTemplate(WireFormat.B0_FLAG_FIN | WireFormat.B0_FLAG_RSV1 | WireFormat.OPCODE_TEXT, p,
                message.length, copies);
    }

    /** Raw DEFLATE of {@code data} at level 6 in a 9-bit window, sync-flushed, without the final empty stored block. */
    static byte[] deflateSyncFlushed(byte[] data) {
        DeflateOutput out = new DeflateOutput(data.length + 64);
        new DeflateEncoder(9, 6, 8).compress(ByteBuffer.wrap(data), out, Integer.MAX_VALUE);
        byte[] all = Arrays.copyOf(out.array(), out.size());
        int body = all.length - 4;
        if (body <= 0 || all[body] != 0 || all[body + 1] != 0 || all[body + 2] != -1 || all[body + 3] != -1) {
            throw new IllegalStateException("sync flush did not end with 00 00 FF FF");
        }
        return Arrays.copyOf(all, body);
    }

    /**
     * A JSON array of chat messages (websocket-core's {@link ChatCorpus}) of exactly {@code size}
     * bytes of UTF-8: as many whole messages as fit, then spaces before the closing bracket.
     */
    static byte[] chatJson(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write('[');
        for (byte[] m : ChatCorpus.messages(200, 7)) {
            int separator = out.size() > 1 ? 1 : 0;
            if (out.size() + separator + m.length + 1 <= size) {
                if (separator == 1) {
                    out.write(',');
                }
                out.writeBytes(m);
            }
        }
        while (out.size() < size - 1) {
            out.write(' ');
        }
        out.write(']');
        return out.toByteArray();
    }

    /** JSON-like ASCII text of exactly {@code size} bytes. */
    static byte[] textPayload(int size) {
        String base = "{\"op\":\"echo\",\"seq\":12345,\"body\":\"the quick brown fox jumps over the lazy dog\"}";
        StringBuilder sb = new StringBuilder();
        while (sb.length() < size) {
            sb.append(base);
        }
        return Arrays.copyOf(sb.toString().getBytes(StandardCharsets.US_ASCII), size);
    }
}
