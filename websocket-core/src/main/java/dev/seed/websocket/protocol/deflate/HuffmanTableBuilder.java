package dev.seed.websocket.protocol.deflate;

import java.util.Arrays;

/**
 * Builds the lookup tables {@link DeflateDecoder} decodes Huffman codes with (RFC 1951 section
 * 3.2.2: canonical codes given by their lengths), and holds the static tables of the fixed codes
 * (section 3.2.6).
 *
 * <p>A table is an {@code int[]}: a root table indexed by the next {@code rootBits} input bits (in
 * the order they arrive, least significant first), followed by sub-tables for the codes longer
 * than the root. Each int is an entry:
 * <pre>
 *   bits  0-3   bits of input the entry consumes: the code's length for a root entry, the length
 *               minus the root bits for a sub-table entry, the root bits for a link
 *   bits  4-7   extra bits that follow the code (lengths and distances, section 3.2.5), or the
 *               index bits of the sub-table a link points to
 *   bits  8-10  kind: LITERAL, LENGTH, END_OF_BLOCK, DISTANCE, CODE_LENGTH, SUB_TABLE, INVALID
 *   bits 16-31  value: the literal byte, the base length or distance, the code-length symbol, or
 *               the sub-table's offset in the array
 * </pre>
 * The layout and the sizing of sub-tables follow zlib's inftrees.c, so that the same length sets
 * are accepted and rejected as there, and the sizes zlib proves sufficient (its {@code enough}
 * program) hold here: {@link #LITERAL_LENGTH_TABLE_SIZE} and {@link #DISTANCE_TABLE_SIZE}.
 *
 * <p>An instance owns the scratch arrays a build needs; it is not thread safe (each
 * {@link InflateTables} has its own).
 */
final class HuffmanTableBuilder {

    /** Mask of an entry's count of input bits to consume. */
    static final int BITS_MASK = 0xF;
    /** Shift of an entry's extra-bit count (or a link's sub-table index bits). */
    static final int EXTRA_SHIFT = 4;
    /** Mask of an entry's kind. */
    static final int KIND_MASK = 0x700;
    /** Shift of an entry's value. */
    static final int VALUE_SHIFT = 16;

    /** Kind: a literal byte (section 3.2.5, symbols 0 to 255); zero so the common test is cheap. */
    static final int LITERAL = 0;
    /** Kind: a match length (symbols 257 to 285), value the base length. */
    static final int LENGTH = 0x100;
    /** Kind: the end of the block (symbol 256). */
    static final int END_OF_BLOCK = 0x200;
    /** Kind: a distance (codes 0 to 29), value the base distance. */
    static final int DISTANCE = 0x300;
    /** Kind: a symbol of the code-length code (section 3.2.7, 0 to 18), value the symbol. */
    static final int CODE_LENGTH = 0x400;
    /** Kind: a link to a sub-table, value its offset, extra field its index bits. */
    static final int SUB_TABLE = 0x500;
    /** Kind: no valid symbol (lit/len 286-287, distances 30-31, the hole of an incomplete code). */
    static final int INVALID = 0x600;

    /** Longest code RFC 1951 allows (section 3.2.7: code lengths 0 to 15). */
    static final int MAX_CODE_BITS = 15;

    /** Root bits of literal/length tables: as zlib, 9. */
    static final int LITERAL_LENGTH_ROOT_BITS = 9;
    /** Root bits of distance tables: as zlib, 6. */
    static final int DISTANCE_ROOT_BITS = 6;
    /** Root bits of the code-length code: its codes are at most 7 bits long, so no sub-table. */
    static final int CODE_LENGTH_ROOT_BITS = 7;

    /** Entries a literal/length table may need for 286 symbols, root 9: zlib's ENOUGH_LENS. */
    static final int LITERAL_LENGTH_TABLE_SIZE = 852;
    /** Entries a distance table may need for 30 symbols, root 6: zlib's ENOUGH_DISTS. */
    static final int DISTANCE_TABLE_SIZE = 592;
    /** Entries the code-length table may need: 2^7. */
    static final int CODE_LENGTH_TABLE_SIZE = 1 << CODE_LENGTH_ROOT_BITS;

    /** Section 3.2.5: base lengths of symbols 257 to 285. */
    private static final int[] LENGTH_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
            35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    /** Section 3.2.5: extra bits of symbols 257 to 285. */
    private static final int[] LENGTH_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
            3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    /** Section 3.2.5: base distances of distance codes 0 to 29. */
    private static final int[] DISTANCE_BASE = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
            193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    /** Section 3.2.5: extra bits of distance codes 0 to 29. */
    private static final int[] DISTANCE_EXTRA = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
            7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

