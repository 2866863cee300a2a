package dev.seed.websocket.protocol.extension;

import static dev.seed.websocket.protocol.WireFormat.B0_FLAG_RSV1;
import static dev.seed.websocket.protocol.WireFormat.B0_FLAG_RSV2;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_BINARY;
import static dev.seed.websocket.protocol.WireFormat.OPCODE_TEXT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.CompressionMode;
import dev.seed.websocket.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 7692 sections 6 and 7.2: framing bits, compression and decompression. */
class PerMessageDeflateExtensionTest {

    private static final byte[] HELLO = "Hello".getBytes(US_ASCII);

    /** A client and a server extension agreed from two configurations. */
    private record Pair(PerMessageDeflateExtension client, PerMessageDeflateExtension server) {
    }

    private static Pair pair(UnaryOperator<PerMessageDeflate.Builder> clientConfig,
            UnaryOperator<PerMessageDeflate.Builder> serverConfig) throws Exception {
        PerMessageDeflate client = clientConfig.apply(PerMessageDeflate.builder()).build();
        PerMessageDeflate server = serverConfig.apply(PerMessageDeflate.builder()).build();
        PerMessageDeflateExtension s =
                (PerMessageDeflateExtension) server.negotiate(client.offers()).orElseThrow();
        return new Pair(client.accept(s.parameters()), s);
    }

