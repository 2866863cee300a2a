package dev.seed.websocket.protocol.deflate;

import static dev.seed.websocket.protocol.deflate.HuffmanTableBuilder.BITS_MASK;
import static dev.seed.websocket.protocol.deflate.HuffmanTableBuilder.DISTANCE;
import static dev.seed.websocket.protocol.deflate.HuffmanTableBuilder.END_OF_BLOCK;
import static dev.seed.websocket.protocol.deflate.HuffmanTableBuilder.EXTRA_SHIFT;
import static dev.seed.websocket.protocol.deflate.HuffmanTableBuilder.KIND_MASK;
import static dev.seed.websocket.protocol.deflate.HuffmanTableBuilder.LENGTH;
import static dev.seed.websocket.protocol.deflate.HuffmanTableBuilder.LITERAL;
import static dev.seed.websocket.protocol.deflate.HuffmanTableBuilder.SUB_TABLE;
import static dev.seed.websocket.protocol.deflate.HuffmanTableBuilder.VALUE_SHIFT;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.zip.DataFormatException;

/**
 * A raw DEFLATE decompressor (RFC 1951) whose window buffer is 2^windowBits bytes, 9 to 15:
 * the memory a connection keeps for its peer's context follows the window the peer agreed to.
 * Used like {@link java.util.zip.Inflater} (the permessage-deflate extension drives either), and
 * resumable anywhere: input may end in the middle of a header, a code or a stored block, and
 * output may be asked for a few bytes at a time. It is not thread safe.
 *
 * <p>A distance beyond the window, beyond the bytes produced since the last {@link #reset()}, or
 * any other violation of RFC 1951 fails with {@link DataFormatException}; after that the decoder
 * keeps failing until {@link #reset()}.
 *
 * <h2>Design</h2>
 * The decoder follows zlib's inflate: the same acceptance rules (where RFC 1951 leaves room, as
 * for incomplete codes, zlib's choice is taken, so that both accept and refuse the same streams,
 * with zlib's messages) and the same structure:
 * <ul>
 *   <li><b>A state machine.</b> {@link Mode} names the point the decoder is at: a block header, a
 *       stored block's lengths or bytes, a dynamic block's header, a symbol, its extra bits, a
 *       match to copy. {@code decode} steps it in a switch until the input or the output runs
 *       out; every state either completes or leaves the decoder where it resumes when called
 *       again, the bits already read kept in the bit buffer.</li>
 *   <li><b>A bit buffer.</b> {@link InflateInput} holds the input and its bits in a {@code long},
 *       the next bit at bit 0 (section 3.1.1). The careful path reads a byte only when the bits
 *       held are too few, so that at the end of a block fewer than 8 bits are held and the input
 *       after the final block stays unread.</li>
 *   <li><b>A fast path.</b> {@code decodeFast} (zlib's inflate_fast) runs while at least
 *       {@value #FAST_INPUT_BYTES} input bytes and {@value #MAX_MATCH} bytes of output room
 *       remain: it refills the bit buffer 8 bytes at a time and decodes a whole literal or
 *       length/distance pair per step, with the state in locals and no state to record; near
 *       either end the careful path takes over. On leaving it gives back the whole bytes it read
 *       ahead.</li>
 *   <li><b>Tables.</b> Huffman codes are decoded by table lookup ({@link HuffmanTableBuilder}):
 *       9 bits at once for literals/lengths, 6 for distances, a sub-table for longer codes.
 *       The fixed codes' tables are static; a dynamic block's header is read into a set of
 *       tables borrowed from the thread ({@link InflateTables}) at the block's start and given
 *       back at its end, so that between messages no table stays with the decoder.</li>
 *   <li><b>The window.</b> Output goes straight into the caller's array; a back-reference copies
 *       from there when it reaches no further back than this call's output, otherwise from the
 *       circular window ({@link InflateWindow}), which receives the last 2^windowBits bytes of
 *       the output when the call returns. Between messages the decoder keeps the window and a few
 *       fields: 1 KiB at 10 bits, where zlib keeps about 40 KiB.</li>
 * </ul>
 */
