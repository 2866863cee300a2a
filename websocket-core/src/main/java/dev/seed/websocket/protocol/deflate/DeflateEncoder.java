package dev.seed.websocket.protocol.deflate;

import java.nio.ByteBuffer;

/**
 * A raw DEFLATE compressor (RFC 1951) whose LZ77 window is 2^windowBits bytes, 9 to 15, and whose
 * memory follows that window. One instance is one compression context (one direction of one
 * connection); it is not thread safe.
 *
 * <p>Contract (the permessage-deflate extension relies on each point):
 * <ul>
 *   <li>{@link #compress} takes all of a message (or part of one) and ends the output with a sync
 *       flush: the blocks for the input, none with BFINAL set, then an empty stored block
 *       ({@code 00 00 FF FF}), byte aligned. The bytes written so far form a valid DEFLATE stream
 *       prefix that zlib's inflater (and {@link DeflateDecoder}) decodes to exactly the input.</li>
 *   <li>No back-reference reaches further than 2^windowBits bytes (section 3.2.5 distances), and
 *       with context kept, back-references may reach into earlier calls' input (the window).</li>
 *   <li>{@link #reset()} forgets the window: the next output refers to nothing before it.</li>
 *   <li>Memory kept between calls ({@link #retainedBytes()}): the window, the hash chains and
 *       heads only; symbol buffers, frequency counts and Huffman trees live in per-thread scratch
 *       and are not retained per instance. {@link #release()} drops everything (0 bytes retained)
 *       and implies {@link #reset()}; the arrays come back on next use.</li>
 *   <li>Compact between calls (the four-argument constructor): only the history is kept, the last
 *       min(2^windowBits, bytes since the reset) bytes, in an array of that length, so 2^windowBits
 *       bytes instead of 6 * 2^windowBits. Each call rebuilds the window, chains and heads from it
 *       in per-thread arrays, one insertion per history byte, and compresses as the instance
 *       keeping them would, with the same reach into earlier calls. The output is the same except
 *       where the window slides (less often when compact) and, at levels 1 to 3, where a long
 *       match left positions out of the chains (compact links every history position).</li>
 * </ul>
 *
 * <p>Design: {@code java.util.zip.Deflater} keeps a 32 KiB window and about 256 KiB of native
 * memory whatever the peer agreed to; this class is zlib's algorithm with its state cut to the
 * agreed window, in four package-private parts:
 * <ul>
 *   <li>{@link Lz77Matcher}, one per instance, the only state kept between calls: a buffer of two
 *       windows ({@code 2 * 2^windowBits} bytes, the upper half slides down when it fills), hash
 *       chains {@code prev} of 2^windowBits {@code char} positions and {@code head} of
 *       2^min(windowBits, memLevel + 7), so at most 6 * 2^windowBits bytes: 192 KiB at 15 bits,
 *       24 KiB at 12, 3 KiB at 9. It turns the input into literals and length/distance pairs
 *       (section 3.2.5), greedily at levels 1 to 3 and lazily at 4 to 9, with zlib's
 *       configuration table.</li>
 *   <li>{@link BlockWriter}, one per thread in a {@code ThreadLocal}, used only while a call
 *       runs: the symbol buffer, frequency counts and codes. Whenever the buffer fills
 *       (2^(memLevel + 6) - 1 symbols, as zlib) and at the end of the call, it writes a block,
 *       the smallest of stored (section 3.2.4), fixed Huffman (section 3.2.6) and dynamic Huffman
 *       (section 3.2.7), then the sync flush, straight into the {@link DeflateOutput} array.</li>
 *   <li>{@link HuffmanCodeBuilder}: length-limited code lengths and canonical codes.</li>
 *   <li>{@link BlockCodes}: the constant tables of sections 3.2.5 to 3.2.7.</li>
 * </ul>
 * The arrays come on the first call; after that a call allocates nothing, except a larger
 * {@link DeflateOutput} array when a message needs one.
 */
public final class DeflateEncoder implements MessageEncoder {

    /** The smallest output of a call: an empty input's sync flush, {@code 00 00 00 FF FF}. */
    private static final int MIN_OUTPUT = 5;

    /** The per-thread scratch: symbols, counts, codes and the bit writer. */
    private static final ThreadLocal<BlockWriter> SCRATCH =
            ThreadLocal.withInitial(BlockWriter::new);

