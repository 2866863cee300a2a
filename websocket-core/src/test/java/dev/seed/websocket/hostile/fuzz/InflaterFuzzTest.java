package dev.seed.websocket.hostile.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.CompressionMode;
import dev.seed.websocket.protocol.ProtocolException;
import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.PerMessageDeflate;
import java.nio.ByteBuffer;

/**
 * Arbitrary bytes as the payload of compressed messages (RFC 7692 section 7.2.2), through
 * {@code PerMessageDeflateExtension.decode} into a sink that refuses more than a message limit,
 * the way the engine's sink does. Whatever the bytes:
 * <ul>
 *   <li>decoding either succeeds or fails with 1007 (not DEFLATE data) or 1009 (past the limit),
 *       nothing else;</li>
 *   <li>after the sink refuses, the extension has produced at most one inflate chunk (16 KiB) past
 *       the limit: a compression bomb stops at the limit, not at its inflated size;</li>
 *   <li>the thread allocates a bounded amount whatever the bytes inflate to.</li>
 * </ul>
 *
 * <p>Input layout: byte 0 selects the read size (bits 0-2), the message limit (bits 3-4: 0,
 * 1000, 64 KiB, 1 MiB), no context takeover (bit 5), zlib rather than our decoder (bit 6) and a
 * 512-byte window (bit 7); each 0xFF 0x00 pair in the rest ends a
 * message, so one input can hold several messages sharing the LZ77 window.
 */
class InflaterFuzzTest {

    /** The extension's inflate buffer: how far decoding may overshoot the limit. */
    private static final int INFLATE_CHUNK = 16 * 1024;
    private static final long[] LIMITS = {0, 1000, 64 * 1024, 1024 * 1024};

    @FuzzTest(maxDuration = Fuzzing.BUDGET)
    void inflate(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        int flags = input[0] & 0xFF;
        int chunk = Fuzzing.chunkSize(flags);
        long limit = LIMITS[(flags >> 3) & 3];
        Fuzzing.withAllocationBound(64L * input.length + 4L * INFLATE_CHUNK + (1 << 20), "inflating", () -> {
            Extension extension = serverExtension(flags);
            try {
                int from = 1;
                while (from <= input.length) {
                    int end = messageEnd(input, from);
                    if (!decodeMessage(extension, ByteBuffer.wrap(input, from, end - from).slice(), chunk, limit)) {
                        return; // the connection is failed after the first refused message
                    }
                    from = end + 2;
                }
            } finally {
                extension.close();
            }
        });
    }

    private static int messageEnd(byte[] input, int from) {
        for (int i = from; i + 1 < input.length; i++) {
            if (input[i] == (byte) 0xFF && input[i + 1] == 0x00) {
                return i;
            }
        }
        return input.length;
    }

    /** Decodes one message; false when it was refused. */
    private static boolean decodeMessage(Extension extension, ByteBuffer payload, int chunk, long limit)
            throws Exception {
        long[] produced = {0};
        Extension.PayloadSink sink = decoded -> {
            produced[0] += decoded.remaining();
            if (produced[0] > limit) {
                throw new ProtocolException(CloseCodes.WS_MESSAGE_TOO_LARGE, "Message too large.");
            }
            decoded.position(decoded.limit());
        };
        try {
            if (!payload.hasRemaining()) {
                extension.decode(payload, true, sink);
            } else {
                Fuzzing.inChunks(payload, chunk, (in, last) -> {
                    extension.decode(in, last, sink);
                    if (in.hasRemaining()) {
                        throw new AssertionError("decode left " + in.remaining() + " bytes");
                    }
                });
            }
        } catch (ProtocolException e) {
            if (e.closeCode() == CloseCodes.WS_MESSAGE_TOO_LARGE) {
                if (produced[0] > limit + INFLATE_CHUNK) {
                    throw new AssertionError("inflated " + produced[0] + " bytes for a limit of " + limit);
                }
            } else if (e.closeCode() != CloseCodes.WS_BAD_MESSAGE) {
                throw new AssertionError("inflate failed with " + e.closeCode(), e);
            }
            return false;
        }
        if (produced[0] > limit) {
            throw new AssertionError("sink took " + produced[0] + " bytes past a limit of " + limit);
        }
        return true;
    }

    /**
     * The server's extension: in WINDOWED mode (our own decoder, with a 4 KiB or, with bit 7, a
     * 512-byte window) or, with bit 6, FULL (zlib); with no context takeover a decoder lent per
     * message.
     */
    private static Extension serverExtension(int flags) throws Exception {
        boolean noContextTakeover = (flags & 0x20) != 0;
        PerMessageDeflate client = PerMessageDeflate.builder().clientNoContextTakeover(noContextTakeover).build();
        return PerMessageDeflate.builder()
                .mode((flags & 0x40) != 0 ? CompressionMode.FULL : CompressionMode.WINDOWED)
                .windowBits((flags & 0x80) != 0 ? 9 : 12)
                .build().negotiate(client.offers()).orElseThrow();
    }
}
