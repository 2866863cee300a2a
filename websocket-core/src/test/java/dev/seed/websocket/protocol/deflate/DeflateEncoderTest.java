package dev.seed.websocket.protocol.deflate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DeflateEncoder} against zlib: every output is decoded by {@link Inflater} (raw, one
 * inflater per stream, so back-references into earlier calls are exercised) and must give back
 * exactly that call's input; Node's zlib, which enforces the window it is given, checks that no
 * distance reaches farther than 2^windowBits.
 */
class DeflateEncoderTest {

    private static final byte[] SYNC_FLUSH_TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};
    private static final int NO_LIMIT = Integer.MAX_VALUE;

    static List<Arguments> windowsAndLevels() {
        List<Arguments> args = new ArrayList<>();
        for (int windowBits = 9; windowBits <= 15; windowBits++) {
            for (int level : new int[] {1, 4, 6, 9}) {
                args.add(Arguments.of(windowBits, level));
            }
        }
        return args;
    }

    @ParameterizedTest(name = "windowBits {0}, level {1}")
    @MethodSource("windowsAndLevels")
    void everyKindOfInputRoundTripsThroughZlibWithContextKept(int windowBits, int level)
            throws DataFormatException {
        everyKindOfInputRoundTrips(new DeflateEncoder(windowBits, level, 8), windowBits);
    }

    @ParameterizedTest(name = "windowBits {0}, level {1}")
    @MethodSource("windowsAndLevels")
    void everyKindOfInputRoundTripsThroughZlibWhenCompactBetweenCalls(int windowBits, int level)
            throws DataFormatException {
        everyKindOfInputRoundTrips(new DeflateEncoder(windowBits, level, 8, true), windowBits);
    }

    private static void everyKindOfInputRoundTrips(DeflateEncoder encoder, int windowBits)
            throws DataFormatException {
        Inflater inflater = new Inflater(true);
        // The peer that keeps a window of exactly 2^windowBits bytes refuses any farther distance.
        DeflateDecoder peer = new DeflateDecoder(windowBits);
        DeflateOutput out = new DeflateOutput(64);
        int window = 1 << windowBits;

        assertThat(roundTrip(encoder, inflater, peer, out, new byte[0])).as("a sync flush alone")
                .containsExactly(0, 0, 0, 0xFF, 0xFF);
        roundTrip(encoder, inflater, peer, out, new byte[] {42});
        roundTrip(encoder, inflater, peer, out, "abc".getBytes(StandardCharsets.US_ASCII));
        byte[] ab = repeat("ab", 1 << 20);
        assertThat(roundTrip(encoder, inflater, peer, out, ab).length).isLessThan(ab.length / 100);

        byte[] random = randomBytes(100 * 1024, 11);
        assertThat(roundTrip(encoder, inflater, peer, out, random).length)
                .as("stored blocks of up to 65,535 bytes for incompressible data")
                .isLessThanOrEqualTo(random.length + 5 * ((random.length + 65_534) / 65_535) + 10);

        for (byte[] message : ChatCorpus.messages(2_000, 3)) {
            roundTrip(encoder, inflater, peer, out, message);
        }
        roundTrip(encoder, inflater, peer, out, mixed(1 << 20, 5));
        roundTrip(encoder, inflater, peer, out, mixed(window + 1_000, 6));
        roundTrip(encoder, inflater, peer, out, mixed(2 * window + 777, 7));
        roundTrip(encoder, inflater, peer, out, mixed(5 * window + 3, 8));
        roundTrip(encoder, inflater, peer, out, new byte[0]);
        roundTrip(encoder, inflater, peer, out, new byte[] {42});
        inflater.end();
    }

    @Test
    void chatMessagesReferToEarlierMessagesWithContextKept() throws DataFormatException {
        DeflateEncoder kept = new DeflateEncoder(15, 6, 8);
        DeflateEncoder reset = new DeflateEncoder(15, 6, 8);
        Inflater inflater = new Inflater(true);
        DeflateOutput out = new DeflateOutput(64);
        long keptTotal = 0;
        long resetTotal = 0;
        for (byte[] message : ChatCorpus.messages(200, 21)) {
            keptTotal += roundTrip(kept, inflater, out, message).length;
            reset.reset();
            Inflater fresh = new Inflater(true);
            resetTotal += roundTrip(reset, fresh, out, message).length;
            fresh.end();
        }
        inflater.end();
        assertThat(keptTotal).isLessThan(resetTotal * 3 / 4);
    }

    @Test
    void resetForgetsTheWindow() throws DataFormatException {
        DeflateEncoder encoder = new DeflateEncoder(12, 6, 8);
        DeflateOutput out = new DeflateOutput(64);
        byte[] message = ChatCorpus.messages(1, 4).get(0);
        Inflater first = new Inflater(true);
        byte[] alone = roundTrip(encoder, first, out, message);
        byte[] again = roundTrip(encoder, first, out, message);
        assertThat(again.length).as("the repeat refers to the first").isLessThan(alone.length / 3);
        first.end();

        encoder.reset();
        Inflater fresh = new Inflater(true);
        assertThat(roundTrip(encoder, fresh, out, message)).as("as from a new encoder")
                .containsExactly(alone);
        assertThat(roundTrip(encoder, fresh, out, message).length).as("context builds up again")
                .isEqualTo(again.length);
        fresh.end();
    }

    @Test
    void resetForgetsTheWindowAcrossSlides() throws DataFormatException {
        byte[] data = mixed(10_000, 31);
        for (int level : new int[] {1, 9}) {
            DeflateEncoder encoder = new DeflateEncoder(9, level, 8);
            DeflateOutput out = new DeflateOutput(64);
            for (int round = 0; round < 20; round++) {
                Inflater fresh = new Inflater(true);
                roundTrip(encoder, fresh, out, Arrays.copyOf(data, 100 + round * 400));
                roundTrip(encoder, fresh, out, Arrays.copyOf(data, 50 + round * 10));
                fresh.end();
                encoder.reset();
            }
        }
    }

    @Test
    void outputReachingTheLimitFailsAndResetsTheContext() throws DataFormatException {
        byte[] random = randomBytes(5_000, 12);
        byte[] message = ChatCorpus.messages(1, 13).get(0);
        DeflateEncoder encoder = new DeflateEncoder(15, 6, 8);
        DeflateOutput out = new DeflateOutput(64);
        Inflater inflater = new Inflater(true);
        roundTrip(encoder, inflater, out, message);
        inflater.end();

        out.clear();
        out.ensure(3);
        out.size = 3;
        ByteBuffer input = ByteBuffer.wrap(random);
        assertThat(encoder.compress(input, out, random.length)).isFalse();
        assertThat(input.hasRemaining()).as("input consumed").isFalse();
        assertThat(out.size()).as("output as before").isEqualTo(3);

        Inflater fresh = new Inflater(true);
        roundTrip(encoder, fresh, out, message);
        fresh.end();
    }

    @Test
    void limitIsTheFirstOutputSizeThatFails() {
        byte[] data = mixed(50_000, 14);
        DeflateOutput out = new DeflateOutput(64);
        assertThat(compress(new DeflateEncoder(13, 6, 8), data, out, NO_LIMIT)).isTrue();
        byte[] expected = Arrays.copyOf(out.array(), out.size());

        out.clear();
        assertThat(compress(new DeflateEncoder(13, 6, 8), data, out, expected.length + 1)).isTrue();
        assertThat(Arrays.copyOf(out.array(), out.size())).isEqualTo(expected);

        out.clear();
        assertThat(compress(new DeflateEncoder(13, 6, 8), data, out, expected.length)).isFalse();
        assertThat(compress(new DeflateEncoder(13, 6, 8), new byte[0], out, 5)).isFalse();
        assertThat(compress(new DeflateEncoder(13, 6, 8), new byte[0], out, 6)).isTrue();
    }

    @Test
    void retainedBytesAreTheWindowChainsAndHeadsOnly() throws DataFormatException {
        DeflateEncoder encoder = new DeflateEncoder(12, 6, 8);
        assertThat(encoder.retainedBytes()).as("arrays come on first use").isZero();
        DeflateOutput out = new DeflateOutput(64);
        Inflater inflater = new Inflater(true);
        for (byte[] message : ChatCorpus.messages(300, 15)) {
            roundTrip(encoder, inflater, out, message);
        }
        inflater.end();
        // window 2 * 4096 bytes, prev 4096 chars, head 2^min(12, 8 + 7) chars
        assertThat(encoder.retainedBytes()).isEqualTo(2 * 4096 + 2 * 4096 + 2 * 4096);

        encoder.release();
        assertThat(encoder.retainedBytes()).isZero();
        Inflater fresh = new Inflater(true);
        for (byte[] message : ChatCorpus.messages(50, 16)) {
            roundTrip(encoder, fresh, out, message);
        }
        fresh.end();
        assertThat(encoder.retainedBytes()).isEqualTo(6 * 4096);

        DeflateEncoder smallest = new DeflateEncoder(8, 1, 1);
        assertThat(smallest.windowBits()).as("8 is taken as 9").isEqualTo(9);
        compress(smallest, new byte[10], out, NO_LIMIT);
        assertThat(smallest.retainedBytes()).isEqualTo(2 * 512 + 2 * 512 + 2 * 256);
        DeflateEncoder largest = new DeflateEncoder(15, 9, 9);
        compress(largest, new byte[10], out, NO_LIMIT);
        assertThat(largest.retainedBytes()).isEqualTo(6L << 15);
    }

    @ParameterizedTest(name = "windowBits {0}")
    @ValueSource(ints = {9, 12, 13, 15})
    void compactEncoderCompressesTheChatCorpusAsTheOneKeepingItsArrays(int windowBits)
            throws DataFormatException {
        DeflateEncoder keeping = new DeflateEncoder(windowBits, 6, 8);
        DeflateEncoder compact = new DeflateEncoder(windowBits, 6, 8, true);
        Inflater keepingInflater = new Inflater(true);
        Inflater compactInflater = new Inflater(true);
        DeflateDecoder keepingPeer = new DeflateDecoder(windowBits);
        DeflateDecoder compactPeer = new DeflateDecoder(windowBits);
        DeflateOutput out = new DeflateOutput(64);
        long keepingTotal = 0;
        long compactTotal = 0;
        int identical = 0;
        List<byte[]> messages = ChatCorpus.messages(3_000, 3);
        for (byte[] message : messages) {
            byte[] k = roundTrip(keeping, keepingInflater, keepingPeer, out, message);
            byte[] c = roundTrip(compact, compactInflater, compactPeer, out, message);
            keepingTotal += k.length;
            compactTotal += c.length;
            if (Arrays.equals(k, c)) {
                identical++;
            }
        }
        keepingInflater.end();
        compactInflater.end();
        System.out.printf("Chat corpus, 3,000 messages, window %d, level 6: keeping %,d bytes,"
                        + " compact %,d (%+.3f%%), %,d outputs identical%n", windowBits,
                keepingTotal, compactTotal, 100.0 * (compactTotal - keepingTotal) / keepingTotal,
                identical);
        // At most 0.5% larger; it may be smaller, as the window slides less often when compact
        // (at 9 bits the keeping encoder slides every other message and loses candidates).
        assertThat(compactTotal * 1_000)
                .as("compact %,d bytes against %,d", compactTotal, keepingTotal)
                .isLessThanOrEqualTo(keepingTotal * 1_005);
    }

    @Test
    void compactEncoderRetainsItsHistoryOnly() throws DataFormatException {
        DeflateEncoder encoder = new DeflateEncoder(13, 6, 8, true);
        assertThat(encoder.retainedBytes()).as("nothing before first use").isZero();
        DeflateOutput out = new DeflateOutput(64);
        Inflater inflater = new Inflater(true);
        long seen = 0;
        for (byte[] message : ChatCorpus.messages(300, 15)) {
            roundTrip(encoder, inflater, out, message);
            seen += message.length;
            assertThat(encoder.retainedBytes()).as("after %,d bytes", seen)
                    .isEqualTo(Math.min(8_192, seen));
        }
        inflater.end();
        assertThat(encoder.retainedBytes()).isEqualTo(8_192);

        byte[] message = ChatCorpus.messages(1, 4).get(0);
        byte[] alone = roundTrip(new DeflateEncoder(13, 6, 8, true), new Inflater(true), out,
                message);
        encoder.reset();
        Inflater fresh = new Inflater(true);
        assertThat(roundTrip(encoder, fresh, out, message)).as("as from a new encoder")
                .containsExactly(alone);
        assertThat(roundTrip(encoder, fresh, out, message).length).as("context builds up again")
                .isLessThan(alone.length / 3);
        fresh.end();
        assertThat(encoder.retainedBytes()).as("the array stays after a reset").isEqualTo(8_192);

        encoder.release();
        assertThat(encoder.retainedBytes()).isZero();
        Inflater afterRelease = new Inflater(true);
        assertThat(roundTrip(encoder, afterRelease, out, message)).containsExactly(alone);
        assertThat(encoder.retainedBytes()).isEqualTo(message.length);
        for (byte[] m : ChatCorpus.messages(100, 16)) {
            roundTrip(encoder, afterRelease, out, m);
        }
        afterRelease.end();
        assertThat(encoder.retainedBytes()).isEqualTo(8_192);

        DeflateEncoder smallest = new DeflateEncoder(8, 1, 1, true);
        compress(smallest, new byte[2_000], out, NO_LIMIT);
        assertThat(smallest.retainedBytes()).as("8 is taken as 9").isEqualTo(512);
    }

    @Test
    void compactEncoderFailingAtTheLimitStartsAfresh() throws DataFormatException {
        byte[] random = randomBytes(5_000, 12);
        byte[] message = ChatCorpus.messages(1, 13).get(0);
        DeflateEncoder encoder = new DeflateEncoder(12, 6, 8, true);
        DeflateOutput out = new DeflateOutput(64);
        Inflater inflater = new Inflater(true);
        byte[] alone = roundTrip(encoder, inflater, out, message);
        inflater.end();

        out.clear();
        assertThat(compress(encoder, random, out, random.length)).isFalse();
        assertThat(out.size()).isZero();
        Inflater fresh = new Inflater(true);
        assertThat(roundTrip(encoder, fresh, out, message)).containsExactly(alone);
        fresh.end();
    }

    @Test
    void compactEncodersSharingTheThreadsArraysKeepTheirOwnHistories()
            throws DataFormatException {
        List<byte[]> messages = ChatCorpus.messages(1_000, 22);
        byte[] big = mixed(20_000, 23);
        DeflateOutput out = new DeflateOutput(64);
        for (int windowBits : new int[] {9, 12, 15}) {
            // a and b interleaved on this thread, each against the same encoder running alone
            DeflateEncoder a = new DeflateEncoder(windowBits, 6, 8, true);
            DeflateEncoder b = new DeflateEncoder(windowBits, 6, 8, true);
            DeflateEncoder aAlone = new DeflateEncoder(windowBits, 6, 8, true);
            DeflateEncoder bAlone = new DeflateEncoder(windowBits, 6, 8, true);
            // a third with other settings between them, on arrays of its own size
            DeflateEncoder other = new DeflateEncoder(windowBits == 15 ? 9 : 15, 6, 4, true);
            Inflater aInflater = new Inflater(true);
            Inflater bInflater = new Inflater(true);
            Inflater otherInflater = new Inflater(true);
            List<byte[]> aOutputs = new ArrayList<>();
            List<byte[]> bOutputs = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                byte[] m = i % 100 == 50 ? big : messages.get(i);
                if (i % 2 == 0) {
                    aOutputs.add(roundTrip(a, aInflater, out, m));
                } else {
                    bOutputs.add(roundTrip(b, bInflater, out, m));
                }
                if (i % 7 == 0) {
                    roundTrip(other, otherInflater, out, messages.get(messages.size() - 1 - i));
                }
            }
            aInflater.end();
            bInflater.end();
            otherInflater.end();
            for (int i = 0; i < messages.size(); i++) {
                byte[] m = i % 100 == 50 ? big : messages.get(i);
                out.clear();
                DeflateEncoder alone = i % 2 == 0 ? aAlone : bAlone;
                assertThat(compress(alone, m, out, NO_LIMIT)).isTrue();
                assertThat(Arrays.copyOf(out.array(), out.size()))
                        .as("window %d, message %d", windowBits, i)
                        .isEqualTo((i % 2 == 0 ? aOutputs : bOutputs).get(i / 2));
            }
        }
    }

    @Test
    void aCompactEncoderCallingAgainBeforeAnyOtherGoesOnFromTheThreadsArrays() throws DataFormatException {
        List<byte[]> messages = ChatCorpus.messages(200, 24);
        DeflateOutput out = new DeflateOutput(64);
        DeflateEncoder alone = new DeflateEncoder(14, 6, 8, true);
        Inflater inflater = new Inflater(true);
        for (byte[] m : messages) {
            roundTrip(alone, inflater, out, m);
        }
        assertThat(alone.rebuilds()).as("only the first call builds the arrays").isEqualTo(1);
        alone.reset();
        roundTrip(alone, new Inflater(true), out, messages.get(0));
        assertThat(alone.rebuilds()).as("after a reset").isEqualTo(2);

        // two interleaved: each call finds the other's state in the arrays and rebuilds its own
        DeflateEncoder a = new DeflateEncoder(14, 6, 8, true);
        DeflateEncoder b = new DeflateEncoder(14, 6, 8, true);
        Inflater aInflater = new Inflater(true);
        Inflater bInflater = new Inflater(true);
        for (int i = 0; i < 100; i++) {
            roundTrip(a, aInflater, out, messages.get(i));
            roundTrip(b, bInflater, out, messages.get(i + 100));
        }
        assertThat(a.rebuilds()).isEqualTo(100);
        assertThat(b.rebuilds()).isEqualTo(100);
        inflater.end();
        aInflater.end();
        bInflater.end();
    }

    @Test
    void anotherCompactEncoderFailingInBetweenMakesTheNextCallRebuild() throws DataFormatException {
        List<byte[]> messages = ChatCorpus.messages(100, 26);
        byte[] incompressible = randomBytes(20_000, 27);
        DeflateOutput out = new DeflateOutput(64);
        DeflateEncoder a = new DeflateEncoder(14, 6, 8, true);
        DeflateEncoder b = new DeflateEncoder(14, 6, 8, true);
        Inflater aInflater = new Inflater(true);
        for (int i = 0; i < messages.size(); i++) {
            byte[] m = messages.get(i);
            byte[] compressed = compressed(a, m, out);
            assertThat(inflate(aInflater, compressed, m.length)).as("message %d", i).isEqualTo(m);
            if (i % 10 == 0) {
                // b overwrites the thread's arrays with its own history, then gives up at the limit
                out.clear();
                assertThat(compress(b, incompressible, out, 100)).isFalse();
            }
        }
        aInflater.end();
        assertThat(a.rebuilds()).as("the first call and one after each failure of b").isEqualTo(11);
    }

    @Test
    void aCompactEncoderMovingBetweenThreadsNeverGoesOnFromArraysItLeftEarlier() throws Exception {
        List<byte[]> messages = ChatCorpus.messages(600, 25);
        DeflateOutput out = new DeflateOutput(64);
        DeflateEncoder moving = new DeflateEncoder(13, 6, 8, true);
        DeflateEncoder alone = new DeflateEncoder(13, 6, 8, true);
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            Inflater inflater = new Inflater(true);
            for (int i = 0; i < messages.size(); i++) {
                byte[] m = messages.get(i);
                // two calls here, one on the other thread, and so on: this thread's arrays still
                // hold the state of two calls back, which must not be taken for the current one
                byte[] moved = i % 3 == 2
                        ? other.submit(() -> compressed(moving, m, new DeflateOutput(64))).get()
                        : compressed(moving, m, out);
                assertThat(moved).as("message %d", i).isEqualTo(compressed(alone, m, out));
                assertThat(inflate(inflater, moved, m.length)).isEqualTo(m);
            }
            inflater.end();
        } finally {
            other.shutdownNow();
        }
        // each call follows another encoder's on this thread, or finds the other thread's arrays
        // as it left them three calls back: every one rebuilds
        assertThat(moving.rebuilds()).isEqualTo(messages.size());
    }

    private static byte[] compressed(DeflateEncoder encoder, byte[] message, DeflateOutput out) {
        out.clear();
        assertThat(compress(encoder, message, out, NO_LIMIT)).isTrue();
        return Arrays.copyOf(out.array(), out.size());
    }

    @Test
    void steadyStateCompactCompressionAllocatesNothing() {
        assertThat(bytesAllocatedPerMessage(new DeflateEncoder(13, 6, 8, true))).as("bytes allocated per message").isLessThan(64);
    }

    /** After warm-up, what compressing 1,000 chat messages into a reused output allocates per message. */
    private static long bytesAllocatedPerMessage(DeflateEncoder encoder) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<byte[]> messages = ChatCorpus.messages(1_000, 17);
        ByteBuffer[] inputs = new ByteBuffer[messages.size()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = ByteBuffer.wrap(messages.get(i));
        }
        DeflateOutput out = new DeflateOutput(64 * 1024);
        for (int round = 0; round < 5; round++) {
            compressAll(encoder, inputs, out);
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        compressAll(encoder, inputs, out);
        return (threads.getThreadAllocatedBytes(thread) - before) / inputs.length;
    }

    @Test
    void steadyStateCompressionAllocatesNothing() {
        assertThat(bytesAllocatedPerMessage(new DeflateEncoder(15, 6, 8))).as("bytes allocated per message").isLessThan(64);
    }

    @Test
    void chatCorpusCompressesWithinTenPercentOfZlib() throws DataFormatException {
        List<byte[]> messages = ChatCorpus.messages(5_000, 7);
        Deflater zlib = new Deflater(6, true);
        byte[] buf = new byte[64 * 1024];
        long zlibTotal = 0;
        for (byte[] message : messages) {
            zlib.setInput(message);
            int n = zlib.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            assertThat(n).isLessThan(buf.length);
            zlibTotal += n;
        }
        zlib.end();
        long[] ours = new long[16];
        for (int windowBits : new int[] {15, 12}) {
            DeflateEncoder encoder = new DeflateEncoder(windowBits, 6, 8);
            Inflater inflater = new Inflater(true);
            DeflateOutput out = new DeflateOutput(64);
            for (byte[] message : messages) {
                ours[windowBits] += roundTrip(encoder, inflater, out, message).length;
            }
            inflater.end();
        }
        System.out.printf("Chat corpus, 5,000 messages, level 6, context kept: zlib (window 15)"
                        + " %,d bytes; ours: window 15 %,d (%.3fx), window 12 %,d (%.3fx)%n",
                zlibTotal, ours[15], (double) ours[15] / zlibTotal, ours[12],
                (double) ours[12] / zlibTotal);
        assertThat(ours[15]).isLessThanOrEqualTo(zlibTotal * 110 / 100);
        assertThat(ours[12]).isLessThanOrEqualTo(zlibTotal * 125 / 100);
    }

    @Test
    void noDistanceReachesBeyondTheWindowAsNodeZlibChecks(@TempDir Path dir) throws Exception {
        byte[] data = farRepeats(18);
        List<String> manifest = new ArrayList<>();
        // 8: RFC 7692 lets peers agree on 256 bytes; the encoder works in 9 bits and must still
        // refer back no farther than 255 bytes.
        for (int windowBits : new int[] {8, 9, 10, 12, 15}) {
            for (int variant = 0; variant < 6; variant++) {
                int level = new int[] {1, 6, 9}[variant % 3];
                boolean compact = variant >= 3;
                // One call, then the same data again over many calls with the context kept.
                DeflateEncoder encoder = new DeflateEncoder(windowBits, level, 8, compact);
                DeflateOutput out = new DeflateOutput(64);
                assertThat(compress(encoder, data, out, NO_LIMIT)).isTrue();
                for (int from = 0; from < data.length; from += 1_500) {
                    int n = Math.min(1_500, data.length - from);
                    assertThat(encoder.compress(ByteBuffer.wrap(data, from, n), out, NO_LIMIT))
                            .isTrue();
                }
                Path file = dir.resolve(
                        "w" + windowBits + "-l" + level + (compact ? "-compact" : "") + ".deflate");
                Files.write(file, Arrays.copyOf(out.array(), out.size()));
                manifest.add(file + "," + windowBits + "," + sha256(concat(data, data)));
            }
        }
        // The control: zlib's own output, with its 32 KiB window, must be refused at 9 bits.
        Deflater zlib = new Deflater(6, true);
        zlib.setInput(data);
        byte[] buf = new byte[data.length * 2];
        int n = zlib.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        zlib.end();
        Path control = dir.resolve("zlib.deflate");
        Files.write(control, Arrays.copyOf(buf, n));
        manifest.add(control + ",9," + sha256(data));

        // chunkSize 64: back-references beyond the current output chunk go through zlib's window
        // of 2^windowBits bytes, which refuses them with "invalid distance too far back".
        String script = "const zlib = require('zlib'), fs = require('fs');"
                + "const crypto = require('crypto');"
                + "for (const entry of process.argv.slice(1)) {"
                + "  const [file, bits, sha] = entry.split(',');"
                + "  try {"
                + "    const data = zlib.inflateRawSync(fs.readFileSync(file), {"
                + "        windowBits: Number(bits), chunkSize: 64,"
                + "        finishFlush: zlib.constants.Z_SYNC_FLUSH});"
                + "    const got = crypto.createHash('sha256').update(data).digest('hex');"
                + "    console.log(got === sha ? 'ok' : 'mismatch');"
                + "  } catch (e) { console.log('error ' + e.message); }"
                + "}";
        List<String> command = new ArrayList<>(List.of("node", "-e", script));
        command.addAll(manifest);
        Process node;
        try {
            node = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("this test needs Node.js (node) on the PATH", e);
        }
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> lines = output.lines().toList();
        assertThat(lines).as(output).hasSize(manifest.size());
        assertThat(lines.subList(0, manifest.size() - 1)).as(output).containsOnly("ok");
        assertThat(lines.get(manifest.size() - 1)).contains("too far back");
    }

    @Test
    void seededRandomInputsRoundTripAtRandomSettings() throws DataFormatException {
        SplittableRandom random = new SplittableRandom(20_240_601);
        DeflateEncoder encoder = null;
        Inflater inflater = null;
        DeflateOutput out = new DeflateOutput(64);
        for (int i = 0; i < 2_000; i++) {
            if (i % 25 == 0) {
                encoder = new DeflateEncoder(8 + random.nextInt(8), 1 + random.nextInt(9),
                        1 + random.nextInt(9));
                if (inflater != null) {
                    inflater.end();
                }
                inflater = new Inflater(true);
            } else if (random.nextInt(20) == 0) {
                encoder.reset();
                inflater.end();
                inflater = new Inflater(true);
            }
            int length = random.nextInt(8) == 0 ? random.nextInt(70_001) : random.nextInt(4_000);
            byte[] input = randomInput(random, length);
            String what = "input " + i + ", " + length + " bytes, window " + encoder.windowBits();
            out.clear();
            ByteBuffer buffer = random.nextBoolean() ? ByteBuffer.wrap(input)
                    : ByteBuffer.allocateDirect(length).put(input).flip();
            assertThat(encoder.compress(buffer, out, NO_LIMIT)).as(what).isTrue();
            assertThat(buffer.hasRemaining()).as(what).isFalse();
            byte[] compressed = Arrays.copyOf(out.array(), out.size());
            assertThat(endsWithSyncFlush(compressed)).as(what).isTrue();
            assertThat(inflate(inflater, compressed, length)).as(what).isEqualTo(input);
        }
        inflater.end();
    }

    @Test
    void inputIsReadFromItsPositionAndOutputAppended() throws DataFormatException {
        byte[] message = ChatCorpus.messages(1, 19).get(0);
        byte[] padded = new byte[message.length + 20];
        System.arraycopy(message, 0, padded, 10, message.length);
        ByteBuffer input = ByteBuffer.wrap(padded, 10, message.length);
        DeflateOutput out = new DeflateOutput(16);
        out.ensure(7);
        out.size = 7;
        assertThat(new DeflateEncoder(10, 4, 8).compress(input, out, NO_LIMIT)).isTrue();
        assertThat(input.position()).isEqualTo(10 + message.length);
        byte[] compressed = Arrays.copyOfRange(out.array(), 7, out.size());
        Inflater inflater = new Inflater(true);
        assertThat(inflate(inflater, compressed, message.length)).isEqualTo(message);
        inflater.end();
    }

    @Test
    void smallSymbolBuffersSplitIntoManyBlocksAndStoredBytesStayTogether()
            throws DataFormatException {
        DeflateEncoder encoder = new DeflateEncoder(11, 6, 1);
        Inflater inflater = new Inflater(true);
        DeflateOutput out = new DeflateOutput(64);
        roundTrip(encoder, inflater, out, mixed(200_000, 20));
        byte[] random = randomBytes(70_000, 21);
        // 127 symbols a block, but two stored blocks in all
        assertThat(roundTrip(encoder, inflater, out, random).length)
                .isLessThanOrEqualTo(random.length + 2 * 5 + 5);
        inflater.end();
    }

    @Test
    void settingsOutOfRangeAreRejected() {
        int[][] invalid = {{7, 6, 8}, {16, 6, 8}, {15, 0, 8}, {15, 10, 8}, {15, 6, 0}, {15, 6, 10}};
        for (int[] s : invalid) {
            assertThatThrownBy(() -> new DeflateEncoder(s[0], s[1], s[2]))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new DeflateEncoder(s[0], s[1], s[2], true))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static boolean compress(DeflateEncoder encoder, byte[] data, DeflateOutput out,
            int limit) {
        return encoder.compress(ByteBuffer.wrap(data), out, limit);
    }

    private static void compressAll(DeflateEncoder encoder, ByteBuffer[] inputs,
            DeflateOutput out) {
        for (ByteBuffer input : inputs) {
            input.clear();
            out.clear();
            if (!encoder.compress(input, out, NO_LIMIT)) {
                throw new AssertionError("limit");
            }
        }
    }

    /**
     * Compresses {@code input} in one call, checks the sync flush at the end and that the
     * inflater gives back exactly the input; returns the compressed bytes.
     */
    private static byte[] roundTrip(DeflateEncoder encoder, Inflater inflater, DeflateOutput out,
            byte[] input) throws DataFormatException {
        out.clear();
        ByteBuffer buffer = ByteBuffer.wrap(input);
        assertThat(encoder.compress(buffer, out, NO_LIMIT)).isTrue();
        assertThat(buffer.hasRemaining()).isFalse();
        byte[] compressed = Arrays.copyOf(out.array(), out.size());
        assertThat(endsWithSyncFlush(compressed)).as("ends with 00 00 FF FF").isTrue();
        byte[] decoded = inflate(inflater, compressed, input.length);
        if (!Arrays.equals(decoded, input)) {
            throw new AssertionError("decoded " + decoded.length + " bytes differ from the "
                    + input.length + " of the input at " + Arrays.mismatch(decoded, input));
        }
        return compressed;
    }

    /**
     * {@link #roundTrip}, then the output must also decode to the input with {@code peer}, a
     * decoder that keeps the agreed window only.
     */
    private static byte[] roundTrip(DeflateEncoder encoder, Inflater inflater, MessageDecoder peer,
            DeflateOutput out, byte[] input) throws DataFormatException {
        byte[] compressed = roundTrip(encoder, inflater, out, input);
        peer.setInput(compressed, 0, compressed.length);
        byte[] buf = new byte[input.length + 16];
        int n = 0;
        while (true) {
            int k = peer.inflate(buf, n, buf.length - n);
            n += k;
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            } else if (k == 0) {
                break;
            }
        }
        assertThat(peer.needsInput()).isTrue();
        assertThat(peer.finished()).isFalse();
        if (!Arrays.equals(buf, 0, n, input, 0, input.length)) {
            throw new AssertionError("the peer's " + n + " bytes differ from the " + input.length
                    + " of the input");
        }
        return compressed;
    }

    private static boolean endsWithSyncFlush(byte[] compressed) {
        return compressed.length >= 5 && Arrays.equals(compressed, compressed.length - 4,
                compressed.length, SYNC_FLUSH_TAIL, 0, 4);
    }

    /** Everything the inflater makes of {@code compressed}, which it must consume entirely. */
    private static byte[] inflate(Inflater inflater, byte[] compressed, int expected)
            throws DataFormatException {
        inflater.setInput(compressed);
        byte[] buf = new byte[expected + 16];
        int n = 0;
        while (true) {
            int k = inflater.inflate(buf, n, buf.length - n);
            n += k;
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            } else if (k == 0) {
                break;
            }
        }
        assertThat(inflater.needsInput()).isTrue();
        assertThat(inflater.finished()).isFalse();
        assertThat(inflater.getRemaining()).isZero();
        return Arrays.copyOf(buf, n);
    }

    private static byte[] repeat(String s, int length) {
        byte[] unit = s.getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = unit[i % unit.length];
        }
        return b;
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] b = new byte[length];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    /**
     * A file of mixed content: chat JSON, random bytes, runs of one byte, and copies of earlier
     * stretches at distances near and far.
     */
    private static byte[] mixed(int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> chat = ChatCorpus.messages(200, seed);
        ByteArrayOutputStream b = new ByteArrayOutputStream(length + 70_000);
        while (b.size() < length) {
            switch (random.nextInt(5)) {
                case 0 -> b.writeBytes(chat.get(random.nextInt(chat.size())));
                case 1 -> b.writeBytes(randomBytes(1 + random.nextInt(3_000), random.nextLong()));
                case 2 -> {
                    byte[] run = new byte[1 + random.nextInt(1_000)];
                    Arrays.fill(run, (byte) random.nextInt(256));
                    b.writeBytes(run);
                }
                default -> {
                    byte[] sofar = b.toByteArray();
                    if (sofar.length > 0) {
                        int from = random.nextInt(sofar.length);
                        int n = Math.min(sofar.length - from, 1 + random.nextInt(2_000));
                        b.write(sofar, from, n);
                    }
                }
            }
        }
        return Arrays.copyOf(b.toByteArray(), length);
    }

    /** Random input of {@code length}: random runs, runs of one byte, repeats at any distance. */
    private static byte[] randomInput(SplittableRandom random, int length) {
        byte[] b = new byte[length];
        int alphabet = 1 + random.nextInt(256);
        int i = 0;
        while (i < length) {
            int n = Math.min(length - i, 1 + random.nextInt(random.nextBoolean() ? 20 : 600));
            switch (random.nextInt(4)) {
                case 0 -> {
                    for (int k = 0; k < n; k++) {
                        b[i + k] = (byte) random.nextInt(alphabet);
                    }
                }
                case 1 -> Arrays.fill(b, i, i + n, (byte) random.nextInt(256));
                default -> {
                    if (i == 0) {
                        b[0] = (byte) random.nextInt(256);
                        n = 1;
                    } else {
                        int reach = Math.min(i, random.nextBoolean() ? 300 : 40_000);
                        int dist = 1 + random.nextInt(reach);
                        for (int k = 0; k < n; k++) {
                            b[i + k] = b[i + k - dist];
                        }
                    }
                }
            }
            i += n;
        }
        return b;
    }

    /**
     * Random stretches, each followed by a copy of its start, so that the copies lie at distances
     * from 300 bytes to 40,000; then a 4 KiB random block four times.
     */
    private static byte[] farRepeats(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int[] distances = {300, 511, 513, 700, 1_030, 2_100, 4_095, 4_097, 5_000, 20_000, 32_767,
                40_000};
        for (int distance : distances) {
            byte[] stretch = randomBytes(distance, random.nextLong());
            b.writeBytes(stretch);
            b.write(stretch, 0, Math.min(distance, 1_000));
        }
        byte[] block = randomBytes(4_096, random.nextLong());
        for (int k = 0; k < 4; k++) {
            b.writeBytes(block);
        }
        return b.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