public final class DeflateDecoder implements MessageDecoder {

    /** Smallest window accepted, in bits; 8 (RFC 7692 allows it) is taken as 9, as zlib does. */
    private static final int MIN_WINDOW_BITS = 9;
    /** Largest window, in bits: RFC 1951's 32 KiB. */
    private static final int MAX_WINDOW_BITS = 15;
    /** Section 3.2.5: the longest match. */
    private static final int MAX_MATCH = 258;
    /** Input bytes the fast path needs ahead: one 8-byte refill covers a whole symbol pair (at most 48 bits). */
    private static final int FAST_INPUT_BYTES = 8;
    /** Reads 8 bytes of input as a little-endian long (the first byte in the lowest bits). */
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Where the decoder is in the stream; the state machine's states. */
    private enum Mode {
        /** 3.2.3: the next block's BFINAL and BTYPE. */
        HEADER,
        /** 3.2.4: a stored block's LEN and NLEN, after skipping to a byte boundary. */
        STORED_LENGTHS,
        /** 3.2.4: copying a stored block's bytes. */
        STORED_COPY,
        /** 3.2.7: a dynamic block's header (its own steps are in {@link InflateTables}). */
        DYNAMIC_HEADER,
        /** 3.2.5: the next literal/length symbol. */
        SYMBOL,
        /** A decoded literal waiting for output room. */
        LITERAL,
        /** 3.2.5: the extra bits of a length. */
        LENGTH_EXTRA,
        /** 3.2.5: a distance code. */
        DISTANCE,
        /** 3.2.5: the extra bits of a distance. */
        DISTANCE_EXTRA,
        /** Copying a match. */
        MATCH,
        /** The final block has ended. */
        DONE,
        /** A violation was met; every call fails until reset. */
        FAILED
    }

    /** The window's base-2 logarithm, 9 to 15. */
    private final int windowBits;
    /** The last 2^windowBits bytes of output of earlier calls. */
    private final InflateWindow window;
    /** The input and the bits read from it but not used. */
    private final InflateInput in = new InflateInput();

    /** Where decoding resumes; DONE once a final block ended, FAILED after a violation. */
    private Mode mode = Mode.HEADER;
    /** The violation's message; non-null exactly when mode is FAILED. */
    private String failure;
    /** Whether the current block has BFINAL set (3.2.3); meaningful from its header on. */
    private boolean lastBlock;
    /** During a call: index in the caller's array of this call's first output byte. */
    private int outputStart;

    /** Table of the current block's literal/length code (static or borrowed); null outside compressed blocks. */
    private int[] literalLengthTable;
    /** Root bits of literalLengthTable. */
    private int literalLengthRootBits;
    /** Table of the current block's distance code (static or borrowed); null outside compressed blocks. */
    private int[] distanceTable;
    /** Root bits of distanceTable. */
    private int distanceRootBits;
    /** The set borrowed for the dynamic block in progress (3.2.7), given back at its end; null otherwise. */
    private InflateTables borrowed;

    /** Bytes still to copy of the stored block (STORED_COPY) or of the match (LENGTH_EXTRA to MATCH). */
    private int remaining;
    /** The match's distance, 1 to 32768 (DISTANCE_EXTRA, MATCH). */
    private int matchDistance;
    /** Extra bits to read in LENGTH_EXTRA or DISTANCE_EXTRA, 0 to 13. */
    private int extraBits;
    /** The literal waiting for room in LITERAL. */
    private int pendingLiteral;

    /** @param windowBits base-2 logarithm of the window, 9 to 15 (8 is taken as 9) */
    public DeflateDecoder(int windowBits) {
        if (windowBits < MIN_WINDOW_BITS - 1 || windowBits > MAX_WINDOW_BITS) {
            throw new IllegalArgumentException("window bits must be 8 to 15: " + windowBits);
        }
        this.windowBits = Math.max(windowBits, MIN_WINDOW_BITS);
        this.window = new InflateWindow(1 << this.windowBits);
    }

