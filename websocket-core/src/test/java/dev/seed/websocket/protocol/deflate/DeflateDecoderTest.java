package dev.seed.websocket.protocol.deflate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DeflateDecoder} against the JDK's zlib (java.util.zip), Node's zlib with small windows,
 * the examples of RFC 7692 and hand-built RFC 1951 bit streams.
 *
 * <p>The fixtures under {@code src/test/resources/deflate/} were made with Node 20's zlib from
 * {@code chat.json} (80 messages of {@code ChatCorpus.messages(80, 7)}, one per line in a JSON
 * array):
 * <ul>
 *   <li>{@code chat-w<w>.deflate}, w = 9 to 15: {@code zlib.deflateRawSync(chat, {windowBits: w,
 *       level: 9, memLevel: 9})};</li>
 *   <li>{@code chat-messages-w<w>.deflate}, w = 9 and 10: one {@code zlib.createDeflateRaw({windowBits:
 *       w, level: 9, memLevel: 9})} stream written one line of chat.json at a time, each followed by
 *       {@code flush(Z_SYNC_FLUSH)}, as permessage-deflate sends messages with context takeover;
 *       {@code chat-messages-w<w>.sizes} lists the compressed bytes of each line.</li>
 * </ul>
 */
class DeflateDecoderTest {

    /** Input chunk sizes the decoder is fed with. */
    private static final int[] INPUT_CHUNKS = {1, 2, 3, 7, 64, 4096};
    /** Output sizes asked for per call. */
    private static final int[] OUTPUT_CHUNKS = {1, 5, 100, 16384};
    /** Our flush mode for {@link #deflate}: the whole input at once, then {@link Deflater#finish()}. */
    private static final int FINISH = -1;
    /** RFC 7692 section 7.2.1: what a sender removes from each message and a receiver appends. */
    private static final byte[] SYNC_TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    // ------------------------------------------------------------------ helpers

