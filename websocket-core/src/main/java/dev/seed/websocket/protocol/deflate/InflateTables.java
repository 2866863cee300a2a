package dev.seed.websocket.protocol.deflate;

import static dev.seed.websocket.protocol.deflate.HuffmanTableBuilder.BITS_MASK;
import static dev.seed.websocket.protocol.deflate.HuffmanTableBuilder.VALUE_SHIFT;

import java.util.Arrays;

/**
 * What a {@link DeflateDecoder} needs while it decodes a dynamic block (RFC 1951 section 3.2.7):
 * the reading of the block's header, resumable at any bit, the code lengths it gives, the tables
 * of its three codes and the builder's scratch. About 7 KiB that a decoder needs only from the
 * start of such a block to its end, so it borrows a set from its thread ({@link #borrow()}) and
 * gives it back ({@link #giveBack}) instead of keeping one; a decoder whose block is cut by the end
 * of its input keeps its set until the block ends, while the thread lends other sets to other
 * decoders.
 *
 * <p>Each thread keeps up to {@link #POOLED} idle sets, and a staging array through which input
 * from a buffer without an accessible array (direct or read-only) is read.
 */
final class InflateTables {

    /** Idle sets a thread keeps: enough for the dynamic blocks commonly in progress at once on a loop. */
    static final int POOLED = 8;
    /** Bytes of the staging array: input read at once from a buffer without an array. */
    static final int STAGING_BYTES = 4096;

    /** {@link #readHeader} result: the input ended first; call again with more. */
    static final int NEEDS_INPUT = 0;
    /** {@link #readHeader} result: the tables are built. */
    static final int COMPLETE = 1;
    /** {@link #readHeader} result: the header is invalid, {@link #failure()} says why. */
    static final int INVALID = -1;

    /** Header step: HLIT, HDIST and HCLEN. */
    private static final int COUNTS = 0;
    /** Header step: the code-length code's lengths, 3 bits each. */
    private static final int CODE_LENGTH_CODE = 1;
    /** Header step: the literal/length and distance code lengths. */
    private static final int CODE_LENGTHS = 2;
    /** Header step: done, the tables are ready. */
    private static final int BUILT = 3;

    /** Section 3.2.7: the order in which the code-length code's lengths are stored. */
    private static final byte[] CODE_LENGTH_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

    /** Each thread's idle sets and staging array. */
    private static final ThreadLocal<ThreadCache> CACHE = ThreadLocal.withInitial(ThreadCache::new);

    /** Most code lengths a header gives: HLIT + 257 of at most 286, HDIST + 1 of at most 30. */
    private static final int MAX_LENGTHS = 286 + 30;

    /** Code lengths of the block: 19 for the code-length code, then HLIT + HDIST (at most 316). */
    private final byte[] lengths = new byte[MAX_LENGTHS];
    /** Table of the block's code-length code. */
    private final int[] codeLengthTable = new int[HuffmanTableBuilder.CODE_LENGTH_TABLE_SIZE];
    /** Table of the block's literal/length code; valid once the header is read. */
    final int[] literalLengthTable = new int[HuffmanTableBuilder.LITERAL_LENGTH_TABLE_SIZE];
    /** Table of the block's distance code; valid once the header is read. */
    final int[] distanceTable = new int[HuffmanTableBuilder.DISTANCE_TABLE_SIZE];
    /** Builds the tables above. */
    private final HuffmanTableBuilder builder = new HuffmanTableBuilder();

    /** Bytes of the arrays of one set. */
    static final int BYTES = MAX_LENGTHS + 4 * (HuffmanTableBuilder.CODE_LENGTH_TABLE_SIZE
            + HuffmanTableBuilder.LITERAL_LENGTH_TABLE_SIZE + HuffmanTableBuilder.DISTANCE_TABLE_SIZE)
            + HuffmanTableBuilder.RETAINED_BYTES;

    /** Where the header reading is: COUNTS to BUILT. */
    private int step;
    /** HLIT + 257: literal/length code lengths in the header, 257 to 286 once the counts are read. */
    private int literalLengthCount;
    /** HDIST + 1: distance code lengths in the header, 1 to 30 once the counts are read. */
    private int distanceCount;
    /** HCLEN + 4: code-length code lengths in the header, 4 to 19. */
    private int codeLengthCodeCount;
    /** Root bits of codeLengthTable, from CODE_LENGTHS on. */
    private int codeLengthRootBits;
    /** Lengths read so far in the current step. */
    private int lengthsRead;
    /** Root bits of literalLengthTable once BUILT. */
    int literalLengthRootBits;
    /** Root bits of distanceTable once BUILT. */
    int distanceRootBits;
    /** Why the header is invalid, after readHeader returned INVALID; null otherwise. */
    private String failure;

    /** A set from the current thread's pool (or a new one), ready to read a header. */
    static InflateTables borrow() {
        ThreadCache cache = CACHE.get();
        InflateTables tables;
        if (cache.idle == 0) {
            tables = new InflateTables();
        } else {
            tables = cache.pool[--cache.idle];
            cache.pool[cache.idle] = null;
        }
        tables.step = COUNTS;
        tables.failure = null;
        return tables;
    }

    /** Returns a set to the current thread's pool (dropped when the pool is full). */
    static void giveBack(InflateTables tables) {
        ThreadCache cache = CACHE.get();
        if (cache.idle < POOLED) {
            cache.pool[cache.idle++] = tables;
        }
    }

    /** The current thread's staging array, {@link #STAGING_BYTES} long; used only within one call. */
    static byte[] stagingArray() {
        ThreadCache cache = CACHE.get();
        byte[] staging = cache.staging;
        if (staging == null) {
            staging = cache.staging = new byte[STAGING_BYTES];
        }
        return staging;
    }