    /**
     * Sets the input: the decoder reads from the buffer's position and advances it as it consumes
     * bytes; it keeps the reference until the input is used up or the next call to setInput.
     */
    @Override
    public void setInput(ByteBuffer input) {
        in.set(input);
    }

    /** Sets the input: {@code len} bytes of {@code b} from {@code off}, referenced, not copied. */
    @Override
    public void setInput(byte[] b, int off, int len) {
        in.set(b, off, len);
    }

    /**
     * Decompresses into {@code out[off, off + len)} and returns how many bytes were written; 0
     * only when the input is used up ({@link #needsInput()}) or the stream ended ({@link #finished()}).
     */
    @Override
    public int inflate(byte[] out, int off, int len) throws DataFormatException {
        Objects.checkFromIndexSize(off, len, out.length);
        if (mode == Mode.FAILED) {
            throw new DataFormatException(failure);
        }
        if (mode == Mode.DONE) {
            return 0;
        }
        window.allocate();
        in.load();
        outputStart = off;
        int end = decode(out, off, off + len);
        in.save();
        int produced = end - off;
        if (produced > 0) {
            window.append(out, end, produced);
        }
        if (mode == Mode.FAILED) {
            throw new DataFormatException(failure);
        }
        return produced;
    }

    /** Whether all the input was consumed (and the stream has not ended). */
    @Override
    public boolean needsInput() {
        return mode != Mode.DONE && in.remaining() == 0;
    }

    /** Input bytes not yet consumed. */
    @Override
    public int getRemaining() {
        return in.remaining();
    }

    /** Whether a block with BFINAL set has been decoded to its end. */
    @Override
    public boolean finished() {
        return mode == Mode.DONE;
    }

    /** Starts a new stream with an empty window; drops the input, as {@link java.util.zip.Inflater#reset()} does. */
    @Override
    public void reset() {
        mode = Mode.HEADER;
        failure = null;
        lastBlock = false;
        remaining = 0;
        in.clear();
        endTables();
        window.clear();
    }

    /** Drops every array (idle connection); implies {@link #reset()}; they come back on next use. */
    @Override
    public void release() {
        reset();
        window.release();
    }

    /** Bytes of arrays this instance keeps between calls: the window, and a dynamic block's tables while one is cut. */
    @Override
    public long retainedBytes() {
        return window.retainedBytes() + (borrowed == null ? 0 : InflateTables.BYTES);
    }

    /** The window's base-2 logarithm. */
    public int windowBits() {
        return windowBits;
    }

    // ---------------------------------------------------------------- the state machine

