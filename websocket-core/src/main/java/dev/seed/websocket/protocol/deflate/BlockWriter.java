package dev.seed.websocket.protocol.deflate;

import static dev.seed.websocket.protocol.deflate.BlockCodes.BL_CODES;
import static dev.seed.websocket.protocol.deflate.BlockCodes.BL_ORDER;
import static dev.seed.websocket.protocol.deflate.BlockCodes.DIST_BASE;
import static dev.seed.websocket.protocol.deflate.BlockCodes.DIST_EXTRA;
import static dev.seed.websocket.protocol.deflate.BlockCodes.D_CODES;
import static dev.seed.websocket.protocol.deflate.BlockCodes.END_BLOCK;
import static dev.seed.websocket.protocol.deflate.BlockCodes.FIXED_DIST_CODES;
import static dev.seed.websocket.protocol.deflate.BlockCodes.FIXED_DIST_LENGTHS;
import static dev.seed.websocket.protocol.deflate.BlockCodes.FIXED_LIT_CODES;
import static dev.seed.websocket.protocol.deflate.BlockCodes.FIXED_LIT_LENGTHS;
import static dev.seed.websocket.protocol.deflate.BlockCodes.LENGTH_BASE;
import static dev.seed.websocket.protocol.deflate.BlockCodes.LENGTH_CODE;
import static dev.seed.websocket.protocol.deflate.BlockCodes.LENGTH_EXTRA;
import static dev.seed.websocket.protocol.deflate.BlockCodes.L_CODES;
import static dev.seed.websocket.protocol.deflate.BlockCodes.MAX_STORED;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The per-thread half of {@link DeflateEncoder}: the symbol buffer {@link Lz77Matcher} fills, the
 * frequency counts, the Huffman codes, and the bit writer that turns the symbols into DEFLATE
 * blocks. One instance lives in a {@code ThreadLocal} and serves every encoder compressing on that
 * thread, one {@link DeflateEncoder#compress} call at a time; between calls it holds no reference
 * to any encoder, input or output, and its counts are all zero.
 *
 * <p>RFC 1951 section 3.2.3: "Each block of compressed data begins with 3 header bits containing
 * the following data: first bit BFINAL, next 2 bits BTYPE", BTYPE 00 for no compression, 01 for
 * fixed Huffman codes, 10 for dynamic Huffman codes. BFINAL is never set here: the stream of a
 * connection never ends. For each block the writer counts the exact size of the three encodings
 * in bits and sends the smallest, preferring stored then fixed on ties as zlib does. Stored bytes
 * come straight from the input buffer, and consecutive blocks that choose stored are held back
 * and sent together in stored blocks of up to 65,535 bytes.
 *
 * <p>Section 3.1.1: "Data elements are packed into bytes in order of increasing bit number within
 * the byte"; Huffman codes go most significant bit first, so codes are kept bit-reversed. Bits
 * gather in a 64-bit accumulator that is written eight bytes at a time straight into the
 * {@link DeflateOutput} array, whose room is ensured once per block.
 */
final class BlockWriter {

    /** Little-endian long view of byte arrays, for the bit writer. */
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Symbols of the current block: a literal as 0..255, a match as distance << 8 | length - 3. */
    int[] syms = new int[0];
    /** Literal/length symbol counts of the current block; all zero between blocks. */
    final int[] litFreq = new int[L_CODES];
    /** Distance code counts of the current block; all zero between blocks. */
    final int[] distFreq = new int[D_CODES];

    /** Dynamic literal/length code lengths of the block being written. */
    private final int[] litLengths = new int[L_CODES];
    /** Dynamic literal/length codes, bit-reversed, of the block being written. */
    private final int[] litCodes = new int[L_CODES];
    /** Dynamic distance code lengths of the block being written. */
    private final int[] distLengths = new int[D_CODES];
    /** Dynamic distance codes, bit-reversed, of the block being written. */
    private final int[] distCodes = new int[D_CODES];
    /** Code length symbol counts of the block being written. */
    private final int[] blFreq = new int[BL_CODES];
    /** Code length code lengths of the block being written. */
    private final int[] blLengths = new int[BL_CODES];
    /** Code length codes, bit-reversed, of the block being written. */
    private final int[] blCodes = new int[BL_CODES];
    /** Coded code lengths, [0, rleCount): a symbol 0..18 | the value of its extra bits << 8. */
    private final int[] rle = new int[L_CODES + D_CODES];
    /** Valid entries of {@link #rle}. */
    private int rleCount;
    /** Builds code lengths and codes, with its own scratch. */
    private final HuffmanCodeBuilder builder = new HuffmanCodeBuilder();

    /** The output of the current call; null between calls. */
    private DeflateOutput out;
    /** {@code out}'s array during a call, at least 8 bytes longer than any write reaches. */
    private byte[] buf;
    /** Where the next whole byte goes in {@link #buf}. */
    private int pos;
    /** Where this call's output starts in {@link #buf}. */
    private int start;
    /** Pending bits, first to send in bit 0; bits at and above {@link #bitCount} are zero. */
    private long bitBuf;
    /** How many bits of {@link #bitBuf} are pending, 0..31 between writes. */
    private int bitCount;
    /** The current call's input, read by absolute index for stored blocks; null between calls. */
    private ByteBuffer input;
    /** Absolute index in {@link #input} of the first byte of the next block. */
    private int inputPos;
    /** The call fails once its output would reach this many bytes. */
    private int limit;
    /** Input bytes of the last blocks, all chosen stored, not written yet; 0 when none. */
    private int storedLength;
    /** Absolute index in {@link #input} of the first of the {@link #storedLength} bytes. */
    private int storedFrom;
    /** Bits the {@link #storedLength} bytes will take from the current bit position. */
    private long storedBits;

    /** Prepares for one call: output after {@code out.size()}, input from its position. */
    void begin(DeflateOutput out, ByteBuffer input, int limit, int symbolCapacity) {
        if (syms.length < symbolCapacity) {
            syms = new int[symbolCapacity];
        }
        this.out = out;
        this.buf = out.buf;
        this.pos = out.size;
        this.start = out.size;
        this.bitBuf = 0;
        this.bitCount = 0;
        this.input = input;
        this.inputPos = input.position();
        this.limit = limit;
        this.storedLength = 0;
        this.storedBits = 0;
    }

    /** Ends the call: publishes the output size when it succeeded, drops every reference. */
    void end(boolean success) {
        if (success) {
            out.size = pos;
        }
        Arrays.fill(litFreq, 0);
        Arrays.fill(distFreq, 0);
        out = null;
        buf = null;
        input = null;
    }

    /**
     * Writes the block of the first {@code symbols} entries of {@link #syms}, which encode the
     * next {@code length} bytes of the input, and clears the counts. Returns false, writing
     * nothing, when the call's output, with the sync flush still to come, would reach the limit.
     */
    boolean flushBlock(int symbols, int length) {
        int[] lf = litFreq;
        int[] df = distFreq;
        lf[END_BLOCK] = 1;

        // Section 3.2.7: "HLIT + 257 code lengths for the literal/length alphabet" and "HDIST + 1
        // code lengths for the distance alphabet": the codes up to the last one in use.
        int hlit = Math.max(257,
                builder.buildLengths(lf, L_CODES, HuffmanCodeBuilder.MAX_BITS, litLengths));
        int hdist = builder.buildLengths(df, D_CODES, HuffmanCodeBuilder.MAX_BITS, distLengths);
        Arrays.fill(blFreq, 0);
        rleCount = 0;
        runLengths(litLengths, hlit);
        runLengths(distLengths, hdist);
        builder.buildLengths(blFreq, BL_CODES, 7, blLengths);
        int hclen = BL_CODES;
        while (hclen > 4 && blLengths[BL_ORDER[hclen - 1]] == 0) {
            hclen--;
        }

        long extraBits = 0;
        long dynamicBits = 0;
        long fixedBits = 0;
        for (int s = 0; s <= END_BLOCK; s++) {
            int f = lf[s];
            dynamicBits += f * litLengths[s];
            fixedBits += f * FIXED_LIT_LENGTHS[s];
        }
        for (int c = 0; c < 29; c++) {
            int f = lf[257 + c];
            extraBits += f * LENGTH_EXTRA[c];
            dynamicBits += f * litLengths[257 + c];
            fixedBits += f * FIXED_LIT_LENGTHS[257 + c];
        }
        for (int c = 0; c < D_CODES; c++) {
            int f = df[c];
            extraBits += f * DIST_EXTRA[c];
            dynamicBits += f * distLengths[c];
            fixedBits += f * 5;
        }
        // Section 3.2.7: "5 Bits: HLIT", "5 Bits: HDIST", "4 Bits: HCLEN", "(HCLEN + 4) x 3 bits:
        // code lengths for the code length alphabet", then the coded lengths and repeat counts.
        long headerBits = 5 + 5 + 4 + 3L * hclen;
        for (int s = 0; s < BL_CODES; s++) {
            headerBits += blFreq[s] * blLengths[s];
        }
        headerBits += 2L * blFreq[16] + 3L * blFreq[17] + 7L * blFreq[18];
        dynamicBits += 3 + headerBits + extraBits;
        fixedBits += 3 + extraBits;
        long stored = storedLength == 0 ? storedSize(length)
                : storedSize(storedLength + length) - storedSize(storedLength);

        long bits = Math.min(stored, Math.min(fixedBits, dynamicBits));
        // Once written, the sync flush adds at least 4 bytes after the last partial byte.
        if ((long) pos - start + ((bitCount + storedBits + bits + 7) >>> 3) + 4 >= limit) {
            return false;
        }
        if (stored == bits) {
            // Held back: the next blocks may be stored too and share stored blocks.
            if (storedLength == 0) {
                storedFrom = inputPos;
            }
            storedLength += length;
            storedBits += bits;
        } else {
            writePendingStored();
            ensure((int) ((bits + 7) >>> 3) + 16);
            if (fixedBits == bits) {
                putBits(1 << 1, 3); // BFINAL 0, BTYPE 01: fixed Huffman codes
                writeSymbols(symbols, FIXED_LIT_CODES, FIXED_LIT_LENGTHS, FIXED_DIST_CODES,
                        FIXED_DIST_LENGTHS);
            } else {
                putBits(2 << 1, 3); // BFINAL 0, BTYPE 10: dynamic Huffman codes
                writeDynamicHeader(hlit, hdist, hclen);
                writeSymbols(symbols, litCodes, litLengths, distCodes, distLengths);
            }
        }
        inputPos += length;
        Arrays.fill(lf, 0);
        Arrays.fill(df, 0);
        return true;
    }

    /**
     * Ends the call's output with the sync flush: an empty stored block (section 3.2.4), that is
     * header bits 000, zero bits to the byte boundary, LEN 0000 and NLEN FFFF. Returns false when
     * the call's output reaches the limit.
     */
    boolean finish() {
        writePendingStored();
        ensure(16);
        putBits(0, 3); // BFINAL 0, BTYPE 00
        alignToByte();
        buf[pos] = 0;
        buf[pos + 1] = 0;
        buf[pos + 2] = (byte) 0xFF;
        buf[pos + 3] = (byte) 0xFF;
        pos += 4;
        return pos - start < limit;
    }

    /**
     * Section 3.2.7: appends the code lengths {@code lengths[0, n)} to {@link #rle} and counts
     * their symbols. "16: Copy the previous code length 3 - 6 times. The next 2 bits indicate
     * repeat length"; "17: Repeat a code length of 0 for 3 - 10 times. (3 bits of length)"; "18:
     * Repeat a code length of 0 for 11 - 138 times (7 bits of length)". The RFC lets runs cross
     * from the literal/length lengths to the distance lengths; as zlib, these do not.
     */
    private void runLengths(int[] lengths, int n) {
        int[] r = rle;
        int[] freq = blFreq;
        int count = rleCount;
        int i = 0;
        while (i < n) {
            int v = lengths[i];
            int run = 1;
            while (i + run < n && lengths[i + run] == v) {
                run++;
            }
            i += run;
            if (v == 0) {
                while (run >= 11) {
                    int k = Math.min(run, 138);
                    r[count++] = 18 | (k - 11) << 8;
                    freq[18]++;
                    run -= k;
                }
                if (run >= 3) {
                    r[count++] = 17 | (run - 3) << 8;
                    freq[17]++;
                    run = 0;
                }
            } else {
                r[count++] = v;
                freq[v]++;
                run--;
                while (run >= 3) {
                    int k = Math.min(run, 6);
                    r[count++] = 16 | (k - 3) << 8;
                    freq[16]++;
                    run -= k;
                }
            }
            for (; run > 0; run--) {
                r[count++] = v;
                freq[v]++;
            }
        }
        rleCount = count;
    }

    /**
     * Section 3.2.7: HLIT - 257, HDIST - 1, HCLEN - 4, the code length code lengths in
     * {@link BlockCodes#BL_ORDER}, then the literal/length and distance code lengths.
     */
    private void writeDynamicHeader(int hlit, int hdist, int hclen) {
        builder.buildCodes(litLengths, hlit, litCodes);
        builder.buildCodes(distLengths, hdist, distCodes);
        builder.buildCodes(blLengths, BL_CODES, blCodes);
        putBits(hlit - 257, 5);
        putBits(hdist - 1, 5);
        putBits(hclen - 4, 4);
        for (int i = 0; i < hclen; i++) {
            putBits(blLengths[BL_ORDER[i]], 3);
        }
        int[] r = rle;
        for (int i = 0; i < rleCount; i++) {
            int sym = r[i] & 0xFF;
            putBits(blCodes[sym], blLengths[sym]);
            if (sym >= 16) {
                putBits(r[i] >>> 8, sym == 16 ? 2 : sym == 17 ? 3 : 7);
            }
        }
    }

    /**
     * The block's symbols in the given codes, then end of block. Section 3.2.5: a length code is
     * followed by its extra bits, then come the distance code and the distance's extra bits.
     * Section 3.1.1: "Data elements other than Huffman codes are packed starting with the
     * least-significant bit of the data element", as the accumulator does.
     */
    private void writeSymbols(int symbols, int[] lcodes, int[] llens, int[] dcodes, int[] dlens) {
        int[] s = syms;
        byte[] b = buf;
        int p = pos;
        long bb = bitBuf;
        int bc = bitCount;
        // Whole bytes out, so that bc <= 7; a symbol then adds at most 15 + 5 + 15 + 13 bits.
        LONG_LE.set(b, p, bb);
        p += bc >>> 3;
        bb >>>= bc & 0x38;
        bc &= 7;
        for (int i = 0; i < symbols; i++) {
            int sym = s[i];
            if (sym < 256) {
                bb |= (long) lcodes[sym] << bc;
                bc += llens[sym];
            } else {
                int lc = sym & 0xFF;
                int code = LENGTH_CODE[lc];
                int lsym = code + 257;
                bb |= (long) lcodes[lsym] << bc;
                bc += llens[lsym];
                bb |= (long) (lc - LENGTH_BASE[code]) << bc;
                bc += LENGTH_EXTRA[code];
                int dist = (sym >>> 8) - 1;
                int dcode = BlockCodes.distCode(dist);
                bb |= (long) dcodes[dcode] << bc;
                bc += dlens[dcode];
                bb |= (long) (dist - DIST_BASE[dcode]) << bc;
                bc += DIST_EXTRA[dcode];
            }
            LONG_LE.set(b, p, bb);
            p += bc >>> 3;
            bb >>>= bc & 0x38;
            bc &= 7;
        }
        bb |= (long) lcodes[END_BLOCK] << bc;
        bc += llens[END_BLOCK];
        pos = p;
        bitBuf = bb;
        bitCount = bc;
    }

    /**
     * Bits {@code length} bytes take as stored blocks from the current bit position. Section
     * 3.2.4: after the 3 header bits, "any bits of input up to the next byte boundary are
     * ignored", then come LEN and NLEN (16 bits each) and the bytes.
     */
    private long storedSize(int length) {
        long bits = 3 + ((-(bitCount + 3)) & 7) + 32 + 8L * Math.min(length, MAX_STORED);
        for (int rest = length - MAX_STORED; rest > 0; rest -= MAX_STORED) {
            bits += 8 + 32 + 8L * Math.min(rest, MAX_STORED);
        }
        return bits;
    }

    /** Writes the held-back stored bytes, if any. */
    private void writePendingStored() {
        if (storedLength == 0) {
            return;
        }
        ensure((int) ((storedBits + 7) >>> 3) + 16);
        int from = storedFrom;
        int length = storedLength;
        do {
            // Section 3.2.4: "LEN is the number of data bytes in the block. NLEN is the one's
            // complement of LEN."
            int n = Math.min(length, MAX_STORED);
            putBits(0, 3); // BFINAL 0, BTYPE 00: no compression
            alignToByte();
            byte[] b = buf;
            b[pos] = (byte) n;
            b[pos + 1] = (byte) (n >>> 8);
            b[pos + 2] = (byte) ~n;
            b[pos + 3] = (byte) (~n >>> 8);
            pos += 4;
            input.get(from, b, pos, n);
            pos += n;
            from += n;
            length -= n;
        } while (length > 0);
        storedLength = 0;
        storedBits = 0;
    }

    /** Appends the {@code len} low bits of {@code value}, which has no higher bit set. */
    private void putBits(int value, int len) {
        bitBuf |= (long) value << bitCount;
        bitCount += len;
        if (bitCount >= 32) {
            LONG_LE.set(buf, pos, bitBuf);
            pos += 4;
            bitBuf >>>= 32;
            bitCount -= 32;
        }
    }

    /** Writes the pending bits, then zero bits up to the byte boundary. */
    private void alignToByte() {
        LONG_LE.set(buf, pos, bitBuf);
        pos += (bitCount + 7) >>> 3;
        bitBuf = 0;
        bitCount = 0;
    }

    /** Makes room for {@code more} bytes after {@link #pos}. */
    private void ensure(int more) {
        if (pos + more > buf.length) {
            out.size = pos;
            out.ensure(more);
            buf = out.buf;
        }
    }
}