    /** The window's base-2 logarithm, 9..15. */
    private final int windowBits;
    /**
     * The LZ77 state: window, chains and heads, the only arrays kept between calls; compact, the
     * history only.
     */
    private final Lz77Matcher matcher;

    /**
     * zlib's default memLevel: 2^min(windowBits, 15) hash heads, as many heads as window
     * positions up to the full window, which keeps the chains short at every window size.
     */
    public static final int DEFAULT_MEM_LEVEL = 8;

    /**
     * An encoder that keeps its window, chains and heads between calls (6 * 2^windowBits bytes at
     * most); see {@link #DeflateEncoder(int, int, int, boolean)}.
     *
     * @param windowBits base-2 logarithm of the LZ77 window, 9 to 15 (RFC 7692 section 7.1.2
     *     allows 8, served by a 9-bit window whose matches refer back at most 255 bytes)
     * @param level 1 (fastest) to 9 (smallest), as zlib's levels
     * @param memLevel 1 to 9, as zlib's: the hash table has 2^min(windowBits, memLevel + 7) heads
     */
    public DeflateEncoder(int windowBits, int level, int memLevel) {
        this(windowBits, level, memLevel, false);
    }

    /**
     * @param windowBits base-2 logarithm of the LZ77 window, 8 to 15 (RFC 7692 section 7.1.2);
     *     8 is served by a window of 9 bits whose matches refer back at most 255 bytes, so that a
     *     peer keeping 256 bytes decodes them (zlib too treats 8 as 9, its distances stopping at
     *     250)
     * @param level 1 (fastest) to 9 (smallest), as zlib's levels
     * @param memLevel 1 to 9, as zlib's: the hash table has 2^min(windowBits, memLevel + 7) heads
     * @param compactBetweenCalls keep only the last 2^windowBits bytes of history between calls
     *     (at most 2^windowBits bytes retained) and rebuild the chains from them at the start of
     *     each call, in arrays of the thread: less memory per instance, more time per call
     */
    public DeflateEncoder(int windowBits, int level, int memLevel, boolean compactBetweenCalls) {
        if (windowBits < 8 || windowBits > 15) {
            throw new IllegalArgumentException("windowBits must be 8 to 15: " + windowBits);
        }
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("level must be 1 to 9: " + level);
        }
        if (memLevel < 1 || memLevel > 9) {
            throw new IllegalArgumentException("memLevel must be 1 to 9: " + memLevel);
        }
        this.windowBits = Math.max(9, windowBits);
        this.matcher = new Lz77Matcher(this.windowBits, level, memLevel, compactBetweenCalls, (1 << windowBits) - 1);
    }

    /**
     * Compresses {@code input} from its position to its limit (the position ends at the limit),
     * appends the output after {@code out.size()} and ends it with a sync flush. Returns false,
     * with the context reset and {@code out}'s content past its former size undefined, when the
     * output of this call would reach {@code limit} bytes: the caller then sends the input as it
     * is. On false too the input's position ends at its limit, and {@code out.size()} is back to
     * what it was.
     */
    @Override
    public boolean compress(ByteBuffer input, DeflateOutput out, int limit) {
        if (limit <= MIN_OUTPUT) {
            matcher.reset();
            input.position(input.limit());
            return false;
        }
        int outStart = out.size;
        BlockWriter bw = SCRATCH.get();
        bw.begin(out, input, limit, matcher.blockSymbols);
        boolean ok = false;
        try {
            ok = matcher.deflate(input, bw) && bw.finish();
        } finally {
            bw.end(ok);
            if (!ok) {
                matcher.reset();
                input.position(input.limit());
                out.size = outStart;
            }
        }
        return ok;
    }

    /** Forgets the window (section 7.1.1 of RFC 7692: no context takeover). */
    @Override
    public void reset() {
        matcher.reset();
    }

    /** Drops every array (idle connection); implies {@link #reset()}. */
    @Override
    public void release() {
        matcher.release();
    }

    /** Bytes of arrays this instance keeps between calls. */
    @Override
    public long retainedBytes() {
        return matcher.retainedBytes();
    }

    /** Compact between calls: how many calls rebuilt the chains from the history (the others went on from the thread's arrays). */
    long rebuilds() {
        return matcher.rebuilds();
    }

    /** The window's base-2 logarithm. */
    public int windowBits() {
        return windowBits;
    }
}