    /**
     * Runs the state machine into {@code out[outPos, outEnd)} until the input or the output runs
     * out, the stream ends or a violation is met; returns the new output position.
     */
    private int decode(byte[] out, int outPos, int outEnd) {
        InflateInput in = this.in;
        for (;;) {
            switch (mode) {
                case HEADER -> {
                    // 3.2.3: BFINAL (1 bit) then BTYPE (2 bits)
                    if (!in.need(3)) {
                        return outPos;
                    }
                    lastBlock = in.peek(1) != 0;
                    int type = in.peek(3) >>> 1;
                    in.drop(3);
                    if (type == 0) {
                        mode = Mode.STORED_LENGTHS;
                    } else if (type == 1) {
                        // 3.2.6: the fixed codes
                        literalLengthTable = HuffmanTableBuilder.FIXED_LITERAL_LENGTH;
                        literalLengthRootBits = HuffmanTableBuilder.FIXED_LITERAL_LENGTH_ROOT_BITS;
                        distanceTable = HuffmanTableBuilder.FIXED_DISTANCE;
                        distanceRootBits = HuffmanTableBuilder.FIXED_DISTANCE_ROOT_BITS;
                        mode = Mode.SYMBOL;
                    } else if (type == 2) {
                        borrowed = InflateTables.borrow();
                        mode = Mode.DYNAMIC_HEADER;
                    } else {
                        return fail("invalid block type", outPos);
                    }
                }
                case STORED_LENGTHS -> {
                    // 3.2.4: skip to the byte boundary, then LEN and NLEN, its one's complement
                    in.drop(in.bitCount & 7);
                    if (!in.need(32)) {
                        return outPos;
                    }
                    int length = in.peek(16);
                    if (length != ((int) (in.bitBuffer >>> 16) & 0xFFFF ^ 0xFFFF)) {
                        return fail("invalid stored block lengths", outPos);
                    }
                    // the 4 bytes read since the boundary (fewer than 8 bits are held at a block's
                    // start): the bit buffer is now empty and the bytes are read in place
                    in.drop(32);
                    remaining = length;
                    mode = Mode.STORED_COPY;
                }
                case STORED_COPY -> {
                    if (remaining == 0) {
                        endBlock();
                        continue;
                    }
                    int available = outPos == outEnd ? 0 : in.available();
                    if (available == 0) {
                        return outPos;
                    }
                    int n = Math.min(remaining, Math.min(outEnd - outPos, available));
                    System.arraycopy(in.bytes, in.pos, out, outPos, n);
                    in.pos += n;
                    outPos += n;
                    remaining -= n;
                }
                case DYNAMIC_HEADER -> {
                    int result = borrowed.readHeader(in);
                    if (result == InflateTables.NEEDS_INPUT) {
                        return outPos;
                    }
                    if (result == InflateTables.INVALID) {
                        return fail(borrowed.failure(), outPos);
                    }
                    literalLengthTable = borrowed.literalLengthTable;
                    literalLengthRootBits = borrowed.literalLengthRootBits;
                    distanceTable = borrowed.distanceTable;
                    distanceRootBits = borrowed.distanceRootBits;
                    mode = Mode.SYMBOL;
                }
                case SYMBOL -> {
                    if (outEnd - outPos >= MAX_MATCH && in.end - in.pos >= FAST_INPUT_BYTES) {
                        outPos = decodeFast(out, outPos, outEnd);
                        continue;
                    }
                    int entry = decodeSymbol(literalLengthTable, literalLengthRootBits);
                    if (entry < 0) {
                        return outPos;
                    }
                    switch (entry & KIND_MASK) {
                        case LITERAL -> {
                            if (outPos == outEnd) {
                                pendingLiteral = entry >>> VALUE_SHIFT;
                                mode = Mode.LITERAL;
                                return outPos;
                            }
                            out[outPos++] = (byte) (entry >>> VALUE_SHIFT);
                        }
                        case LENGTH -> {
                            remaining = entry >>> VALUE_SHIFT;
                            extraBits = (entry >>> EXTRA_SHIFT) & 15;
                            mode = Mode.LENGTH_EXTRA;
                        }
                        case END_OF_BLOCK -> endBlock();
                        default -> {
                            return fail("invalid literal/length code", outPos);
                        }
                    }
                }
                case LITERAL -> {
                    if (outPos == outEnd) {
                        return outPos;
                    }
                    out[outPos++] = (byte) pendingLiteral;
                    mode = Mode.SYMBOL;
                }
                case LENGTH_EXTRA -> {
                    if (!in.need(extraBits)) {
                        return outPos;
                    }
                    remaining += in.peek(extraBits);
                    in.drop(extraBits);
                    mode = Mode.DISTANCE;
                }
                case DISTANCE -> {
                    int entry = decodeSymbol(distanceTable, distanceRootBits);
                    if (entry < 0) {
                        return outPos;
                    }
                    if ((entry & KIND_MASK) != DISTANCE) {
                        return fail("invalid distance code", outPos);
                    }
                    matchDistance = entry >>> VALUE_SHIFT;
                    extraBits = (entry >>> EXTRA_SHIFT) & 15;
                    mode = Mode.DISTANCE_EXTRA;
                }
                case DISTANCE_EXTRA -> {
                    if (!in.need(extraBits)) {
                        return outPos;
                    }
                    matchDistance += in.peek(extraBits);
                    in.drop(extraBits);
                    if (tooFarBack(matchDistance, outPos)) {
                        return fail("invalid distance too far back", outPos);
                    }
                    mode = Mode.MATCH;
                }
                case MATCH -> {
                    if (outPos == outEnd) {
                        return outPos;
                    }
                    int n = Math.min(remaining, outEnd - outPos);
                    outPos = copyMatch(out, outPos, matchDistance, n);
                    remaining -= n;
                    if (remaining == 0) {
                        mode = Mode.SYMBOL;
                    }
                }
                case DONE -> {
                    // the bits left complete the final block's last byte: padding, not input
                    in.clearBits();
                    return outPos;
                }
                case FAILED -> {
                    return outPos;
                }
            }
        }
    }