    /** Why the header is invalid (zlib's words), after {@link #readHeader} returned {@link #INVALID}. */
    String failure() {
        return failure;
    }

    /**
     * Reads the dynamic block header after BTYPE (3.2.7) as far as the input goes, and builds the
     * literal/length and distance tables at its end. Returns {@link #NEEDS_INPUT},
     * {@link #COMPLETE} or {@link #INVALID}.
     */
    int readHeader(InflateInput in) {
        if (step == COUNTS) {
            // HLIT (5 bits), HDIST (5 bits), HCLEN (4 bits)
            if (!in.need(14)) {
                return NEEDS_INPUT;
            }
            literalLengthCount = in.peek(5) + 257;
            distanceCount = (in.peek(10) >>> 5) + 1;
            codeLengthCodeCount = (in.peek(14) >>> 10) + 4;
            in.drop(14);
            if (literalLengthCount > 286 || distanceCount > 30) {
                return invalid("too many length or distance symbols");
            }
            lengthsRead = 0;
            step = CODE_LENGTH_CODE;
        }
        if (step == CODE_LENGTH_CODE) {
            // (HCLEN + 4) x 3 bits in CODE_LENGTH_ORDER; the lengths not given are 0
            while (lengthsRead < codeLengthCodeCount) {
                if (!in.need(3)) {
                    return NEEDS_INPUT;
                }
                lengths[CODE_LENGTH_ORDER[lengthsRead++]] = (byte) in.peek(3);
                in.drop(3);
            }
            while (lengthsRead < 19) {
                lengths[CODE_LENGTH_ORDER[lengthsRead++]] = 0;
            }
            codeLengthRootBits = builder.build(lengths, 0, 19, HuffmanTableBuilder.CODE_LENGTH_SYMBOLS,
                    HuffmanTableBuilder.CODE_LENGTH_ROOT_BITS, true, codeLengthTable);
            if (codeLengthRootBits < 0) {
                return invalid("invalid code lengths set");
            }
            lengthsRead = 0;
            step = CODE_LENGTHS;
        }
        if (step == CODE_LENGTHS) {
            int result = readCodeLengths(in);
            if (result != COMPLETE) {
                return result;
            }
            step = BUILT;
        }
        return COMPLETE;
    }

    /**
     * Reads the HLIT + 257 literal/length and HDIST + 1 distance code lengths (one sequence: a
     * repeat may run from one into the other) and builds both codes. A symbol and its repeat bits
     * are taken together, so one cut by the end of the input is read again on resuming.
     */
    private int readCodeLengths(InflateInput in) {
        int[] table = codeLengthTable;
        int rootBits = codeLengthRootBits;
        int total = literalLengthCount + distanceCount;
        while (lengthsRead < total) {
            int entry = table[in.peek(rootBits)];
            int bits = entry & BITS_MASK;
            if (bits > in.bitCount) {
                if (!in.pullByte()) {
                    return NEEDS_INPUT;
                }
                continue;
            }
            int symbol = entry >>> VALUE_SHIFT;
            if (symbol < 16) {
                // 0 - 15: a code length
                in.drop(bits);
                lengths[lengthsRead++] = (byte) symbol;
                continue;
            }
            int repeatBits = symbol == 16 ? 2 : symbol == 17 ? 3 : 7;
            if (!in.need(bits + repeatBits)) {
                return NEEDS_INPUT;
            }
            in.drop(bits);
            int value = 0;
            int repeat;
            if (symbol == 16) {
                // 16: copy the previous code length 3 - 6 times; there must be one
                if (lengthsRead == 0) {
                    return invalid("invalid bit length repeat");
                }
                value = lengths[lengthsRead - 1];
                repeat = 3 + in.peek(2);
            } else if (symbol == 17) {
                repeat = 3 + in.peek(3); // 17: 3 - 10 zeros
            } else {
                repeat = 11 + in.peek(7); // 18: 11 - 138 zeros
            }
            in.drop(repeatBits);
            if (lengthsRead + repeat > total) {
                return invalid("invalid bit length repeat");
            }
            Arrays.fill(lengths, lengthsRead, lengthsRead + repeat, (byte) value);
            lengthsRead += repeat;
        }
        if (lengths[256] == 0) {
            // 3.2.5: every block ends with code 256, so it must have a code
            return invalid("missing end-of-block code");
        }
        literalLengthRootBits = builder.build(lengths, 0, literalLengthCount,
                HuffmanTableBuilder.LITERAL_LENGTH_SYMBOLS, HuffmanTableBuilder.LITERAL_LENGTH_ROOT_BITS, false,
                literalLengthTable);
        if (literalLengthRootBits < 0) {
            return invalid("invalid literal/lengths set");
        }
        distanceRootBits = builder.build(lengths, literalLengthCount, distanceCount,
                HuffmanTableBuilder.DISTANCE_SYMBOLS, HuffmanTableBuilder.DISTANCE_ROOT_BITS, false,
                distanceTable);
        if (distanceRootBits < 0) {
            return invalid("invalid distances set");
        }
        return COMPLETE;
    }

    private int invalid(String message) {
        failure = message;
        return INVALID;
    }

    /** One thread's idle sets and staging array. */
    private static final class ThreadCache {
        /** Idle sets in pool[0, idle); the other slots null. */
        final InflateTables[] pool = new InflateTables[POOLED];
        /** Number of idle sets, 0 to POOLED. */
        int idle;
        /** The staging array, null until a direct or read-only buffer is first read on this thread. */
        byte[] staging;
    }
}