    /** Entry (without its bit count) of each literal/length symbol 0 to 287. */
    static final int[] LITERAL_LENGTH_SYMBOLS = new int[288];
    /** Entry (without its bit count) of each distance code 0 to 31. */
    static final int[] DISTANCE_SYMBOLS = new int[32];
    /** Entry (without its bit count) of each code-length symbol 0 to 18. */
    static final int[] CODE_LENGTH_SYMBOLS = new int[19];

    static {
        for (int symbol = 0; symbol < 288; symbol++) {
            int entry;
            if (symbol < 256) {
                entry = LITERAL | symbol << VALUE_SHIFT;
            } else if (symbol == 256) {
                entry = END_OF_BLOCK;
            } else if (symbol < 286) {
                entry = LENGTH | LENGTH_BASE[symbol - 257] << VALUE_SHIFT
                        | LENGTH_EXTRA[symbol - 257] << EXTRA_SHIFT;
            } else {
                entry = INVALID; // 3.2.6: 286 and 287 "will never actually occur in the compressed data"
            }
            LITERAL_LENGTH_SYMBOLS[symbol] = entry;
        }
        for (int code = 0; code < 32; code++) {
            DISTANCE_SYMBOLS[code] = code < 30
                    ? DISTANCE | DISTANCE_BASE[code] << VALUE_SHIFT | DISTANCE_EXTRA[code] << EXTRA_SHIFT
                    : INVALID; // 3.2.6: distance codes 30 and 31 "will never actually occur"
        }
        for (int symbol = 0; symbol < 19; symbol++) {
            CODE_LENGTH_SYMBOLS[symbol] = CODE_LENGTH | symbol << VALUE_SHIFT;
        }
    }

    /** Table of the fixed literal/length code (section 3.2.6), shared by every decoder. */
    static final int[] FIXED_LITERAL_LENGTH;
    /** Root bits of {@link #FIXED_LITERAL_LENGTH}: 9, its longest code. */
    static final int FIXED_LITERAL_LENGTH_ROOT_BITS;
    /** Table of the fixed distance code (section 3.2.6: 5-bit codes), shared by every decoder. */
    static final int[] FIXED_DISTANCE;
    /** Root bits of {@link #FIXED_DISTANCE}: 5. */
    static final int FIXED_DISTANCE_ROOT_BITS;

    static {
        // 3.2.6: lit/len 0-143 8 bits, 144-255 9 bits, 256-279 7 bits, 280-287 8 bits; distances 5 bits
        byte[] lengths = new byte[288];
        Arrays.fill(lengths, 0, 144, (byte) 8);
        Arrays.fill(lengths, 144, 256, (byte) 9);
        Arrays.fill(lengths, 256, 280, (byte) 7);
        Arrays.fill(lengths, 280, 288, (byte) 8);
        HuffmanTableBuilder builder = new HuffmanTableBuilder();
        FIXED_LITERAL_LENGTH = new int[1 << 9];
        FIXED_LITERAL_LENGTH_ROOT_BITS = builder.build(lengths, 0, 288, LITERAL_LENGTH_SYMBOLS,
                LITERAL_LENGTH_ROOT_BITS, false, FIXED_LITERAL_LENGTH);
        Arrays.fill(lengths, 0, 32, (byte) 5);
        FIXED_DISTANCE = new int[1 << 5];
        FIXED_DISTANCE_ROOT_BITS = builder.build(lengths, 0, 32, DISTANCE_SYMBOLS, DISTANCE_ROOT_BITS,
                false, FIXED_DISTANCE);
    }

    /** Number of codes of each length 0 to 15 still to place; only meaningful during a build. */
    private final short[] codesOfLength = new short[MAX_CODE_BITS + 1];
    /** Next free slot per length in {@link #sortedSymbols}; only meaningful during a build. */
    private final short[] slotOfLength = new short[MAX_CODE_BITS + 1];
    /** Symbols with a code, by code length then symbol (section 3.2.2 order); a build's scratch. */
    private final short[] sortedSymbols = new short[288];

    /** Bytes of the arrays an instance holds. */
    static final int RETAINED_BYTES = 2 * (2 * (MAX_CODE_BITS + 1) + 288);