    /**
     * The fast path (zlib's inflate_fast): decodes the literals and matches of a compressed block
     * while at least {@link #FAST_INPUT_BYTES} of input and {@link #MAX_MATCH} bytes of room
     * remain, with the state in locals and no check between the parts of a symbol. Stops there,
     * at the end of the block or at a violation; returns the new output position.
     */
    private int decodeFast(byte[] out, int outPos, int outEnd) {
        InflateInput in = this.in;
        byte[] input = in.bytes;
        int inPos = in.pos;
        int inLast = in.end - FAST_INPUT_BYTES; // last position an 8-byte refill may read from
        int outLast = outEnd - MAX_MATCH;       // last position a longest match fits from
        long bits = in.bitBuffer;
        int count = in.bitCount;
        int[] lengthCodes = literalLengthTable;
        int lengthRoot = literalLengthRootBits;
        int lengthMask = (1 << lengthRoot) - 1;
        int[] distanceCodes = distanceTable;
        int distanceRoot = distanceRootBits;
        int distanceMask = (1 << distanceRoot) - 1;
        while (inPos <= inLast && outPos <= outLast) {
            // refill to 56 - 63 bits; the bits above count may hold the low bits of the next byte,
            // which the next refill ORs in again at the same place, so they do no harm
            bits |= (long) LONG_LE.get(input, inPos) << count;
            inPos += (63 - count) >>> 3;
            count |= 56;

            // 3.2.5: a literal/length symbol
            int entry = lengthCodes[(int) bits & lengthMask];
            if ((entry & KIND_MASK) == SUB_TABLE) {
                bits >>>= lengthRoot;
                count -= lengthRoot;
                entry = lengthCodes[subTableIndex(entry, bits)];
            }
            int used = entry & BITS_MASK;
            bits >>>= used;
            count -= used;
            int kind = entry & KIND_MASK;
            if (kind == LITERAL) {
                out[outPos++] = (byte) (entry >>> VALUE_SHIFT);
                continue;
            }
            if (kind != LENGTH) {
                if (kind == END_OF_BLOCK) {
                    endBlock();
                } else {
                    fail("invalid literal/length code", 0);
                }
                break;
            }
            // the length's extra bits, the distance code, its extra bits: at most 5 + 15 + 13
            int extra = (entry >>> EXTRA_SHIFT) & 15;
            int length = (entry >>> VALUE_SHIFT) + ((int) bits & ((1 << extra) - 1));
            bits >>>= extra;
            count -= extra;
            entry = distanceCodes[(int) bits & distanceMask];
            if ((entry & KIND_MASK) == SUB_TABLE) {
                bits >>>= distanceRoot;
                count -= distanceRoot;
                entry = distanceCodes[subTableIndex(entry, bits)];
            }
            used = entry & BITS_MASK;
            bits >>>= used;
            count -= used;
            if ((entry & KIND_MASK) != DISTANCE) {
                fail("invalid distance code", 0);
                break;
            }
            extra = (entry >>> EXTRA_SHIFT) & 15;
            int distance = (entry >>> VALUE_SHIFT) + ((int) bits & ((1 << extra) - 1));
            bits >>>= extra;
            count -= extra;
            if (tooFarBack(distance, outPos)) {
                fail("invalid distance too far back", 0);
                break;
            }
            outPos = copyMatch(out, outPos, distance, length);
        }
        // give back the whole bytes read ahead: fewer than 8 bits stay, all of them valid
        in.pos = inPos - (count >>> 3);
        count &= 7;
        in.bitCount = count;
        in.bitBuffer = bits & ((1L << count) - 1);
        return outPos;
    }

