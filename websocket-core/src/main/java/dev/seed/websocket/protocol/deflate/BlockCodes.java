package dev.seed.websocket.protocol.deflate;

import java.util.Arrays;

/**
 * The constant tables of DEFLATE blocks for {@link BlockWriter} and {@link Lz77Matcher}: the
 * length and distance codes with their extra bits (RFC 1951 section 3.2.5), the fixed Huffman
 * codes (section 3.2.6) and the order of the code length code lengths (section 3.2.7).
 *
 * <p>Section 3.2.5: "the literal and length alphabets are merged into a single alphabet (0..285),
 * where values 0..255 represent literal bytes, the value 256 indicates end-of-block, and values
 * 257..285 represent length codes (possibly in conjunction with extra bits following the symbol
 * code)"; distances use a second alphabet, codes 0..29, each with 0 to 13 extra bits.
 */
final class BlockCodes {

    /** Section 3.2.5: the end-of-block symbol. */
    static final int END_BLOCK = 256;
    /** Section 3.2.5: literal/length symbols in use, 0..285. */
    static final int L_CODES = 286;
    /** Section 3.2.5: distance codes in use, 0..29. */
    static final int D_CODES = 30;
    /** Section 3.2.7: the code length alphabet, 0..18. */
    static final int BL_CODES = 19;
    /** Section 3.2.4: LEN is 16 bits, so a stored block holds at most 65,535 bytes. */
    static final int MAX_STORED = 65_535;

    /** Section 3.2.5: extra bits of length codes 257..285 (index code - 257). */
    static final int[] LENGTH_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
            4, 4, 4, 4, 5, 5, 5, 5, 0};
    /** Section 3.2.5: extra bits of distance codes 0..29. */
    static final int[] DIST_EXTRA = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9,
            9, 10, 10, 11, 11, 12, 12, 13, 13};
    /**
     * Section 3.2.7: code lengths for the code length alphabet go "in the order: 16, 17, 18, 0, 8,
     * 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15".
     */
    static final int[] BL_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1,
            15};

    /** Section 3.2.5: the smallest length - 3 of each length code (index code - 257). */
    static final int[] LENGTH_BASE = new int[29];
    /** Length - 3 (0..255) to its length code - 257 (0..28). */
    static final byte[] LENGTH_CODE = new byte[256];
    /** Section 3.2.5: the smallest distance - 1 of each distance code. */
    static final int[] DIST_BASE = new int[D_CODES];
    /** Distance - 1 to its code: [0, 256) directly, [256, 512) by {@code (distance - 1) >> 7}. */
    static final byte[] DIST_CODE = new byte[512];
    /** Section 3.2.6: fixed literal/length code lengths of symbols 0..287. */
    static final int[] FIXED_LIT_LENGTHS = new int[288];
    /** Section 3.2.6: fixed literal/length codes, bit-reversed for sending. */
    static final int[] FIXED_LIT_CODES = new int[288];
    /** Section 3.2.6: fixed distance code lengths, all 5. */
    static final int[] FIXED_DIST_LENGTHS = new int[D_CODES];
    /** Section 3.2.6: fixed distance codes, bit-reversed for sending. */
    static final int[] FIXED_DIST_CODES = new int[D_CODES];

    static {
        // Section 3.2.5, lengths: code 257 is length 3, ..., code 284 is 227-257 with 5 extra bits
        // (one value unused), code 285 is 258.
        int length = 0;
        for (int code = 0; code < 28; code++) {
            LENGTH_BASE[code] = length;
            for (int n = 0; n < 1 << LENGTH_EXTRA[code]; n++) {
                LENGTH_CODE[length++] = (byte) code;
            }
        }
        LENGTH_BASE[28] = 255;
        LENGTH_CODE[255] = 28;
        // Section 3.2.5, distances: codes 0-3 are 1-4, then each pair of codes doubles the span.
        int dist = 0;
        int code = 0;
        for (; code < 16; code++) {
            DIST_BASE[code] = dist;
            for (int n = 0; n < 1 << DIST_EXTRA[code]; n++) {
                DIST_CODE[dist++] = (byte) code;
            }
        }
        dist >>= 7;
        for (; code < D_CODES; code++) {
            DIST_BASE[code] = dist << 7;
            for (int n = 0; n < 1 << (DIST_EXTRA[code] - 7); n++) {
                DIST_CODE[256 + dist++] = (byte) code;
            }
        }
        // Section 3.2.6: "Lit Value 0 - 143: 8 bits, 144 - 255: 9 bits, 256 - 279: 7 bits,
        // 280 - 287: 8 bits"; "Distance codes 0-31 are represented by (fixed-length) 5-bit codes".
        for (int s = 0; s < 288; s++) {
            FIXED_LIT_LENGTHS[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
        }
        Arrays.fill(FIXED_DIST_LENGTHS, 5);
        HuffmanCodeBuilder builder = new HuffmanCodeBuilder();
        builder.buildCodes(FIXED_LIT_LENGTHS, 288, FIXED_LIT_CODES);
        builder.buildCodes(FIXED_DIST_LENGTHS, D_CODES, FIXED_DIST_CODES);
    }

    private BlockCodes() {
    }

    /** The distance code (0..29) of a distance of {@code distMinus1 + 1}, 1..32,768. */
    static int distCode(int distMinus1) {
        return distMinus1 < 256 ? DIST_CODE[distMinus1] : DIST_CODE[256 + (distMinus1 >>> 7)];
    }
}