    /** A server extension with context takeover, 15-bit windows and zlib (FULL mode), no threshold. */
    private static PerMessageDeflateExtension server() throws Exception {
        return pair(b -> b.compressionThreshold(0).mode(CompressionMode.FULL),
                b -> b.compressionThreshold(0).mode(CompressionMode.FULL)).server();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] array(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    /** Decodes one message given as chunks; the last one ends the message. */
    private static byte[] decode(Extension ext, byte[]... chunks) throws ProtocolException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < chunks.length; i++) {
            ByteBuffer in = ByteBuffer.wrap(chunks[i]);
            ext.decode(in, i == chunks.length - 1, chunk -> {
                byte[] a = new byte[chunk.remaining()];
                chunk.get(a);
                out.write(a, 0, a.length);
            });
            assertThat(in.hasRemaining()).isFalse();
        }
        return out.toByteArray();
    }

    // ---- RFC 7692 section 6: the RSV1 bit -------------------------------------------------

    @Test
    void rsv1MarksCompressedMessages() throws Exception {
        PerMessageDeflateExtension ext = server();
        assertThat(ext.reservedBits()).isEqualTo(B0_FLAG_RSV1);
        assertThat(ext.startIncomingMessage(B0_FLAG_RSV1)).isTrue();
        assertThat(ext.startIncomingMessage(0)).isFalse();
        assertThat(ext.startIncomingMessage(B0_FLAG_RSV2)).isFalse();
        ext.checkContinuation(0);
    }

    @Test
    void rsv1OnContinuationFrameIsAProtocolError() throws Exception {
        assertThatThrownBy(() -> server().checkContinuation(B0_FLAG_RSV1))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("RSV1 set on a continuation frame.")
                .extracting(e -> ((ProtocolException) e).closeCode()).isEqualTo(1002);
    }

    // ---- RFC 7692 section 7.2.3: the examples, byte for byte ------------------------------

    static Stream<Arguments> rfc7692Examples() {
        return Stream.of(
                // 7.2.3.1 A message compressed using 1 compressed DEFLATE block
                Arguments.of("7.2.3.1", bytes(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00), HELLO),
                // 7.2.3.3 Using a DEFLATE block with no compression
                Arguments.of("7.2.3.3", bytes(0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c,
                        0x6f, 0x00), HELLO),
                // 7.2.3.4 Using a DEFLATE block with BFINAL set to 1
                Arguments.of("7.2.3.4", bytes(0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00), HELLO),
                // 7.2.3.5 Two DEFLATE blocks in 1 message
                Arguments.of("7.2.3.5", bytes(0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca,
                        0xc9, 0xc9, 0x07, 0x00), HELLO),
                // 7.2.3.6 Generating an empty fragment
                Arguments.of("7.2.3.6", bytes(0x00), new byte[0]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc7692Examples")
    void decodesExample(String section, byte[] compressed, byte[] expected) throws Exception {
        assertThat(decode(server(), compressed)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc7692Examples")
    void decodesExampleFromDirectAndReadOnlyBuffers(String section, byte[] compressed,
            byte[] expected) throws Exception {
        ByteBuffer direct = ByteBuffer.allocateDirect(compressed.length + 3);
        direct.put(new byte[] {9, 9}).put(compressed).put((byte) 9).flip();
        direct.position(2).limit(2 + compressed.length);
        ByteBuffer readOnly = ByteBuffer.wrap(compressed).asReadOnlyBuffer();
        for (ByteBuffer in : List.of(direct, readOnly)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            server().decode(in, true, chunk -> {
                while (chunk.hasRemaining()) {
                    out.write(chunk.get());
                }
            });
            assertThat(out.toByteArray()).isEqualTo(expected);
            assertThat(in.hasRemaining()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc7692Examples")
    void decodesExampleSplitAnywhere(String section, byte[] compressed, byte[] expected)
            throws Exception {
        for (int i = 0; i <= compressed.length; i++) {
            byte[] head = Arrays.copyOfRange(compressed, 0, i);
            byte[] tail = Arrays.copyOfRange(compressed, i, compressed.length);
            assertThat(decode(server(), head, tail)).as("split at %d", i).isEqualTo(expected);
            assertThat(decode(server(), head, tail, new byte[0])).as("split at %d", i)
                    .isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc7692Examples")
    void decodesExampleAfterAnotherMessage(String section, byte[] compressed, byte[] expected)
            throws Exception {
        // Each example also decodes on a context that already holds a message, and the context
        // works on afterwards (7.2.3.4 ends its DEFLATE stream: the next message starts anew).
        PerMessageDeflateExtension ext = server();
        byte[] hello = bytes(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00);
        assertThat(decode(ext, hello)).isEqualTo(HELLO);
        assertThat(decode(ext, compressed)).isEqualTo(expected);
        assertThat(decode(ext, hello)).isEqualTo(HELLO);
    }

    @Test
    void encodesHelloAsInSection7_2_3_1() throws Exception {
        assertThat(array(server().compressMessage(ByteBuffer.wrap(HELLO))))
                .isEqualTo(bytes(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00));
    }

    @Test
    void sharesTheLz77WindowAsInSection7_2_3_2() throws Exception {
        PerMessageDeflateExtension sender = server();
        byte[] first = array(sender.compressMessage(ByteBuffer.wrap(HELLO)));
        byte[] second = array(sender.compressMessage(ByteBuffer.wrap(HELLO)));
        assertThat(first).isEqualTo(bytes(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00));
        assertThat(second).isEqualTo(bytes(0xf2, 0x00, 0x11, 0x00, 0x00));

        PerMessageDeflateExtension receiver = server();
        assertThat(decode(receiver, first)).isEqualTo(HELLO);
        assertThat(decode(receiver, second)).isEqualTo(HELLO);
        for (int i = 0; i <= second.length; i++) {
            PerMessageDeflateExtension r = server();
            decode(r, first);
            assertThat(decode(r, Arrays.copyOf(second, i), Arrays.copyOfRange(second, i, 5)))
                    .as("split at %d", i).isEqualTo(HELLO);
        }
    }

    @Test
    void emptyMessageCompressesToOneOctetAsInSection7_2_3_6() throws Exception {
        ByteBuffer empty = ByteBuffer.allocate(0);
        assertThat(array(PerMessageDeflate.compressStandalone(empty, 6))).isEqualTo(bytes(0x00));
        assertThat(array(server().compressMessage(empty))).isEqualTo(bytes(0x00));
        // Also in the middle of a context, where zlib would emit nothing for a second flush.
        PerMessageDeflateExtension sender = server();
        PerMessageDeflateExtension receiver = server();
        assertThat(decode(receiver, array(sender.compressMessage(ByteBuffer.wrap(HELLO)))))
                .isEqualTo(HELLO);
        byte[] middle = array(sender.compressMessage(empty));
        assertThat(middle).isEqualTo(bytes(0x00));
        assertThat(decode(receiver, middle)).isEmpty();
        assertThat(decode(receiver, array(sender.compressMessage(ByteBuffer.wrap(HELLO)))))
                .isEqualTo(HELLO);
        // One octet is not smaller than none: encode sends the empty message uncompressed.
        assertThat(server().encode(OPCODE_TEXT, empty)).isNull();
    }

    // ---- section 7.2.1: encode ------------------------------------------------------------

    @Test
    void messagesUnderTheThresholdGoUncompressedAndOneExactlyAtItIsCompressed() throws Exception {
        PerMessageDeflateExtension ext = pair(b -> b, b -> b.compressionThreshold(100)).server();
        byte[] text = "a".repeat(99).getBytes(US_ASCII);
        assertThat(ext.encode(OPCODE_TEXT, ByteBuffer.wrap(text))).isNull();
        ByteBuffer hundred = ByteBuffer.wrap("a".repeat(100).getBytes(US_ASCII));
        ByteBuffer compressed = ext.encode(OPCODE_TEXT, hundred);
        assertThat(compressed).isNotNull();
        assertThat(hundred.position()).isZero();
        assertThat(compressed.remaining()).isLessThan(100);
        assertThat(PerMessageDeflate.DEFAULT_COMPRESSION_THRESHOLD).isEqualTo(1024);
    }

    @Test
    void messagesThatDoNotShrinkGoUncompressedAndLeaveNoTrace() throws Exception {
        Pair p = pair(b -> b, b -> b.compressionThreshold(0));
        byte[] random = new byte[2000];
        new Random(1).nextBytes(random);
        byte[] text = "All work and no play makes Jack a dull boy. ".repeat(40).getBytes(US_ASCII);
        assertThat(p.server().encode(OPCODE_TEXT, ByteBuffer.wrap(HELLO))).isNull();
        assertThat(p.server().encode(OPCODE_BINARY, ByteBuffer.wrap(random))).isNull();
        // The dropped attempts must not be in the compressor's history: the client never saw
        // them, and a reference into them would decode wrongly.
        ByteBuffer compressed = p.server().encode(OPCODE_TEXT, ByteBuffer.wrap(text));
        assertThat(decode(p.client(), array(compressed))).isEqualTo(text);
    }

    @Test
    void encodedBufferHoldsExactlyTheCompressedBytes() throws Exception {
        PerMessageDeflateExtension ext = server();
        ByteBuffer payload = ByteBuffer.allocateDirect(10_000);
        while (payload.hasRemaining()) {
            payload.put((byte) ('a' + payload.position() % 7));
        }
        payload.flip().position(100);
        ByteBuffer compressed = ext.encode(OPCODE_BINARY, payload);
        assertThat(payload.position()).isEqualTo(100);
        assertThat(compressed.position()).isZero();
        assertThat(compressed.remaining()).isEqualTo(compressed.capacity());
        byte[] tail = Arrays.copyOfRange(array(compressed), compressed.remaining() - 4,
                compressed.remaining());
        assertThat(tail).isNotEqualTo(bytes(0x00, 0x00, 0xff, 0xff));
        byte[] expected = new byte[9_900];
        payload.duplicate().get(expected);
        assertThat(decode(server(), array(compressed))).isEqualTo(expected);
    }

    // ---- context takeover (section 7.1.1) -------------------------------------------------

    static Stream<Arguments> agreements() {
        return Stream.of(
                Arguments.of("takeover", (UnaryOperator<PerMessageDeflate.Builder>) b -> b),
                Arguments.of("no takeover", (UnaryOperator<PerMessageDeflate.Builder>) b -> b
                        .serverNoContextTakeover(true).clientNoContextTakeover(true)),
                Arguments.of("small windows", (UnaryOperator<PerMessageDeflate.Builder>) b -> b
                        .serverMaxWindowBits(9).clientMaxWindowBits(10)),
                Arguments.of("everything", (UnaryOperator<PerMessageDeflate.Builder>) b -> b
                        .serverNoContextTakeover(true).clientNoContextTakeover(true)
                        .serverMaxWindowBits(8).clientMaxWindowBits(8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("agreements")
    void hundredRandomMessagesRoundTripBothWays(String name,
            UnaryOperator<PerMessageDeflate.Builder> clientConfig) throws Exception {
        Pair p = pair(b -> clientConfig.apply(b).compressionThreshold(0),
                b -> b.compressionThreshold(0));
        Random random = new Random(42);
        String[] words = {"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog",
            "{\"id\":", "\"name\":", "websocket", "deflate", "\u00e9t\u00e9", "\u2603", "\n"};
        int compressedCount = 0;
        for (int m = 0; m < 100; m++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(4) == 0 ? random.nextInt(20) : random.nextInt(6000);
            while (sb.length() < length) {
                sb.append(words[random.nextInt(words.length)]).append(' ');
                if (random.nextInt(50) == 0) {
                    sb.append(random.nextLong());
                }
            }
            byte[] message = sb.toString().getBytes(UTF_8);
            boolean fromServer = random.nextBoolean();
            PerMessageDeflateExtension sender = fromServer ? p.server() : p.client();
            PerMessageDeflateExtension receiver = fromServer ? p.client() : p.server();
            ByteBuffer encoded = sender.encode(OPCODE_TEXT, ByteBuffer.wrap(message));
            if (encoded == null) {
                continue; // sent as is, with RSV1 clear: the receiver does not decode it
            }
            compressedCount++;
            byte[] wire = array(encoded);
            // Split into random frames.
            List<byte[]> frames = new ArrayList<>();
            int at = 0;
            while (at < wire.length) {
                int n = 1 + random.nextInt(wire.length - at);
                frames.add(Arrays.copyOfRange(wire, at, at + n));
                at += n;
            }
            if (random.nextBoolean()) {
                frames.add(new byte[0]);
            }
            assertThat(decode(receiver, frames.toArray(new byte[0][])))
                    .as("message %d", m).isEqualTo(message);
        }
        assertThat(compressedCount).isGreaterThan(50);
        p.client().close();
        p.server().close();
    }

    @Test
    void contextTakeoverShrinksARepeatedMessage() throws Exception {
        Pair p = pair(b -> b, b -> b.compressionThreshold(0));
        byte[] text = "The quick brown fox jumps over the lazy dog, again and again. "
                .repeat(3).getBytes(US_ASCII);
        int first = p.server().encode(OPCODE_TEXT, ByteBuffer.wrap(text)).remaining();
        int second = p.server().encode(OPCODE_TEXT, ByteBuffer.wrap(text)).remaining();
        assertThat(second).isLessThan(first / 4);
    }

    @Test
    void noContextTakeoverResetsEveryMessage() throws Exception {
        Pair p = pair(b -> b.serverNoContextTakeover(true).clientNoContextTakeover(true)
                .compressionThreshold(0), b -> b.compressionThreshold(0));
        assertThat(p.server().localNoContextTakeover()).isTrue();
        assertThat(p.client().localNoContextTakeover()).isTrue();
        byte[] text = "The quick brown fox jumps over the lazy dog, again and again. "
                .repeat(3).getBytes(US_ASCII);
        for (PerMessageDeflateExtension sender : List.of(p.server(), p.client())) {
            byte[] first = array(sender.encode(OPCODE_TEXT, ByteBuffer.wrap(text)));
            byte[] second = array(sender.encode(OPCODE_TEXT, ByteBuffer.wrap(text)));
            assertThat(second).isEqualTo(first);
        }
    }

    @Test
    void receiverWithoutTakeoverStillDecodesEachMessageAlone() throws Exception {
        // The client asked the server not to use context takeover: each server message is
        // self-contained, and the client resets its inflater between them.
        Pair p = pair(b -> b.serverNoContextTakeover(true).compressionThreshold(0),
                b -> b.compressionThreshold(0));
        assertThat(p.client().remoteNoContextTakeover()).isTrue();
        byte[] text = "abcdefgh".repeat(500).getBytes(US_ASCII);
        for (int i = 0; i < 3; i++) {
            assertThat(decode(p.client(), array(p.server().encode(OPCODE_TEXT,
                    ByteBuffer.wrap(text))))).isEqualTo(text);
        }
    }

    // ---- the window problem (section 7.1.2) -----------------------------------------------

    /**
     * Section 7.1.2.1: with server_max_window_bits=9 the server's compressor refers back at most
     * 511 bytes, and the client inflates with a 512-byte window that refuses anything farther: a
     * repetition within the window still shrinks to a few back-references, one farther apart than
     * the window cannot be used.
     */
    @Test
    void windowBelow15BitsKeepsBackReferencesWithinTheWindow() throws Exception {
        byte[] abc = "abc".repeat(1000).getBytes(US_ASCII);
        byte[] block = new byte[1024];
        new java.util.Random(7).nextBytes(block);
        byte[] farRepeat = new byte[3 * block.length];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(block, 0, farRepeat, i * block.length, block.length);
        }
        Pair small = pair(b -> b.serverMaxWindowBits(9).compressionThreshold(0),
                b -> b.compressionThreshold(0).mode(CompressionMode.FULL));
        assertThat(small.server().localMaxWindowBits()).isEqualTo(9);
        assertThat(small.client().remoteMaxWindowBits()).isEqualTo(9);
        Pair full = pair(b -> b.compressionThreshold(0).mode(CompressionMode.FULL),
                b -> b.compressionThreshold(0).mode(CompressionMode.FULL));

        byte[] near = array(small.server().encode(OPCODE_TEXT, ByteBuffer.wrap(abc)));
        assertThat(near.length).isLessThan(50);
        assertThat(decode(small.client(), near)).isEqualTo(abc);
        byte[] far = array(small.server().compressMessage(ByteBuffer.wrap(farRepeat)));
        assertThat(far.length).as("nothing 1 KiB back can be referred to").isGreaterThan(farRepeat.length - 100);
        assertThat(decode(small.client(), far)).isEqualTo(farRepeat);
        byte[] farFull = array(full.server().compressMessage(ByteBuffer.wrap(farRepeat)));
        assertThat(farFull.length).isLessThan(block.length + 100);
        assertThat(decode(full.client(), farFull)).isEqualTo(farRepeat);
        // The client role limits its own compressor the same way.
        Pair smallClient = pair(b -> b.clientMaxWindowBits(9).compressionThreshold(0),
                b -> b.compressionThreshold(0));
        byte[] fromClient = array(smallClient.client().compressMessage(ByteBuffer.wrap(farRepeat)));
        assertThat(fromClient.length).isGreaterThan(farRepeat.length - 100);
        assertThat(decode(smallClient.server(), fromClient)).isEqualTo(farRepeat);
    }

    /** A message whose back-reference reaches beyond the agreed window fails with 1007. */
    @Test
    void aDistanceBeyondTheAgreedWindowIsRefused() throws Exception {
        byte[] block = new byte[1024];
        new java.util.Random(8).nextBytes(block);
        ByteBuffer twice = ByteBuffer.allocate(2048).put(block).put(block).flip();
        byte[] farReference = array(PerMessageDeflate.compressStandalone(twice, 6, 15));
        Pair small = pair(b -> b.serverMaxWindowBits(9).compressionThreshold(0),
                b -> b.compressionThreshold(0));
        assertThatThrownBy(() -> decode(small.client(), farReference))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("Invalid compressed data.")
                .satisfies(e -> assertThat(((ProtocolException) e).closeCode()).isEqualTo(1007));
    }

    // ---- buffer ownership ------------------------------------------------------------------

    /**
     * A streaming handler is lent each inflated chunk, and may keep it for a send that goes out
     * later: the chunk is its connection's own, which another connection's inflation on the same
     * thread never overwrites (only sinks that copy at once share the thread's buffer).
     */
    @Test
    void aChunkLentToAStreamingHandlerIsNotOverwrittenByAnotherConnection() throws Exception {
        byte[] aa = "A".repeat(5000).getBytes(US_ASCII);
        byte[] bb = "B".repeat(5000).getBytes(US_ASCII);
        Pair a = pair(b -> b.compressionThreshold(0), b -> b.compressionThreshold(0));
        Pair b = pair(x -> x.compressionThreshold(0), x -> x.compressionThreshold(0));
        ByteBuffer[] kept = new ByteBuffer[1];
        a.server().decode(ByteBuffer.wrap(array(a.client().encode(OPCODE_TEXT, ByteBuffer.wrap(aa)))), true,
                chunk -> kept[0] = chunk.duplicate()); // a lending sink (copiesAtOnce false)
        assertThat(decode(b.server(), array(b.client().encode(OPCODE_TEXT, ByteBuffer.wrap(bb))))).isEqualTo(bb);
        byte[] seen = new byte[kept[0].remaining()];
        kept[0].get(seen);
        assertThat(new String(seen, US_ASCII)).matches("A+");
    }

    /**
     * A message flagged compressed with no payload byte at all is taken as empty, and the next
     * message still decodes: its tail alone (00 00 FF FF) would leave a stored block open.
     */
    @Test
    void anEmptyCompressedPayloadIsAnEmptyMessageAndTheNextOneDecodes() throws Exception {
        for (CompressionMode mode : CompressionMode.values()) {
            Pair p = pair(b -> b.compressionThreshold(0).mode(mode), b -> b.compressionThreshold(0).mode(mode));
            assertThat(decode(p.server(), new byte[0])).as(mode.name()).isEmpty();
            byte[] hello = array(p.client().compressMessage(ByteBuffer.wrap(HELLO)));
            assertThat(decode(p.server(), hello)).as(mode.name()).isEqualTo(HELLO);
            assertThat(decode(p.server(), new byte[0], new byte[0])).as(mode.name()).isEmpty();
            assertThat(decode(p.server(), array(p.client().compressMessage(ByteBuffer.wrap(HELLO)))))
                    .as(mode.name()).isEqualTo(HELLO);
        }
    }

    // ---- zip bombs and corrupt data (section 7.2.2) ---------------------------------------

    @Test
    void sinkStopsAZipBombAfterAtMostOneChunk() throws Exception {
        // About 100 KB of DEFLATE data that would inflate to 100 MiB of zeros.
        Deflater deflater = new Deflater(9, true);
        byte[] zeros = new byte[1 << 20];
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        for (int i = 0; i < 100; i++) {
            deflater.setInput(zeros);
            while (!deflater.needsInput()) {
                bomb.write(buf, 0, deflater.deflate(buf));
            }
        }
        int n;
        while ((n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            bomb.write(buf, 0, n);
        }
        deflater.end();
        byte[] compressed = bomb.toByteArray();
        assertThat(compressed.length).isBetween(50_000, 200_000);

        int limit = 1 << 20;
        long[] delivered = {0};
        PerMessageDeflateExtension ext = server();
        assertThatThrownBy(() -> {
            for (int at = 0; at < compressed.length; at += 4096) {
                int end = Math.min(compressed.length, at + 4096);
                ext.decode(ByteBuffer.wrap(compressed, at, end - at), end == compressed.length,
                        chunk -> {
                            delivered[0] += chunk.remaining();
                            if (delivered[0] > limit) {
                                throw new ProtocolException(1009, "Message too big.");
                            }
                        });
            }
        }).isInstanceOf(ProtocolException.class).hasMessage("Message too big.");
        assertThat(delivered[0]).isGreaterThan(limit)
                .isLessThanOrEqualTo(limit + PerMessageDeflateExtension.INFLATE_CHUNK_SIZE);
    }

    @Test
    void corruptDataFailsWith1007() throws Exception {
        // BFINAL=1 with the reserved block type 11.
        assertThatThrownBy(() -> decode(server(), bytes(0x07, 0x00)))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("Invalid compressed data.")
                .extracting(e -> ((ProtocolException) e).closeCode()).isEqualTo(1007);
        // A stored block whose NLEN is not the complement of LEN.
        assertThatThrownBy(() -> decode(server(), bytes(0x00, 0x05, 0x00, 0x00, 0x00, 0x48)))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("Invalid compressed data.");
        // A distance reaching before the start of the window.
        assertThatThrownBy(() -> decode(server(), bytes(0xf2, 0x00, 0x11, 0x00, 0x00)))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("Invalid compressed data.");
    }

    // ---- encode once, send to many ----------------------------------------------------------

    @Test
    void sharedCompressedMessageKeepsContextsConsistent() throws Exception {
        byte[] a = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(35)
                .getBytes(US_ASCII);
        byte[] b = "Sed ut perspiciatis unde omnis iste natus error sit volup. ".repeat(35)
                .getBytes(US_ASCII);
        for (boolean resetAfterShared : new boolean[] {true, false}) {
            Pair p = pair(x -> x.compressionThreshold(0), x -> x.compressionThreshold(0));
            ByteBuffer shared = PerMessageDeflate.compressStandalone(ByteBuffer.wrap(b), 6,
                    p.server().sharedCompressedWindowBits());
            assertThat(shared.remaining()).isLessThan(b.length / 4);
            assertThat(decode(p.client(), array(p.server().encode(OPCODE_TEXT, ByteBuffer.wrap(a)))))
                    .isEqualTo(a);
            assertThat(decode(p.client(), array(shared))).isEqualTo(b);
            if (resetAfterShared) {
                p.server().afterSharedCompressedMessage();
            }
            byte[] again = array(p.server().encode(OPCODE_TEXT, ByteBuffer.wrap(a)));
            if (resetAfterShared) {
                assertThat(decode(p.client(), again)).isEqualTo(a);
            } else {
                // Without the reset the server refers to its first message at a distance
                // where the client's window now holds the shared one.
                assertThat(decode(p.client(), again)).isNotEqualTo(a);
            }
        }
    }

    @Test
    void sharedCompressedMessagesFitTheConnectionsWindow() throws Exception {
        assertThat(pair(b -> b.serverMaxWindowBits(10), b -> b).server().sharedCompressedWindowBits())
                .isEqualTo(10);
        assertThat(pair(b -> b, b -> b.clientMaxWindowBits(10)).client().sharedCompressedWindowBits())
                .isEqualTo(10);
        assertThat(pair(b -> b.mode(CompressionMode.FULL), b -> b.mode(CompressionMode.FULL)).client()
                .sharedCompressedWindowBits())
                .isEqualTo(15);
        assertThatThrownBy(() -> PerMessageDeflate.compressStandalone(ByteBuffer.allocate(1), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Compression level must be 1 to 9: 0.");
    }

    // ---- lifecycle --------------------------------------------------------------------------

    @Test
    void closeIsIdempotentAndFinal() throws Exception {
        PerMessageDeflateExtension ext = server();
        ext.close(); // before any stream exists
        ext.close();
        PerMessageDeflateExtension used = server();
        byte[] text = "x".repeat(2000).getBytes(US_ASCII);
        decode(used, array(used.encode(OPCODE_TEXT, ByteBuffer.wrap(text))));
        used.close();
        used.close();
        assertThatThrownBy(() -> used.encode(OPCODE_TEXT, ByteBuffer.wrap(text)))
                .isInstanceOf(IllegalStateException.class).hasMessage("Extension closed.");
        assertThatThrownBy(() -> decode(used, bytes(0x00)))
                .isInstanceOf(IllegalStateException.class).hasMessage("Extension closed.");
    }
}