    // ---------------------------------------------------------------- symbols and matches

    /**
     * Decodes one symbol with {@code table}, reading input bytes only as the code needs them;
     * returns its entry (never negative), or -1 when the input ends first, the bits read kept.
     */
    private int decodeSymbol(int[] table, int rootBits) {
        InflateInput in = this.in;
        for (;;) {
            int entry = table[in.peek(rootBits)];
            int bits = entry & BITS_MASK;
            if ((entry & KIND_MASK) == SUB_TABLE) {
                entry = table[subTableIndex(entry, in.bitBuffer >>> rootBits)];
                bits = rootBits + (entry & BITS_MASK);
            }
            if (bits <= in.bitCount) {
                in.drop(bits);
                return entry;
            }
            if (!in.pullByte()) {
                return -1;
            }
        }
    }

    /** Index of the entry of a sub-table, given the link to it and the bits that follow the root bits. */
    private static int subTableIndex(int link, long bits) {
        return (link >>> VALUE_SHIFT) + ((int) bits & ((1 << ((link >>> EXTRA_SHIFT) & 15)) - 1));
    }

    /**
     * Whether a back-reference of {@code distance} from {@code outPos} reaches beyond the window
     * or before the first byte produced since the last reset.
     */
    private boolean tooFarBack(int distance, int outPos) {
        return distance > window.size || distance > window.filled() + (outPos - outputStart);
    }

    /**
     * 3.2.3: copies {@code count} bytes from {@code distance} bytes back: from the window for the
     * part before this call's output, then from the output itself, where source and destination
     * overlap when the distance is shorter than the length (the copy then repeats the last
     * {@code distance} bytes). Returns the new output position.
     */
    private int copyMatch(byte[] out, int outPos, int distance, int count) {
        int produced = outPos - outputStart;
        if (distance > produced) {
            int copied = window.copyOut(distance - produced, out, outPos, count);
            outPos += copied;
            count -= copied;
            if (count == 0) {
                return outPos;
            }
        }
        int from = outPos - distance;
        if (count <= distance) {
            System.arraycopy(out, from, out, outPos, count);
            return outPos + count;
        }
        if (distance < 16) {
            int end = outPos + count;
            while (outPos < end) {
                out[outPos] = out[outPos - distance];
                outPos++;
            }
            return outPos;
        }
        // each copy takes the whole pattern written so far, which doubles every time
        while (count > 0) {
            int n = Math.min(count, outPos - from);
            System.arraycopy(out, from, out, outPos, n);
            outPos += n;
            count -= n;
        }
        return outPos;
    }

    /** 3.2.3: the block ended (code 256, or the stored bytes); the next block, or the end, follows. */
    private void endBlock() {
        endTables();
        mode = lastBlock ? Mode.DONE : Mode.HEADER;
    }

    /** Forgets the block's tables and gives the borrowed ones back to the thread. */
    private void endTables() {
        literalLengthTable = null;
        distanceTable = null;
        if (borrowed != null) {
            InflateTables.giveBack(borrowed);
            borrowed = null;
        }
    }

    /** Records a violation: the decoder fails from now until reset; the tables go back. Returns {@code outPos}. */
    private int fail(String message, int outPos) {
        failure = message;
        mode = Mode.FAILED;
        endTables();
        return outPos;
    }
}
