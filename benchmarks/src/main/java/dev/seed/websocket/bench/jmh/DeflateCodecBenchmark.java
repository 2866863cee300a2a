package dev.seed.websocket.bench.jmh;

import dev.seed.websocket.protocol.deflate.ChatCorpus;
import dev.seed.websocket.protocol.deflate.DeflateDecoder;
import dev.seed.websocket.protocol.deflate.DeflateEncoder;
import dev.seed.websocket.protocol.deflate.DeflateOutput;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Our DEFLATE ({@link DeflateEncoder}, {@link DeflateDecoder}: what {@code CompressionMode.WINDOWED}
 * runs) against the JDK's zlib ({@link Deflater}, {@link Inflater}, raw) on a JSON chat corpus
 * ({@code ChatCorpus.messages(2000, 1)}), one message per call, in corpus order, the context kept
 * from call to call as a connection keeps it; each message ends with a sync flush.
 *
 * <ul>
 *   <li>{@code compress}: ours with a window of {@code windowBits} against zlib, whose window is
 *       always 15 bits, at the same {@code level}.</li>
 *   <li>{@code inflate}: both decompressors inflate the same streams, the corpus as our encoder
 *       compressed it at {@code windowBits} and {@code level} (each message with its
 *       {@code 00 00 FF FF} tail, as a receiver restores it).</li>
 * </ul>
 *
 * The secondary metric {@code messageBytes} is uncompressed bytes per second (RunJmh prints it as
 * MB/s); the compressed size of the corpus, ours against zlib, is printed at setup and by RunJmh
 * ({@link #sizeReport()}). The corpus is cyclic for the decompressors: a message refers back only to
 * the messages before it, which come again in the same order on the next pass.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DeflateCodecBenchmark {

    /** Messages of the corpus. */
    static final int MESSAGES = 2000;
    /** Seed of the corpus. */
    static final long SEED = 1;
    /** zlib's default memLevel, the one {@link Deflater} uses: the same hash table size for ours. */
    static final int MEM_LEVEL = DeflateEncoder.DEFAULT_MEM_LEVEL;
    /** The empty stored block a sync flush ends with; permessage-deflate does not send it. */
    private static final int TAIL = 4;

    /** Base-2 logarithm of our window (zlib's is always 15). */
    @Param({"15", "14", "12"})
    public int windowBits;

    /** Compression level of both compressors, as zlib's. */
    @Param({"6", "1"})
    public int level;

    /** The corpus, in order. */
    private byte[][] messages;
    /** Each message wrapped once; {@link ByteBuffer#clear()} rewinds it for the next pass. */
    private ByteBuffer[] inputs;
    /** The corpus as our encoder compressed it at windowBits and level, tails kept: what both decompressors inflate. */
    private byte[][] compressed;
    /** Index of the message the next call handles. */
    private int next;

    /** Our compressor, its context kept from call to call. */
    private DeflateEncoder oursEncoder;
    /** Ours keeping only its history between messages (WINDOWED's form). */
    private DeflateEncoder oursCompactEncoder;
    /** Connections taking turns on one loop in the interleaved benchmark. */
    static final int INTERLEAVED = 8;
    /** WINDOWED's form, {@link #INTERLEAVED} connections' encoders taking turns, one message each. */
    private DeflateEncoder[] oursCompactTurns;
    /** Which of {@link #oursCompactTurns} compresses next. */
    private int turn;
    /** Where our compressor writes; cleared before each message. */
    private DeflateOutput oursOut;
    /** zlib's compressor, its context kept from call to call. */
    private Deflater zlibDeflater;
    /** Where zlib's compressor writes: room for any message of the corpus in one call. */
    private byte[] zlibOut;
    /** Our decompressor, its window kept from call to call. */
    private DeflateDecoder oursDecoder;
    /** zlib's decompressor, its window kept from call to call. */
    private Inflater zlibInflater;
    /** Where both decompressors write: room for any message of the corpus. */
    private byte[] inflated;

    /** Uncompressed bytes handled, reported per second next to the calls per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class MessageBytes {
        /** Uncompressed bytes of the messages handled in this iteration. */
        public long messageBytes;

        @Setup(Level.Iteration)
        public void reset() {
            messageBytes = 0;
        }
    }

    @Setup
    public void setup() throws DataFormatException {
        messages = corpus();
        int longest = Arrays.stream(messages).mapToInt(m -> m.length).max().orElse(0);
        inputs = Arrays.stream(messages).map(ByteBuffer::wrap).toArray(ByteBuffer[]::new);
        compressed = compressWithOurs(messages, windowBits, level);
        checkInflate(messages, compressed, windowBits);
        System.out.println(sizeLine(windowBits, level));
        oursEncoder = new DeflateEncoder(windowBits, level, MEM_LEVEL);
        oursCompactEncoder = new DeflateEncoder(windowBits, level, MEM_LEVEL, true);
        oursCompactTurns = new DeflateEncoder[INTERLEAVED];
        for (int k = 0; k < INTERLEAVED; k++) {
            oursCompactTurns[k] = new DeflateEncoder(windowBits, level, MEM_LEVEL, true);
        }
        turn = 0;
        oursOut = new DeflateOutput(longest * 2 + 64);
        zlibDeflater = new Deflater(level, true);
        zlibOut = new byte[longest * 2 + 64];
        oursDecoder = new DeflateDecoder(windowBits);
        zlibInflater = new Inflater(true);
        inflated = new byte[longest + 64];
        next = 0;
    }

    @TearDown
    public void tearDown() {
        zlibDeflater.end();
        zlibInflater.end();
    }

    /** The index of the message this call handles; moves on to the next one. */
    private int advance() {
        int i = next;
        next = i + 1 == messages.length ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public int compress_ours(MessageBytes bytes) {
        int i = advance();
        oursOut.clear();
        oursEncoder.compress(inputs[i].clear(), oursOut, Integer.MAX_VALUE);
        bytes.messageBytes += messages[i].length;
        return oursOut.size();
    }

    /**
     * As WINDOWED runs it for a connection sending messages in a row: only the history is kept
     * between messages, and the thread's arrays still hold this encoder's chains from its last
     * message (no other connection compressed in between), so nothing is rebuilt.
     */
    @Benchmark
    public int compress_ours_compact(MessageBytes bytes) {
        int i = advance();
        oursOut.clear();
        oursCompactEncoder.compress(inputs[i].clear(), oursOut, Integer.MAX_VALUE);
        bytes.messageBytes += messages[i].length;
        return oursOut.size();
    }

    /**
     * As WINDOWED runs it for {@link #INTERLEAVED} connections taking turns on one event loop, a
     * message each: every message finds another connection's chains in the thread's arrays and
     * rebuilds its own from its history (2^windowBits insertions), the memory saving's price.
     */
    @Benchmark
    public int compress_ours_compact_interleaved(MessageBytes bytes) {
        int i = advance();
        DeflateEncoder encoder = oursCompactTurns[turn];
        turn = turn + 1 == INTERLEAVED ? 0 : turn + 1;
        oursOut.clear();
        encoder.compress(inputs[i].clear(), oursOut, Integer.MAX_VALUE);
        bytes.messageBytes += messages[i].length;
        return oursOut.size();
    }

    @Benchmark
    public int compress_zlib(MessageBytes bytes) {
        int i = advance();
        zlibDeflater.setInput(messages[i]);
        int n = zlibDeflater.deflate(zlibOut, 0, zlibOut.length, Deflater.SYNC_FLUSH);
        bytes.messageBytes += messages[i].length;
        return n;
    }

    @Benchmark
    public int inflate_ours(MessageBytes bytes) throws DataFormatException {
        byte[] in = compressed[advance()];
        oursDecoder.setInput(in, 0, in.length);
        int total = 0;
        int n;
        while ((n = oursDecoder.inflate(inflated, total, inflated.length - total)) > 0) {
            total += n;
        }
        bytes.messageBytes += total;
        return total;
    }

    @Benchmark
    public int inflate_zlib(MessageBytes bytes) throws DataFormatException {
        byte[] in = compressed[advance()];
        zlibInflater.setInput(in);
        int total = 0;
        int n;
        while ((n = zlibInflater.inflate(inflated, total, inflated.length - total)) > 0) {
            total += n;
        }
        bytes.messageBytes += total;
        return total;
    }

    // ------------------------------------------------------------------ corpus and sizes

    static byte[][] corpus() {
        List<byte[]> list = ChatCorpus.messages(MESSAGES, SEED);
        return list.toArray(new byte[0][]);
    }

    /** The corpus compressed in order by one fresh encoder of ours, each message with its tail. */
    static byte[][] compressWithOurs(byte[][] messages, int windowBits, int level) {
        DeflateEncoder encoder = new DeflateEncoder(windowBits, level, MEM_LEVEL);
        DeflateOutput out = new DeflateOutput(4096);
        byte[][] result = new byte[messages.length][];
        for (int i = 0; i < messages.length; i++) {
            out.clear();
            if (!encoder.compress(ByteBuffer.wrap(messages[i]), out, Integer.MAX_VALUE)) {
                throw new IllegalStateException("our encoder gave up on message " + i);
            }
            result[i] = Arrays.copyOf(out.array(), out.size());
        }
        return result;
    }

    /** The corpus compressed in order by one fresh zlib deflater: bytes of each message, tail included. */
    static long[] zlibSizes(byte[][] messages, int level) {
        Deflater deflater = new Deflater(level, true);
        try {
            int longest = Arrays.stream(messages).mapToInt(m -> m.length).max().orElse(0);
            byte[] out = new byte[longest * 2 + 64];
            long[] sizes = new long[messages.length];
            for (int i = 0; i < messages.length; i++) {
                deflater.setInput(messages[i]);
                sizes[i] = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
                if (!deflater.needsInput()) {
                    throw new IllegalStateException("zlib's output of message " + i + " did not fit");
                }
            }
            return sizes;
        } finally {
            deflater.end();
        }
    }

    /** Fails unless both decompressors turn {@code compressed} back into {@code messages}. */
    static void checkInflate(byte[][] messages, byte[][] compressed, int windowBits) throws DataFormatException {
        DeflateDecoder ours = new DeflateDecoder(windowBits);
        Inflater zlib = new Inflater(true);
        try {
            for (int i = 0; i < messages.length; i++) {
                byte[] out = new byte[messages[i].length + 64];
                ours.setInput(compressed[i], 0, compressed[i].length);
                int n = 0;
                int k;
                while ((k = ours.inflate(out, n, out.length - n)) > 0) {
                    n += k;
                }
                if (!Arrays.equals(out, 0, n, messages[i], 0, messages[i].length) || ours.getRemaining() != 0) {
                    throw new IllegalStateException("our decoder inflated message " + i + " wrongly");
                }
                zlib.setInput(compressed[i]);
                n = 0;
                while ((k = zlib.inflate(out, n, out.length - n)) > 0) {
                    n += k;
                }
                if (!Arrays.equals(out, 0, n, messages[i], 0, messages[i].length) || zlib.getRemaining() != 0) {
                    throw new IllegalStateException("zlib inflated our message " + i + " wrongly");
                }
            }
        } finally {
            zlib.end();
        }
    }

    /** Compressed size of the corpus as sent (without the tails), ours against zlib, for one setting. */
    static String sizeLine(int windowBits, int level) {
        byte[][] messages = corpus();
        long original = Arrays.stream(messages).mapToLong(m -> m.length).sum();
        long ours = Arrays.stream(compressWithOurs(messages, windowBits, level)).mapToLong(c -> c.length - TAIL).sum();
        long zlib = Arrays.stream(zlibSizes(messages, level)).map(n -> n - TAIL).sum();
        return String.format(Locale.ROOT, "windowBits=%d level=%d: %,d B of chat -> ours %,d B (%.3f),"
                + " zlib (15 bits) %,d B (%.3f), ours/zlib %.3f", windowBits, level, original, ours,
                ours / (double) original, zlib, zlib / (double) original, ours / (double) zlib);
    }

    /** {@link #sizeLine} for every setting the benchmark runs. */
    public static String sizeReport() {
        StringBuilder sb = new StringBuilder();
        for (int bits : new int[] {15, 12}) {
            for (int level : new int[] {6, 1}) {
                sb.append("  ").append(sizeLine(bits, level)).append('\n');
            }
        }
        return sb.toString();
    }
}
