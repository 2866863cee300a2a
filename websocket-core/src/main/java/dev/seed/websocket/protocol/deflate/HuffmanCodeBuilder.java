package dev.seed.websocket.protocol.deflate;

import java.util.Arrays;

/**
 * Length-limited Huffman codes for DEFLATE (RFC 1951 section 3.2.2): code lengths from symbol
 * frequencies, then the canonical codes those lengths define, bit-reversed because DEFLATE sends
 * Huffman codes starting with their most significant bit while {@link BlockWriter} packs bits
 * least significant first (section 3.1.1).
 *
 * <p>Lengths come from the in-place minimum-redundancy algorithm of Moffat and Katajainen over the
 * symbols sorted by frequency; when a length exceeds the limit (15 bits for the literal/length and
 * distance codes, 7 for the code-length code, section 3.2.7), the lengths are clamped and the
 * Kraft sum is brought back to exactly one by moving leaves down the tree, the same fix-up zlib
 * applies. The longest lengths then go to the least frequent symbols. Not thread safe: one
 * instance lives in each thread's {@link BlockWriter}.
 */
final class HuffmanCodeBuilder {

    /** Longest code any DEFLATE alphabet allows (section 3.2.7). */
    static final int MAX_BITS = 15;

    /** Scratch: {@code frequency << 9 | symbol} of the symbols in use, sorted during a build. */
    private final int[] sorted = new int[288];
    /** Scratch: weights, then depths, of the sorted symbols (Moffat-Katajainen works in place). */
    private final int[] depth = new int[288];
    /** Scratch: how many codes have each length 0..MAX_BITS; valid during one build. */
    private final int[] lengthCount = new int[MAX_BITS + 1];
    /** Scratch: the next canonical code of each length while codes are assigned. */
    private final int[] nextCode = new int[MAX_BITS + 2];

    /**
     * Sets {@code lengths[0, n)} to Huffman code lengths of at most {@code maxBits} for
     * {@code freqs[0, n)}, n <= 288, each below 2^22 (a block has at most 2^15 symbols); symbols
     * of frequency 0 get length 0. As zlib does, at least two symbols get a code (a symbol of
     * frequency 0 is added when fewer are used), so that every code is at least one bit long and
     * a block's distance code is never empty.
     *
     * @return one more than the highest symbol with a nonzero length
     */
    int buildLengths(int[] freqs, int n, int maxBits, int[] lengths) {
        int used = 0;
        int highest = -1;
        for (int s = 0; s < n; s++) {
            lengths[s] = 0;
            int f = freqs[s];
            if (f != 0) {
                sorted[used++] = f << 9 | s;
                highest = s;
            }
        }
        if (used < 2) {
            // One or no symbol: two one-bit codes, the used symbol and symbol 0 or 1.
            int a = used == 0 ? 0 : highest;
            int b = a == 0 ? 1 : 0;
            lengths[a] = 1;
            lengths[b] = 1;
            return Math.max(a, b) + 1;
        }
        Arrays.sort(sorted, 0, used);
        int[] d = depth;
        for (int i = 0; i < used; i++) {
            d[i] = sorted[i] >>> 9;
        }
        minimumRedundancy(d, used);

        int[] count = lengthCount;
        Arrays.fill(count, 0);
        boolean overflow = false;
        for (int i = 0; i < used; i++) {
            int len = d[i];
            if (len > maxBits) {
                len = maxBits;
                overflow = true;
            }
            count[len]++;
        }
        if (overflow) {
            limitLengths(count, maxBits);
        }
        // Lengths in decreasing order to symbols in increasing frequency order.
        int i = 0;
        for (int bits = maxBits; bits >= 1; bits--) {
            for (int k = count[bits]; k > 0; k--) {
                lengths[sorted[i++] & 511] = bits;
            }
        }
        return highest + 1;
    }

    /**
     * Moffat and Katajainen, "In-Place Calculation of Minimum-Redundancy Codes" (1995): on entry
     * {@code a[0, n)} holds weights in nondecreasing order, n >= 2; on exit the code lengths,
     * nonincreasing.
     */
    private static void minimumRedundancy(int[] a, int n) {
        // First pass, left to right: internal node weights and parent pointers.
        a[0] += a[1];
        int root = 0;
        int leaf = 2;
        for (int next = 1; next < n - 1; next++) {
            if (leaf >= n || a[root] < a[leaf]) {
                a[next] = a[root];
                a[root++] = next;
            } else {
                a[next] = a[leaf++];
            }
            if (leaf >= n || (root < next && a[root] < a[leaf])) {
                a[next] += a[root];
                a[root++] = next;
            } else {
                a[next] += a[leaf++];
            }
        }
        // Second pass, right to left: depths of the internal nodes.
        a[n - 2] = 0;
        for (int next = n - 3; next >= 0; next--) {
            a[next] = a[a[next]] + 1;
        }
        // Third pass, right to left: depths of the leaves.
        int avail = 1;
        int usedAtDepth = 0;
        int dpth = 0;
        root = n - 2;
        int next = n - 1;
        while (avail > 0) {
            while (root >= 0 && a[root] == dpth) {
                usedAtDepth++;
                root--;
            }
            while (avail > usedAtDepth) {
                a[next--] = dpth;
                avail--;
            }
            avail = 2 * usedAtDepth;
            dpth++;
            usedAtDepth = 0;
        }
    }

    /**
     * With the lengths over {@code maxBits} counted at {@code maxBits}, the code is oversubscribed;
     * each step removes one leaf from the deepest level and splits a shallower leaf into two one
     * level down, lowering the Kraft sum (in units of 2^-maxBits) by one until it is exactly one.
     */
    private static void limitLengths(int[] count, int maxBits) {
        long total = 0;
        for (int bits = maxBits; bits > 0; bits--) {
            total += (long) count[bits] << (maxBits - bits);
        }
        long full = 1L << maxBits;
        while (total > full) {
            count[maxBits]--;
            for (int bits = maxBits - 1; bits > 0; bits--) {
                if (count[bits] != 0) {
                    count[bits]--;
                    count[bits + 1] += 2;
                    break;
                }
            }
            total--;
        }
    }

    /**
     * Sets {@code codes[s]} to the canonical code of each symbol with a nonzero length (section
     * 3.2.2: shorter codes first, within a length in symbol order), bit-reversed for sending
     * least significant bit first.
     */
    void buildCodes(int[] lengths, int n, int[] codes) {
        int[] count = lengthCount;
        Arrays.fill(count, 0);
        for (int s = 0; s < n; s++) {
            count[lengths[s]]++;
        }
        count[0] = 0;
        int code = 0;
        for (int bits = 1; bits <= MAX_BITS; bits++) {
            code = (code + count[bits - 1]) << 1;
            nextCode[bits] = code;
        }
        for (int s = 0; s < n; s++) {
            int len = lengths[s];
            codes[s] = len == 0 ? 0 : Integer.reverse(nextCode[len]++) >>> (32 - len);
        }
    }
}