    /**
     * Builds the table of the canonical code whose lengths are {@code lengths[first, first + count)}
     * (section 3.2.2), symbol {@code i} being {@code first + i}'s length.
     *
     * @param symbols the entry of each symbol, without its bit count
     * @param maxRootBits root bits wanted; fewer when no code is that long (as zlib)
     * @param completeOnly whether an incomplete code is refused even with a single one-bit code
     *     (the code-length code); literal/length and distance codes may be a lone one-bit code, as
     *     zlib accepts (section 3.2.7 speaks of "one distance code of one bit")
     * @param table receives the table from index 0
     * @return the root bits of the table, or -1 when the lengths over-subscribe the code space or
     *     leave it incomplete where that is not accepted
     */
    int build(byte[] lengths, int first, int count, int[] symbols, int maxRootBits, boolean completeOnly,
            int[] table) {
        short[] ofLength = codesOfLength;
        Arrays.fill(ofLength, (short) 0);
        for (int i = 0; i < count; i++) {
            ofLength[lengths[first + i]]++;
        }
        int maxBits = MAX_CODE_BITS;
        while (maxBits > 0 && ofLength[maxBits] == 0) {
            maxBits--;
        }
        if (maxBits == 0) {
            // No code at all. zlib accepts it and decodes every symbol of such a code as invalid,
            // one bit long; for the code-length code its decoder reads that as lengths of zero,
            // so the set then fails for its missing end-of-block code. Same entries here.
            int entry = (completeOnly ? CODE_LENGTH : INVALID) | 1;
            table[0] = entry;
            table[1] = entry;
            return 1;
        }
        int minBits = 1;
        while (ofLength[minBits] == 0) {
            minBits++;
        }
        int rootBits = Math.max(Math.min(maxRootBits, maxBits), minBits);

        // 3.2.2: the code space left after each length; negative means over-subscribed
        int left = 1;
        for (int bits = 1; bits <= MAX_CODE_BITS; bits++) {
            left = (left << 1) - ofLength[bits];
            if (left < 0) {
                return -1;
            }
        }
        if (left > 0 && (completeOnly || maxBits != 1)) {
            return -1;
        }

        // 3.2.2 step 2 and 3 order: symbols sorted by length, then by value
        short[] slot = slotOfLength;
        slot[1] = 0;
        for (int bits = 1; bits < MAX_CODE_BITS; bits++) {
            slot[bits + 1] = (short) (slot[bits] + ofLength[bits]);
        }
        short[] sorted = sortedSymbols;
        for (int i = 0; i < count; i++) {
            int bits = lengths[first + i];
            if (bits != 0) {
                sorted[slot[bits]++] = (short) i;
            }
        }

        int rootSize = 1 << rootBits;
        int rootMask = rootSize - 1;
        int used = rootSize;            // entries of table in use: root plus sub-tables so far
        int subTablePrefix = -1;        // root index of the current sub-table's link, -1 before any
        int subTableStart = 0;          // offset of the current sub-table
        int subTableBits = 0;           // index bits of the current sub-table
        int code = 0;                   // 3.2.2 step 2: next code, most significant bit first
        int next = 0;                   // index in sorted
        for (int bits = minBits; bits <= maxBits; bits++) {
            for (int k = ofLength[bits]; k > 0; k--) {
                int entry = symbols[sorted[next++]];
                int reversed = Integer.reverse(code) >>> (32 - bits); // as the bits arrive (3.1.1)
                code++;
                if (bits <= rootBits) {
                    entry |= bits;
                    for (int i = reversed; i < rootSize; i += 1 << bits) {
                        table[i] = entry;
                    }
                    continue;
                }
                int prefix = reversed & rootMask;
                if (prefix != subTablePrefix) {
                    // a sub-table wide enough for every remaining code with this prefix (zlib's rule)
                    subTableBits = bits - rootBits;
                    int room = 1 << subTableBits;
                    while (subTableBits + rootBits < maxBits) {
                        int longer = subTableBits + rootBits;
                        room -= longer == bits ? k : ofLength[longer];
                        if (room <= 0) {
                            break;
                        }
                        subTableBits++;
                        room <<= 1;
                    }
                    subTableStart = used;
                    used += 1 << subTableBits;
                    if (used > table.length) {
                        throw new IllegalStateException("Huffman table larger than its bound: " + used);
                    }
                    table[prefix] = SUB_TABLE | subTableStart << VALUE_SHIFT
                            | subTableBits << EXTRA_SHIFT | rootBits;
                    subTablePrefix = prefix;
                }
                int subBits = bits - rootBits;
                entry |= subBits;
                for (int i = reversed >>> rootBits; i < 1 << subTableBits; i += 1 << subBits) {
                    table[subTableStart + i] = entry;
                }
            }
            code <<= 1;
        }
        if (left > 0) {
            // the lone one-bit code 0: its sibling, code 1, decodes as invalid
            table[1] = INVALID | 1;
        }
        return rootBits;
    }
}