    /**
     * Raw DEFLATE of {@code data} by the JDK: in 3 pieces, each followed by {@code flush}
     * (NO_FLUSH, SYNC_FLUSH or FULL_FLUSH), then finished; or, for {@code FINISH} (-1), in one go.
     */
    private static byte[] deflate(byte[] data, int level, int strategy, int flush) {
        Deflater deflater = new Deflater(level, true);
        deflater.setStrategy(strategy);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        if (flush != FINISH) {
            int third = data.length / 3;
            int[] ends = {third, 2 * third, data.length};
            int start = 0;
            for (int end : ends) {
                deflater.setInput(data, start, end - start);
                start = end;
                int n;
                do {
                    n = deflater.deflate(buffer, 0, buffer.length, flush);
                    out.write(buffer, 0, n);
                } while (n == buffer.length || !deflater.needsInput());
            }
            if (flush != Deflater.NO_FLUSH) {
                deflater.end();
                return out.toByteArray();
            }
        } else {
            deflater.setInput(data);
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    /** Compresses each message with one deflater and a sync flush: permessage-deflate with context takeover. */
    private static List<byte[]> syncFlushed(List<byte[]> messages, int level) {
        Deflater deflater = new Deflater(level, true);
        List<byte[]> compressed = new ArrayList<>();
        byte[] buffer = new byte[16384];
        for (byte[] message : messages) {
            deflater.setInput(message);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int n;
            do {
                n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                out.write(buffer, 0, n);
            } while (n == buffer.length || !deflater.needsInput());
            compressed.add(out.toByteArray());
        }
        deflater.end();
        return compressed;
    }

    /**
     * Decodes {@code compressed} fed {@code inChunk} bytes at a time, asking for {@code outChunk}
     * bytes per call, until the stream ends or the input is used up; checks on every call that no
     * more is written than asked and that 0 means the input is used up or the stream ended.
     */
    private static byte[] decode(DeflateDecoder decoder, byte[] compressed, int inChunk, int outChunk)
            throws DataFormatException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[outChunk + 2];
        int fed = 0;
        while (!decoder.finished()) {
            buffer[outChunk + 1] = 0x55;
            int n = decoder.inflate(buffer, 1, outChunk);
            assertThat(n).isBetween(0, outChunk);
            assertThat(buffer[outChunk + 1]).isEqualTo((byte) 0x55);
            out.write(buffer, 1, n);
            if (n == 0 && !decoder.finished()) {
                assertThat(decoder.needsInput()).as("0 bytes while input remains").isTrue();
                if (fed == compressed.length) {
                    break;
                }
                int len = Math.min(inChunk, compressed.length - fed);
                decoder.setInput(compressed, fed, len);
                fed += len;
            }
        }
        return out.toByteArray();
    }

    private static byte[] decode(DeflateDecoder decoder, byte[] compressed) throws DataFormatException {
        return decode(decoder, compressed, compressed.length + 1, 1 << 16);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static byte[] resource(String name) {
        try (InputStream in = DeflateDecoderTest.class.getResourceAsStream("/deflate/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A mix of chat text, random bytes and runs: literals, short and long matches, all distances. */
    private static byte[] mixed(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 4096);
        List<byte[]> chat = ChatCorpus.messages(200, seed);
        while (out.size() < size) {
            switch (random.nextInt(4)) {
                case 0 -> out.writeBytes(chat.get(random.nextInt(chat.size())));
                case 1 -> {
                    byte[] noise = new byte[random.nextInt(1, 600)];
                    random.nextBytes(noise);
                    out.writeBytes(noise);
                }
                case 2 -> {
                    byte[] run = new byte[random.nextInt(1, 1200)];
                    Arrays.fill(run, (byte) random.nextInt(256));
                    out.writeBytes(run);
                }
                default -> {
                    byte[] soFar = out.toByteArray();
                    if (soFar.length > 0) {
                        int from = random.nextInt(soFar.length);
                        out.write(soFar, from, Math.min(soFar.length - from, random.nextInt(1, 3000)));
                    }
                }
            }
        }
        return Arrays.copyOf(out.toByteArray(), size);
    }

    /** Writes RFC 1951 bit streams (3.1.1): fields lowest bit first, Huffman codes highest bit first. */
    private static final class BitWriter {
        /** The whole bytes written. */
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        /** Bits of the byte being filled, from bit 0. */
        private int buffer;
        /** Number of bits in buffer, 0 to 7. */
        private int count;

        BitWriter bits(int value, int n) {
            for (int i = 0; i < n; i++) {
                buffer |= ((value >>> i) & 1) << count;
                if (++count == 8) {
                    out.write(buffer);
                    buffer = 0;
                    count = 0;
                }
            }
            return this;
        }

        /** 3.2.4: skips to the next byte boundary. */
        BitWriter align() {
            return bits(0, (8 - count) & 7);
        }

        BitWriter code(int code, int length) {
            return bits(Integer.reverse(code) >>> (32 - length), length);
        }

        /** 3.2.6: a literal/length symbol in the fixed code. */
        BitWriter fixedSymbol(int symbol) {
            if (symbol < 144) {
                return code(0x30 + symbol, 8);
            } else if (symbol < 256) {
                return code(0x190 + symbol - 144, 9);
            } else if (symbol < 280) {
                return code(symbol - 256, 7);
            }
            return code(0xC0 + symbol - 280, 8);
        }

        /**
         * 3.2.7: a dynamic block header giving these code lengths, written with a code-length code
         * in which symbols 0 to 15 all have 4-bit codes (so each length is its own 4-bit code).
         */
        BitWriter dynamicHeader(int[] literalLengths, int[] distanceLengths) {
            bits(literalLengths.length - 257, 5).bits(distanceLengths.length - 1, 5).bits(19 - 4, 4);
            // order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1 15: 16-18 unused, the rest 4 bits
            bits(0, 3).bits(0, 3).bits(0, 3);
            for (int i = 3; i < 19; i++) {
                bits(4, 3);
            }
            for (int length : literalLengths) {
                code(length, 4);
            }
            for (int length : distanceLengths) {
                code(length, 4);
            }
            return this;
        }

        byte[] toBytes() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            if (count > 0) {
                copy.write(buffer);
            }
            return copy.toByteArray();
        }
    }

    /** A bit stream starting with the header of a final block of type {@code btype} (3.2.3). */
    private static BitWriter finalBlock(int btype) {
        return new BitWriter().bits(1, 1).bits(btype, 2);
    }

    /** Literal/length lengths of symbols 0 to 257 where 'a' to 'd' and 256 have codes, of 2, 2, 2, 3 and 3 bits. */
    private static int[] fiveSymbolLiteralLengths() {
        int[] lengths = new int[258];
        lengths['a'] = 2;
        lengths['b'] = 2;
        lengths['c'] = 2;
        lengths['d'] = 3;
        lengths[256] = 3;
        return lengths;
    }

    private static String failureOf(DeflateDecoder decoder, byte[] stream) {
        DataFormatException e = catchThrowableOfType(() -> decode(decoder, stream), DataFormatException.class);
        assertThat(e).as("decoding %s", HexFormat.of().formatHex(stream)).isNotNull();
        return e.getMessage();
    }

    private static String failureOf(byte[] stream) {
        return failureOf(new DeflateDecoder(15), stream);
    }

    /** What java.util.zip.Inflater makes of the stream: its output, or its error message. */
    private static String zlibOutcome(byte[] stream) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(stream);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = inflater.inflate(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
            return "ok " + inflater.finished() + " " + inflater.getRemaining() + " "
                    + HexFormat.of().formatHex(out.toByteArray());
        } catch (DataFormatException e) {
            // the one message worded differently here
            return e.getMessage().equals("invalid code -- missing end-of-block")
                    ? "missing end-of-block code" : e.getMessage();
        } finally {
            inflater.end();
        }
    }

    /** Ours, in the same form as {@link #zlibOutcome}. */
    private static String ourOutcome(byte[] stream, int inChunk, int outChunk) {
        DeflateDecoder decoder = new DeflateDecoder(15);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[outChunk];
        int fed = 0;
        try {
            while (!decoder.finished()) {
                int n = decoder.inflate(buffer, 0, outChunk);
                out.write(buffer, 0, n);
                if (n == 0 && !decoder.finished()) {
                    if (fed == stream.length) {
                        break;
                    }
                    int len = Math.min(inChunk, stream.length - fed);
                    decoder.setInput(stream, fed, len);
                    fed += len;
                }
            }
            int unread = decoder.getRemaining() + stream.length - fed;
            return "ok " + decoder.finished() + " " + unread + " " + HexFormat.of().formatHex(out.toByteArray());
        } catch (DataFormatException e) {
            return e.getMessage();
        }
    }

    // ------------------------------------------------------------------ tests

    @Nested
    class AgainstTheJdkDeflater {

        private void checkAllModes(byte[] data, boolean everyChunking) throws DataFormatException {
            int[] strategies = {Deflater.DEFAULT_STRATEGY, Deflater.FILTERED, Deflater.HUFFMAN_ONLY};
            int[] flushes = {Deflater.NO_FLUSH, Deflater.SYNC_FLUSH, Deflater.FULL_FLUSH, FINISH};
            int variant = 0;
            for (int level = 0; level <= 9; level++) {
                for (int strategy : strategies) {
                    for (int flush : flushes) {
                        byte[] compressed = deflate(data, level, strategy, flush);
                        boolean ends = flush == Deflater.NO_FLUSH || flush == FINISH;
                        for (int i = 0; i < INPUT_CHUNKS.length; i++) {
                            for (int o = 0; o < OUTPUT_CHUNKS.length; o++) {
                                if (!everyChunking && (i + o + variant) % 6 != 0) {
                                    continue;
                                }
                                DeflateDecoder decoder = new DeflateDecoder(15);
                                byte[] decoded = decode(decoder, compressed, INPUT_CHUNKS[i], OUTPUT_CHUNKS[o]);
                                String what = "level " + level + " strategy " + strategy + " flush " + flush
                                        + " chunks " + INPUT_CHUNKS[i] + "/" + OUTPUT_CHUNKS[o];
                                assertThat(decoded).as(what).isEqualTo(data);
                                assertThat(decoder.finished()).as(what).isEqualTo(ends);
                                assertThat(decoder.getRemaining()).as(what).isZero();
                            }
                        }
                        variant++;
                    }
                }
            }
        }

        @Test
        void decodesEmptyAndOneByteInputsInEveryMode() throws DataFormatException {
            checkAllModes(new byte[0], true);
            checkAllModes(new byte[] {'x'}, true);
        }

        @Test
        void decodesHighlyRepetitiveInputInEveryMode() throws DataFormatException {
            byte[] data = new byte[40_000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i % 3000 < 2000 ? 'a' : "abcabcabd".charAt(i % 9));
            }
            checkAllModes(data, false);
        }

        @Test
        void decodesRandomIncompressibleInputInEveryMode() throws DataFormatException {
            byte[] data = new byte[20_000];
            new SplittableRandom(11).nextBytes(data);
            checkAllModes(data, false);
        }

        @Test
        void decodesMixedInputInEveryMode() throws DataFormatException {
            checkAllModes(mixed(50_000, 5), false);
        }

        @Test
        void decodesOneMebibyteAtEveryLevel() throws DataFormatException {
            byte[] data = mixed(1 << 20, 17);
            for (int level = 0; level <= 9; level++) {
                int flush = level % 2 == 0 ? FINISH : Deflater.SYNC_FLUSH;
                byte[] compressed = deflate(data, level, Deflater.DEFAULT_STRATEGY, flush);
                int in = INPUT_CHUNKS[level % INPUT_CHUNKS.length];
                int out = OUTPUT_CHUNKS[(level / 2) % OUTPUT_CHUNKS.length];
                assertThat(decode(new DeflateDecoder(15), compressed, in, out)).as("level " + level).isEqualTo(data);
            }
        }

        @Test
        void leavesTheBytesAfterTheFinalBlockUnconsumed() throws DataFormatException {
            byte[] data = mixed(5000, 3);
            byte[] trailer = "TRAILER".getBytes(StandardCharsets.US_ASCII);
            for (int level : new int[] {0, 1, 9}) {
                byte[] stream = concat(deflate(data, level, Deflater.DEFAULT_STRATEGY, FINISH), trailer);
                DeflateDecoder decoder = new DeflateDecoder(15);
                assertThat(decode(decoder, stream)).isEqualTo(data);
                assertThat(decoder.finished()).isTrue();
                assertThat(decoder.needsInput()).isFalse();
                assertThat(decoder.getRemaining()).isEqualTo(trailer.length);
                assertThat(decoder.inflate(new byte[10], 0, 10)).isZero();

                ByteBuffer buffer = ByteBuffer.wrap(stream);
                decoder.reset();
                decoder.setInput(buffer);
                byte[] out = new byte[data.length + 100];
                assertThat(decoder.inflate(out, 0, out.length)).isEqualTo(data.length);
                assertThat(buffer.position()).isEqualTo(stream.length - trailer.length);
                assertThat(decoder.getRemaining()).isEqualTo(trailer.length);
            }
        }

        @Test
        void readsHeapDirectReadOnlyAndSlicedBuffers() throws DataFormatException {
            byte[] data = mixed(200_000, 9);
            byte[] compressed = deflate(data, 6, Deflater.DEFAULT_STRATEGY, FINISH);
            ByteBuffer direct = ByteBuffer.allocateDirect(compressed.length).put(compressed).flip();
            ByteBuffer sliced = ByteBuffer.wrap(concat(new byte[7], compressed, new byte[5]), 7, compressed.length)
                    .slice();
            ByteBuffer readOnly = ByteBuffer.wrap(compressed).asReadOnlyBuffer();
            for (ByteBuffer input : List.of(direct, sliced, readOnly)) {
                for (int outChunk : new int[] {3, 700, 1 << 16}) {
                    input.rewind();
                    DeflateDecoder decoder = new DeflateDecoder(15);
                    decoder.setInput(input);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    byte[] buffer = new byte[outChunk];
                    int n;
                    while ((n = decoder.inflate(buffer, 0, outChunk)) > 0) {
                        out.write(buffer, 0, n);
                        assertThat(decoder.getRemaining()).isEqualTo(input.remaining());
                    }
                    assertThat(out.toByteArray()).isEqualTo(data);
                    assertThat(decoder.finished()).isTrue();
                    assertThat(input.hasRemaining()).isFalse();
                }
            }
        }

        @Test
        void resumesFromAnySplitOfTheInput() throws DataFormatException {
            // stored, fixed and dynamic blocks in one stream, cut at every byte
            byte[] data = mixed(3000, 21);
            byte[] stream = concat(deflate(Arrays.copyOf(data, 1000), 0, 0, Deflater.SYNC_FLUSH),
                    new BitWriter().bits(0, 1).bits(1, 2).fixedSymbol('z').fixedSymbol(256).bits(0, 1).bits(0, 2)
                            .align().bits(0, 16).bits(0xFFFF, 16).toBytes());
            Deflater deflater = new Deflater(9, true);
            deflater.setInput(Arrays.copyOfRange(data, 1000, data.length));
            deflater.finish();
            byte[] tail = new byte[4000];
            int tailLength = deflater.deflate(tail);
            deflater.end();
            stream = concat(stream, Arrays.copyOf(tail, tailLength));
            byte[] expected = concat(Arrays.copyOf(data, 1000), new byte[] {'z'},
                    Arrays.copyOfRange(data, 1000, data.length));
            for (int cut = 0; cut <= stream.length; cut++) {
                DeflateDecoder decoder = new DeflateDecoder(15);
                byte[] out = new byte[expected.length];
                decoder.setInput(stream, 0, cut);
                int produced = 0;
                int n;
                while ((n = decoder.inflate(out, produced, out.length - produced)) > 0) {
                    produced += n;
                }
                assertThat(decoder.needsInput() || decoder.finished()).isTrue();
                decoder.setInput(stream, cut, stream.length - cut);
                while ((n = decoder.inflate(out, produced, out.length - produced)) > 0) {
                    produced += n;
                }
                assertThat(decoder.finished()).as("cut at " + cut).isTrue();
                assertThat(out).as("cut at " + cut).isEqualTo(expected);
            }
        }
    }

    @Nested
    class PermessageDeflate {

        private byte[] message(DeflateDecoder decoder, byte[] payload) throws DataFormatException {
            byte[] decoded = decode(decoder, concat(payload, SYNC_TAIL), 1 << 20, 1 << 16);
            assertThat(decoder.finished()).isFalse();
            assertThat(decoder.needsInput()).isTrue();
            return decoded;
        }

        @Test
        void decodesTheRfc7692Examples() throws DataFormatException {
            // 7.2.3.1: "Hello" in one compressed message
            assertThat(message(new DeflateDecoder(15), hex("f2 48 cd c9 c9 07 00"))).asString().isEqualTo("Hello");
            // 7.2.3.2: "Hello" twice with context takeover: the second refers back into the first
            DeflateDecoder shared = new DeflateDecoder(15);
            assertThat(message(shared, hex("f2 48 cd c9 c9 07 00"))).asString().isEqualTo("Hello");
            assertThat(message(shared, hex("f2 00 11 00 01 00"))).asString().isEqualTo("Hello");
            // 7.2.3.3: a stored block
            assertThat(message(new DeflateDecoder(15), hex("00 05 00 fa ff 48 65 6c 6c 6f 00"))).asString()
                    .isEqualTo("Hello");
            // 7.2.3.6: an empty fragment, a lone stored block header
            assertThat(message(new DeflateDecoder(15), hex("00"))).isEmpty();
        }

        @Test
        void decodesTheRfc7692FinalBlockExampleAndLeavesTheRest() throws DataFormatException {
            // 7.2.3.5: BFINAL set; the extra byte and the appended tail stay unconsumed
            DeflateDecoder decoder = new DeflateDecoder(15);
            byte[] payload = hex("f3 48 cd c9 c9 07 00 00");
            assertThat(decode(decoder, concat(payload, SYNC_TAIL))).asString().isEqualTo("Hello");
            assertThat(decoder.finished()).isTrue();
            assertThat(decoder.getRemaining()).isEqualTo(5);
        }

        @Test
        void decodesAcrossMessagesWithContextTakeover() throws DataFormatException {
            List<byte[]> messages = ChatCorpus.messages(300, 2);
            List<byte[]> compressed = syncFlushed(messages, 6);
            DeflateDecoder decoder = new DeflateDecoder(15);
            for (int i = 0; i < messages.size(); i++) {
                byte[] payload = compressed.get(i);
                // RFC 7692 7.2.1: the sender drops the sync flush's 00 00 FF FF, the receiver appends it
                assertThat(Arrays.copyOfRange(payload, payload.length - 4, payload.length)).isEqualTo(SYNC_TAIL);
                byte[] wire = Arrays.copyOf(payload, payload.length - 4);
                assertThat(message(decoder, wire)).as("message " + i).isEqualTo(messages.get(i));
            }
            // the later messages refer back into earlier ones: alone they cannot be decoded
            assertThat(failureOf(compressed.get(50))).isEqualTo("invalid distance too far back");
        }

        @Test
        void decodesIndependentMessagesAfterEachReset() throws DataFormatException {
            List<byte[]> messages = ChatCorpus.messages(100, 4);
            DeflateDecoder decoder = new DeflateDecoder(15);
            for (byte[] m : messages) {
                byte[] payload = syncFlushed(List.of(m), 9).get(0);
                decoder.reset();
                assertThat(message(decoder, Arrays.copyOf(payload, payload.length - 4))).isEqualTo(m);
            }
        }
    }

    @Nested
    class SmallWindows {

        @ParameterizedTest
        @ValueSource(ints = {9, 10, 11, 12, 13, 14, 15})
        void decodesNodeStreamsOfEachWindow(int windowBits) throws DataFormatException {
            byte[] chat = resource("chat.json");
            byte[] compressed = resource("chat-w" + windowBits + ".deflate");
            for (int[] chunks : new int[][] {{1, 1}, {3, 5}, {7, 100}, {64, 16384}, {4096, 1}, {1 << 20, 1 << 16}}) {
                DeflateDecoder decoder = new DeflateDecoder(windowBits);
                assertThat(decode(decoder, compressed, chunks[0], chunks[1])).as(Arrays.toString(chunks))
                        .isEqualTo(chat);
                assertThat(decoder.finished()).isTrue();
                assertThat(decoder.retainedBytes()).isEqualTo(1L << windowBits);
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {9, 10})
        void decodesSyncFlushedMessagesWithASmallWindow(int windowBits) throws DataFormatException {
            byte[] chat = resource("chat.json");
            byte[] stream = resource("chat-messages-w" + windowBits + ".deflate");
            String[] sizes = new String(resource("chat-messages-w" + windowBits + ".sizes"), StandardCharsets.US_ASCII)
                    .trim().split("\n");
            DeflateDecoder decoder = new DeflateDecoder(windowBits);
            int in = 0;
            int out = 0;
            for (int i = 0; i < sizes.length; i++) {
                int size = Integer.parseInt(sizes[i]);
                int lineEnd = out;
                while (chat[lineEnd++] != '\n') {
                    // the message is one line of chat.json
                }
                byte[] payload = Arrays.copyOfRange(stream, in, in + size);
                byte[] decoded = decode(decoder, payload, 1 + i % 9, 1 + (i * 37) % 300);
                assertThat(decoded).as("message " + i).isEqualTo(Arrays.copyOfRange(chat, out, lineEnd));
                in += size;
                out = lineEnd;
            }
            assertThat(out).isEqualTo(chat.length);
        }

        @Test
        void refusesDistanceBeyondWindow() throws DataFormatException {
            byte[] compressed = resource("chat-w15.deflate");
            assertThat(failureOf(new DeflateDecoder(9), compressed)).isEqualTo("invalid distance too far back");
            // a match 513 bytes back after 600 literals: within 10 bits, beyond 9
            BitWriter stream = finalBlock(1);
            for (int i = 0; i < 600; i++) {
                stream.fixedSymbol('a' + i % 26);
            }
            // length 3 (symbol 257), distance 513: code 18 (base 513), 8 extra bits 0
            byte[] bytes = stream.fixedSymbol(257).code(18, 5).bits(0, 8).fixedSymbol(256).toBytes();
            assertThat(failureOf(new DeflateDecoder(9), bytes)).isEqualTo("invalid distance too far back");
            assertThat(decode(new DeflateDecoder(10), bytes)).hasSize(603);
        }

        @Test
        void takesEightWindowBitsAsNine() throws DataFormatException {
            DeflateDecoder decoder = new DeflateDecoder(8);
            assertThat(decoder.windowBits()).isEqualTo(9);
            assertThat(decode(decoder, resource("chat-w9.deflate"))).isEqualTo(resource("chat.json"));
            assertThatThrownBy(() -> new DeflateDecoder(7)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new DeflateDecoder(16)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Rfc1951Violations {

        @Test
        void refusesBlockType3() {
            assertThat(failureOf(finalBlock(3).toBytes())).isEqualTo("invalid block type");
        }

        @Test
        void refusesStoredLengthsThatDoNotMatch() {
            // 3.2.4: NLEN must be the one's complement of LEN
            assertThat(failureOf(hex("01 05 00 fa fe 48 65 6c 6c 6f"))).isEqualTo("invalid stored block lengths");
        }

        @Test
        void refusesTooManyLengthOrDistanceSymbols() {
            // HLIT 30 means 287 literal/length codes, HDIST 30 means 31 distance codes
            assertThat(failureOf(finalBlock(2).bits(30, 5).bits(0, 5).bits(0, 4).toBytes()))
                    .isEqualTo("too many length or distance symbols");
            assertThat(failureOf(finalBlock(2).bits(0, 5).bits(30, 5).bits(0, 4).toBytes()))
                    .isEqualTo("too many length or distance symbols");
        }

        @Test
        void refusesOverSubscribedOrIncompleteCodeLengthCodes() {
            // code lengths of 16, 17, 18 all 1 bit: three 1-bit codes
            byte[] over = finalBlock(2).bits(0, 5).bits(0, 5).bits(0, 4)
                    .bits(1, 3).bits(1, 3).bits(1, 3).bits(0, 3).bits(0, 64).toBytes();
            assertThat(failureOf(over)).isEqualTo("invalid code lengths set");
            // only 16 has a code: incomplete, which the code-length code may not be
            byte[] incomplete = finalBlock(2).bits(0, 5).bits(0, 5).bits(0, 4)
                    .bits(1, 3).bits(0, 3).bits(0, 3).bits(0, 3).bits(0, 64).toBytes();
            assertThat(failureOf(incomplete)).isEqualTo("invalid code lengths set");
        }

        @Test
        void refusesRepeatCode16WithNoPreviousLength() {
            // code-length code: 16 -> 1 bit (code 0), 0 and 1 -> 2 bits (10, 11); HCLEN 14 reaches symbol 1
            BitWriter w = finalBlock(2).bits(0, 5).bits(0, 5).bits(14, 4);
            int[] order = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1};
            for (int symbol : order) {
                w.bits(symbol == 16 ? 1 : symbol == 0 || symbol == 1 ? 2 : 0, 3);
            }
            byte[] stream = w.code(0, 1).bits(0, 2).bits(0, 32).toBytes();
            assertThat(failureOf(stream)).isEqualTo("invalid bit length repeat");
        }

        @Test
        void refusesARepeatPastTheLastLength() {
            // code-length code: 0 -> code 0, 18 -> code 1; 138 zeros twice is more than 257 + 1 lengths
            byte[] stream = finalBlock(2).bits(0, 5).bits(0, 5).bits(0, 4)
                    .bits(0, 3).bits(0, 3).bits(1, 3).bits(1, 3)
                    .code(1, 1).bits(127, 7).code(1, 1).bits(127, 7).bits(0, 16).toBytes();
            assertThat(failureOf(stream)).isEqualTo("invalid bit length repeat");
        }

        @Test
        void refusesOverSubscribedAndIncompleteLiteralLengthCodes() {
            int[] over = fiveSymbolLiteralLengths();
            over['e'] = 2; // four 2-bit codes and two 3-bit codes
            assertThat(failureOf(finalBlock(2).dynamicHeader(over, new int[] {1}).bits(0, 16).toBytes()))
                    .isEqualTo("invalid literal/lengths set");
            int[] incomplete = fiveSymbolLiteralLengths();
            incomplete['d'] = 0; // 2, 2, 2, 3: an eighth of the code space unused
            assertThat(failureOf(finalBlock(2).dynamicHeader(incomplete, new int[] {1}).bits(0, 16).toBytes()))
                    .isEqualTo("invalid literal/lengths set");
        }

        @Test
        void refusesOverSubscribedAndIncompleteDistanceCodes() {
            assertThat(failureOf(finalBlock(2)
                    .dynamicHeader(fiveSymbolLiteralLengths(), new int[] {1, 1, 1}).bits(0, 16).toBytes()))
                    .isEqualTo("invalid distances set");
            // incomplete with more than one code (1 bit and 2 bits)
            assertThat(failureOf(finalBlock(2)
                    .dynamicHeader(fiveSymbolLiteralLengths(), new int[] {1, 2}).bits(0, 16).toBytes()))
                    .isEqualTo("invalid distances set");
        }

        @Test
        void refusesAMissingEndOfBlockCode() {
            int[] lengths = fiveSymbolLiteralLengths();
            lengths[256] = 0;
            lengths['e'] = 3;
            assertThat(failureOf(finalBlock(2).dynamicHeader(lengths, new int[] {1}).bits(0, 16).toBytes()))
                    .isEqualTo("missing end-of-block code");
        }

        @Test
        void refusesLiteralLengthSymbol286() {
            byte[] stream = finalBlock(1).fixedSymbol('a').fixedSymbol(286).bits(0, 16).toBytes();
            assertThat(failureOf(stream)).isEqualTo("invalid literal/length code");
            byte[] stream287 = finalBlock(1).fixedSymbol(287).bits(0, 16).toBytes();
            assertThat(failureOf(stream287)).isEqualTo("invalid literal/length code");
        }

        @Test
        void refusesDistanceCodes30And31() {
            for (int code : new int[] {30, 31}) {
                byte[] stream = finalBlock(1).fixedSymbol('a').fixedSymbol(257).code(code, 5)
                        .bits(0, 16).toBytes();
                assertThat(failureOf(stream)).isEqualTo("invalid distance code");
            }
        }

        @Test
        void refusesADistanceCodeOutsideAnIncompleteDistanceCode() {
            // the one distance code is 0 (1 bit): the bit pattern 1 has no code
            int[] lengths = fiveSymbolLiteralLengths();
            lengths[257] = 3;
            lengths['d'] = 0;
            byte[] stream = finalBlock(2).dynamicHeader(lengths, new int[] {1})
                    .code(0, 2).code(0b111, 3).code(1, 1).bits(0, 16).toBytes();
            assertThat(failureOf(stream)).isEqualTo("invalid distance code");
        }

        @Test
        void refusesDistanceTooFarBackAtTheStartOfTheStream() {
            // a match (length 3, distance 1) before any output
            byte[] stream = finalBlock(1).fixedSymbol(257).code(0, 5).fixedSymbol(256).toBytes();
            assertThat(failureOf(stream)).isEqualTo("invalid distance too far back");
            // and one byte further than what was produced
            byte[] stream2 = finalBlock(1).fixedSymbol('a').fixedSymbol('b')
                    .fixedSymbol(257).code(2, 5).fixedSymbol(256).toBytes();
            assertThat(failureOf(stream2)).isEqualTo("invalid distance too far back");
        }

        @Test
        void keepsFailingUntilReset() throws DataFormatException {
            DeflateDecoder decoder = new DeflateDecoder(15);
            assertThat(failureOf(decoder, finalBlock(3).toBytes())).isEqualTo("invalid block type");
            byte[] good = deflate("fine".getBytes(StandardCharsets.US_ASCII), 6, 0, FINISH);
            decoder.setInput(good, 0, good.length);
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> decoder.inflate(new byte[100], 0, 100))
                        .isInstanceOf(DataFormatException.class).hasMessage("invalid block type");
            }
            decoder.reset();
            assertThat(decode(decoder, good)).asString().isEqualTo("fine");
            assertThat(decoder.finished()).isTrue();
        }

        @Test
        void acceptsWhatZlibAcceptsWhereTheRfcIsVague() {
            int[] lengths = fiveSymbolLiteralLengths();
            lengths[257] = 3;
            lengths['d'] = 0;
            // a single distance code of one bit, used: "abc" then a match of 3 at distance 1
            byte[] oneDistance = finalBlock(2).dynamicHeader(lengths, new int[] {1})
                    .code(0, 2).code(1, 2).code(2, 2).code(0b111, 3).code(0, 1).code(0b110, 3).toBytes();
            // no distance code at all (literals only)
            byte[] noDistance = finalBlock(2).dynamicHeader(fiveSymbolLiteralLengths(), new int[] {0})
                    .code(0, 2).code(0b111, 3).toBytes();
            // only the end-of-block code, one bit long
            int[] onlyEnd = new int[257];
            onlyEnd[256] = 1;
            byte[] endOnly = finalBlock(2).dynamicHeader(onlyEnd, new int[] {0}).code(0, 1).toBytes();
            for (byte[] stream : List.of(oneDistance, noDistance, endOnly)) {
                String zlib = zlibOutcome(stream);
                assertThat(zlib).startsWith("ok true");
                assertThat(ourOutcome(stream, 1, 1)).isEqualTo(zlib);
            }
            String abcccc = HexFormat.of().formatHex("abcccc".getBytes(StandardCharsets.US_ASCII));
            assertThat(zlibOutcome(oneDistance)).endsWith(abcccc);
        }
    }

    @Nested
    class Robustness {

        @Test
        void survivesRandomBytesInRandomChunks() {
            SplittableRandom random = new SplittableRandom(2024);
            byte[] out = new byte[1 << 16];
            for (int round = 0; round < 20_000; round++) {
                byte[] input = new byte[random.nextInt(301)];
                random.nextBytes(input);
                if (input.length > 0 && random.nextBoolean()) {
                    input[0] = (byte) (input[0] & ~6 | (random.nextBoolean() ? 4 : 2)); // a dynamic or fixed block
                }
                DeflateDecoder decoder = new DeflateDecoder(9 + random.nextInt(7));
                int fed = 0;
                int calls = 0;
                try {
                    while (!decoder.finished()) {
                        int asked = random.nextInt(1, 400);
                        int n = decoder.inflate(out, 0, asked);
                        assertThat(n).isBetween(0, asked);
                        assertThat(++calls).isLessThan(1_000_000);
                        if (n == 0 && !decoder.finished()) {
                            assertThat(decoder.needsInput()).isTrue();
                            if (fed == input.length) {
                                break;
                            }
                            int len = random.nextInt(1, input.length - fed + 1);
                            decoder.setInput(input, fed, len);
                            fed += len;
                        }
                    }
                } catch (DataFormatException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                }
            }
        }

        @Test
        void acceptsAndRefusesExactlyWhatZlibDoesOnCorruptedStreams() {
            SplittableRandom random = new SplittableRandom(99);
            List<byte[]> streams = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                byte[] data = mixed(random.nextInt(50, 3000), i);
                int flush = i % 2 == 0 ? FINISH : Deflater.SYNC_FLUSH;
                streams.add(deflate(data, random.nextInt(10), random.nextInt(3), flush));
            }
            for (int round = 0; round < 5000; round++) {
                byte[] stream = streams.get(random.nextInt(streams.size())).clone();
                for (int flips = random.nextInt(1, 4); flips > 0; flips--) {
                    stream[random.nextInt(stream.length)] ^= (byte) (1 << random.nextInt(8));
                }
                int inChunk = new int[] {1, 5, 1 << 20}[round % 3];
                assertThat(ourOutcome(stream, inChunk, 1 << 16)).as("round " + round).isEqualTo(zlibOutcome(stream));
            }
        }
    }

    @Nested
    class Memory {

        @Test
        void retainsTheWindowOnlyBetweenMessages() throws DataFormatException {
            byte[] stream = resource("chat-messages-w10.deflate");
            String[] sizes = new String(resource("chat-messages-w10.sizes"), StandardCharsets.US_ASCII).trim()
                    .split("\n");
            DeflateDecoder decoder = new DeflateDecoder(10);
            assertThat(decoder.retainedBytes()).isZero();
            int in = 0;
            int dynamicBlocks = 0;
            for (String s : sizes) {
                int size = Integer.parseInt(s);
                if ((stream[in] >> 1 & 3) == 2) {
                    dynamicBlocks++; // BTYPE of the message's first block (sync flushes leave a byte boundary)
                }
                decode(decoder, Arrays.copyOfRange(stream, in, in + size));
                in += size;
                assertThat(decoder.retainedBytes()).isLessThanOrEqualTo(1024 + 512);
            }
            assertThat(dynamicBlocks).isGreaterThan(5);
            assertThat(decoder.retainedBytes()).isEqualTo(1024);
        }

        @Test
        void keepsTheBorrowedTablesOnlyWhileADynamicBlockIsCut() throws DataFormatException {
            byte[] data = mixed(4000, 8);
            byte[] compressed = syncFlushed(List.of(data), 9).get(0);
            assertThat(compressed[0] >> 1 & 3).isEqualTo(2);
            DeflateDecoder first = new DeflateDecoder(15);
            DeflateDecoder second = new DeflateDecoder(15);
            byte[] out1 = new byte[data.length];
            byte[] out2 = new byte[data.length];
            // both stop inside their dynamic block; the thread lends each its own tables
            first.setInput(compressed, 0, compressed.length / 2);
            int n1 = first.inflate(out1, 0, out1.length);
            second.setInput(compressed, 0, compressed.length / 3);
            int n2 = second.inflate(out2, 0, out2.length);
            assertThat(first.retainedBytes()).isGreaterThan(32768 + 512);
            assertThat(second.retainedBytes()).isGreaterThan(32768 + 512);
            first.setInput(compressed, compressed.length / 2, compressed.length - compressed.length / 2);
            n1 += first.inflate(out1, n1, out1.length - n1);
            second.setInput(compressed, compressed.length / 3, compressed.length - compressed.length / 3);
            n2 += second.inflate(out2, n2, out2.length - n2);
            assertThat(n1).isEqualTo(data.length);
            assertThat(n2).isEqualTo(data.length);
            assertThat(out1).isEqualTo(data);
            assertThat(out2).isEqualTo(data);
            // fill the rest: the final empty stored block of the sync flush
            assertThat(first.inflate(out1, 0, 1)).isZero();
            assertThat(first.retainedBytes()).isEqualTo(32768);
            assertThat(second.retainedBytes()).isEqualTo(32768);
        }

        @Test
        void releaseDropsEverythingAndTheDecoderWorksAgain() throws DataFormatException {
            byte[] chat = resource("chat.json");
            DeflateDecoder decoder = new DeflateDecoder(10);
            assertThat(decode(decoder, resource("chat-w10.deflate"))).isEqualTo(chat);
            assertThat(decoder.retainedBytes()).isEqualTo(1024);
            decoder.release();
            assertThat(decoder.retainedBytes()).isZero();
            assertThat(decoder.finished()).isFalse();
            assertThat(decode(decoder, resource("chat-w10.deflate"), 100, 300)).isEqualTo(chat);
            // released in the middle of a dynamic block: the tables go too
            byte[] compressed = resource("chat-w10.deflate");
            decoder.reset();
            decoder.setInput(compressed, 0, 40);
            decoder.inflate(new byte[100], 0, 100);
            assertThat(decoder.retainedBytes()).isGreaterThan(1024);
            decoder.release();
            assertThat(decoder.retainedBytes()).isZero();
            assertThat(decode(decoder, compressed)).isEqualTo(chat);
        }

        @Test
        void allocatesNothingPerMessageOnceWarm() throws DataFormatException {
            List<byte[]> messages = ChatCorpus.messages(1000, 6);
            List<byte[]> compressed = syncFlushed(messages, 6);
            List<ByteBuffer> direct = new ArrayList<>();
            for (byte[] c : compressed) {
                direct.add(ByteBuffer.allocateDirect(c.length).put(c).flip());
            }
            byte[] out = new byte[1 << 16];
            DeflateDecoder decoder = new DeflateDecoder(15);
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] allocated = new long[2];
            long[] produced = new long[2];
            for (int round = 0; round < 6; round++) {
                decoder.reset();
                boolean buffers = round % 2 == 1;
                long before = threads.getCurrentThreadAllocatedBytes();
                long total = 0;
                for (int i = 0; i < compressed.size(); i++) {
                    if (buffers) {
                        decoder.setInput(direct.get(i).rewind());
                    } else {
                        decoder.setInput(compressed.get(i), 0, compressed.get(i).length);
                    }
                    int n;
                    while ((n = decoder.inflate(out, 0, out.length)) > 0) {
                        total += n;
                    }
                }
                long after = threads.getCurrentThreadAllocatedBytes();
                allocated[round % 2] = after - before; // the last rounds count
                produced[round % 2] = total;
            }
            long expected = messages.stream().mapToLong(m -> m.length).sum();
            assertThat(produced).containsOnly(expected);
            assertThat(allocated[0] / compressed.size()).as("bytes per message from arrays").isLessThan(64);
            assertThat(allocated[1] / compressed.size()).as("bytes per message from direct buffers").isLessThan(64);
        }
    }
}
