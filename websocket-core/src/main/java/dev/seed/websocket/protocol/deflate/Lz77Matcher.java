package dev.seed.websocket.protocol.deflate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The LZ77 half of {@link DeflateEncoder}, zlib's algorithm at a window of 2^windowBits bytes,
 * the part of the state kept between calls.
 *
 * <p>The input goes through {@code window}, a buffer of two windows. Each position enters a hash
 * chain keyed by a multiplicative hash of its next three bytes (section 4: "a hash function that
 * operates on 3-byte sequences"): {@code head} holds the latest position of each hash, {@code
 * prev} (indexed by position modulo the window) the previous position with the same hash.
 * Positions are {@code char}s, as zlib's {@code Pos}. When the lookahead no longer fits, the upper
 * half of the buffer slides down and every chain entry drops by a window; entries that fall out
 * become 0, the end of every chain. RFC 1951 section 3.2.5: "the length is drawn from (3..258)
 * and the distance is drawn from (1..32,768)"; here distances stop at 2^windowBits - 1, never
 * beyond the window the peer agreed to (RFC 7692 section 7.1.2), and section 3.3 allows it: a
 * compressor "may limit the range of backward pointers to some value smaller than 32K".
 *
 * <p>Levels 1 to 3 match greedily (zlib's deflate_fast: the longest match found is taken; the
 * positions it covers enter the chains only when it is short); levels 4 to 9 match lazily
 * (deflate_slow, section 4's "lazy matching": a match is taken only when the next position has no
 * longer one). The search effort comes from zlib's configuration table.
 *
 * <p>The window, chains and heads persist across calls (context takeover). {@link #reset()} does
 * not clear them: it raises a floor at or below which positions are no candidates, so a reset
 * costs nothing whatever the window size.
 *
 * <p>Compact, the matcher keeps only its history between calls: the last
 * min(2^windowBits, bytes since the reset) bytes, in an array of that length. A call borrows the
 * window, chains and heads of the thread ({@link Lz77Scratch}), clears the heads, copies the
 * history to positions {@code [0, h)} of the window and links those positions into the chains
 * as the matcher keeping its arrays would have them (all but the last two, whose three bytes are
 * not all there yet), compresses from position h, then copies the last bytes back. Matches reach
 * into the history as far as without compaction: position 0, which ends the chains, is no
 * candidate, but it holds the first byte since the reset or one a whole window back, none either
 * way (or, after a slide, a byte the slide took out of the chains). The cost is the rebuild:
 * about one hash insertion per history byte per call, skipped when the thread's arrays still hold
 * what this matcher's previous call left (no other compact matcher of the same sizes ran on the
 * thread in between: a connection sending several messages in a row). Not thread safe.
 */
final class Lz77Matcher {

    /** Section 3.2.5: the shortest match. */
    static final int MIN_MATCH = 3;
    /** Section 3.2.5: the longest match. */
    static final int MAX_MATCH = 258;
    /** Lookahead kept while input remains, so that a match can always be measured to its end. */
    static final int MIN_LOOKAHEAD = MAX_MATCH + MIN_MATCH + 1;
    /** As zlib: a match of length 3 farther than this is dropped (it saves next to nothing). */
    private static final int TOO_FAR = 4096;

    /** zlib's configuration table: good_length, max_lazy, nice_length, max_chain, by level. */
    private static final int[][] CONFIG = {
            {0, 0, 0, 0},
            {4, 4, 8, 4},
            {4, 5, 16, 8},
            {4, 6, 32, 32},
            {4, 4, 16, 16},
            {8, 16, 32, 32},
            {8, 16, 128, 128},
            {8, 32, 128, 256},
            {32, 128, 258, 1024},
            {32, 258, 258, 4096}};

    /** Little-endian short view of byte arrays, for comparing two bytes at a time. */
    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    /** Little-endian long view of byte arrays, for comparing eight bytes at a time. */
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Little-endian int view of byte arrays, for hashing three bytes with one read. */
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** The multiplier of the three-byte hash. */
    private static final int HASH_MULTIPLIER = 0x9E3779B1;

    /** The window's base-2 logarithm. */
    private final int windowBits;
    /** The heads' base-2 logarithm. */
    private final int hashBits;
    /** Whether only the history is kept between calls, the other arrays borrowed per call. */
    private final boolean compact;
    /** The window size, 2^windowBits. */
    private final int wSize;
    /** {@code wSize - 1}: a position's slot in {@link #prev}. */
    private final int wMask;
    /** Length of {@link #window}: two windows. */
    private final int windowSize;
    /** Farthest distance a match may have: {@code wSize - 1}, within the agreed window. */
    private final int maxDist;
    /** 32 - hashBits: the multiplicative hash keeps the top hashBits bits. */
    private final int hashShift;
    /** Length of {@link #head}: 2^hashBits. */
    private final int hashSize;
    /** Lazy matching (levels 4..9) or greedy (1..3). */
    private final boolean lazy;
    /** A match at least this long quarters the search for a better one at the next position. */
    private final int goodLength;
    /** Lazy: no search after a match this long; greedy: longer matches' positions not chained. */
    private final int maxLazy;
    /** A match this long ends the search. */
    private final int niceLength;
    /** Chain entries examined per search, at most. */
    private final int maxChain;
    /** Symbols per block: 2^(memLevel + 6) - 1, as zlib. */
    final int blockSymbols;

    /**
     * Input bytes: positions [0, strstart + lookahead) hold data; null until first use. Compact:
     * the thread's, during a call only.
     */
    private byte[] window;
    /**
     * At {@code p & wMask}: the previous position with p's hash, or 0; null until first use.
     * Compact: the thread's, during a call only.
     */
    private char[] prev;
    /**
     * Per hash: the latest position inserted with that hash, or 0 (none); null until first use.
     * Compact: the thread's, during a call only.
     */
    private char[] head;
    /**
     * Compact only: the last bytes since the reset, at most a window, in {@code [0,
     * historyLength)}; the array grows to min(window, bytes since the reset). Null until first
     * use and after a release.
     */
    private byte[] history;
    /** Compact only: valid bytes of {@link #history}; 0 after a reset. */
    private int historyLength;
    /** Compact only: this matcher among all, for the thread's arrays to say whose state they hold. */
    private final long id = IDS.incrementAndGet();
    /**
     * Compact only: counts the successful calls, resets and releases; with {@link #id}, the state
     * the thread's arrays must hold for a call to skip rebuilding them (see {@link Lz77Scratch#holds}).
     */
    private long generation;
    /** Compact only: calls that rebuilt the thread's arrays from the history. */
    private long rebuilds;
    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();
    /** The next position to encode; between calls, one past the last byte of the last call. */
    private int strstart;
    /** Positions up to this one are no candidates (0 ends chains; older ones precede a reset). */
    private int floor;
    /** Positions before strstart not yet in the chains (their three bytes were not all there). */
    private int insert;
    /** Bytes after strstart read and not yet encoded; 0 between calls. */
    private int lookahead;
    /** Start of the match the last search found; may go negative after a slide (unused then). */
    private int matchStart;
    /** Position of the current block's first byte; may go negative after a slide. */
    private int blockStart;

    /**
     * @param maxDistance the farthest a match may refer back: 2^windowBits - 1, or less (an
     *     agreed window of 2^8 bytes is served by a 2^9 window whose matches stop at 255)
     */
    Lz77Matcher(int windowBits, int level, int memLevel, boolean compact, int maxDistance) {
        this.windowBits = windowBits;
        this.compact = compact;
        wSize = 1 << windowBits;
        wMask = wSize - 1;
        windowSize = 2 * wSize;
        maxDist = Math.min(wSize - 1, maxDistance);
        hashBits = Math.min(windowBits, memLevel + 7);
        hashSize = 1 << hashBits;
        hashShift = 32 - hashBits;
        int[] c = CONFIG[level];
        goodLength = c[0];
        maxLazy = c[1];
        niceLength = c[2];
        maxChain = c[3];
        lazy = level >= 4;
        blockSymbols = (1 << (memLevel + 6)) - 1;
    }

    /** Bytes of the arrays kept between calls. */
    long retainedBytes() {
        if (compact) {
            return history == null ? 0 : history.length;
        }
        return window == null ? 0 : window.length + 2L * prev.length + 2L * head.length;
    }

    /** Compact only: how many calls rebuilt the thread's arrays from the history. */
    long rebuilds() {
        return rebuilds;
    }

    /** Forgets the window: later matches reach no position before the current one. */
    void reset() {
        floor = strstart;
        insert = 0;
        historyLength = 0;
        generation++;
    }

    /** Drops the arrays; the next call starts a fresh stream. */
    void release() {
        history = null;
        historyLength = 0;
        generation++;
        window = null;
        prev = null;
        head = null;
        strstart = 0;
        floor = 0;
        insert = 0;
    }

    /**
     * Encodes all of {@code in} into blocks of {@code bw}. Returns false when a block would take
     * the output to the limit (the matcher then needs a {@link #reset()}).
     */
    boolean deflate(ByteBuffer in, BlockWriter bw) {
        if (compact) {
            return deflateCompact(in, bw);
        }
        if (window == null) {
            window = new byte[windowSize];
            prev = new char[wSize];
            head = new char[hashSize];
        }
        return deflateInWindow(in, bw);
    }

    /**
     * {@link #deflate} with the thread's arrays: restores the history into them, compresses, and
     * keeps the last bytes as the new history. On false the caller resets the matcher.
     */
    private boolean deflateCompact(ByteBuffer in, BlockWriter bw) {
        Lz77Scratch scratch = Lz77Scratch.get();
        window = scratch.window(windowBits);
        prev = scratch.prev(windowBits);
        head = scratch.head(hashBits);
        try {
            int incoming = in.remaining();
            // The arrays still hold what this matcher's last call left (no other matcher of
            // these sizes ran on this thread since): go on from there, as a matcher keeping its
            // arrays does, instead of rebuilding them from the history.
            if (!scratch.holds(windowBits, hashBits, id, generation)) {
                // nobody's from here on until this call succeeds: if it fails, the matcher
                // whose state was in the arrays must not take what this call left for its own
                scratch.heldBy(windowBits, hashBits, Lz77Scratch.NOBODY, 0);
                restoreHistory();
                rebuilds++;
            }
            generation++; // whatever happens now, the arrays hold no earlier state of ours
            boolean ok = deflateInWindow(in, bw);
            if (ok) {
                saveHistory(incoming);
                scratch.heldBy(windowBits, hashBits, id, generation);
            }
            return ok;
        } finally {
            window = null;
            prev = null;
            head = null;
        }
    }

    /**
     * Puts the history at positions {@code [0, h)} of the window with the chains and heads the
     * matcher would have kept: positions up to h - 3 linked, the last (up to) two pending as at
     * the end of a call, nothing before 0.
     */
    private void restoreHistory() {
        int h = historyLength;
        Arrays.fill(head, (char) 0);
        strstart = h;
        floor = 0;
        matchStart = 0;
        insert = Math.min(h, MIN_MATCH - 1);
        if (h == 0) {
            return;
        }
        byte[] w = window;
        System.arraycopy(history, 0, w, 0, h);
        // As insertString for p = 0 .. h - 3; p < wSize, so p is its own slot in prev, and the
        // four-byte read stays in the buffer of two windows.
        char[] pv = prev;
        char[] hd = head;
        int shift = hashShift;
        for (int p = 0, end = h - insert; p < end; p++) {
            int hash = ((int) INT_LE.get(w, p) & 0xFFFFFF) * HASH_MULTIPLIER >>> shift;
            pv[p] = hd[hash];
            hd[hash] = (char) p;
        }
    }

    /**
     * Keeps the last min(window, bytes since the reset) bytes before strstart as the history
     * ({@code incoming}: the bytes of this call); fewer when a slide in this call left less in the
     * buffer (the bytes it dropped had left the chains, as they leave them without compaction).
     */
    private void saveHistory(int incoming) {
        int want = (int) Math.min(wSize, (long) historyLength + incoming);
        int n = Math.min(want, strstart);
        if (history == null || history.length < want) {
            history = new byte[want];
        }
        System.arraycopy(window, strstart - n, history, 0, n);
        historyLength = n;
    }

    /** Encodes all of {@code in} from strstart on, with the arrays in place. */
    private boolean deflateInWindow(ByteBuffer in, BlockWriter bw) {
        lookahead = 0;
        blockStart = strstart;
        boolean ok = lazy ? deflateSlow(in, bw) : deflateFast(in, bw);
        lookahead = 0;
        return ok;
    }

    /** zlib's deflate_fast: greedy matching. */
    private boolean deflateFast(ByteBuffer in, BlockWriter bw) {
        byte[] w = window;
        int[] syms = bw.syms;
        int[] lf = bw.litFreq;
        int[] df = bw.distFreq;
        int n = 0;
        int symEnd = blockSymbols;
        for (;;) {
            if (lookahead < MIN_LOOKAHEAD) {
                fillWindow(in);
                if (lookahead == 0) {
                    break;
                }
            }
            int s = strstart;
            int matchLength = 0;
            if (lookahead >= MIN_MATCH) {
                int hashHead = insertString(w, s);
                if (hashHead >= minPosition(s)) {
                    matchLength = longestMatch(hashHead, MIN_MATCH - 1);
                }
            }
            if (matchLength >= MIN_MATCH) {
                int dist = s - matchStart;
                syms[n++] = dist << 8 | (matchLength - MIN_MATCH);
                lf[BlockCodes.LENGTH_CODE[matchLength - MIN_MATCH] + 257]++;
                df[BlockCodes.distCode(dist - 1)]++;
                lookahead -= matchLength;
                if (matchLength <= maxLazy && lookahead >= MIN_MATCH) {
                    for (int p = s + 1, end = s + matchLength; p < end; p++) {
                        insertString(w, p);
                    }
                }
                strstart = s + matchLength;
            } else {
                int lit = w[s] & 0xFF;
                syms[n++] = lit;
                lf[lit]++;
                lookahead--;
                strstart = s + 1;
            }
            if (n == symEnd) {
                if (!bw.flushBlock(n, strstart - blockStart)) {
                    return false;
                }
                n = 0;
                blockStart = strstart;
            }
        }
        insert = Math.min(strstart - floor, MIN_MATCH - 1);
        return n == 0 || bw.flushBlock(n, strstart - blockStart);
    }

    /** zlib's deflate_slow: lazy matching. */
    private boolean deflateSlow(ByteBuffer in, BlockWriter bw) {
        byte[] w = window;
        int[] syms = bw.syms;
        int[] lf = bw.litFreq;
        int[] df = bw.distFreq;
        int n = 0;
        int symEnd = blockSymbols;
        int matchLength = MIN_MATCH - 1;
        boolean matchAvailable = false;
        for (;;) {
            if (lookahead < MIN_LOOKAHEAD) {
                fillWindow(in);
                if (lookahead == 0) {
                    break;
                }
            }
            int s = strstart;
            // The match found at the previous position, if any, waits for this position's.
            int prevLength = matchLength;
            int prevMatch = matchStart;
            matchLength = MIN_MATCH - 1;
            if (lookahead >= MIN_MATCH) {
                int hashHead = insertString(w, s);
                if (prevLength < maxLazy && hashHead >= minPosition(s)) {
                    matchLength = longestMatch(hashHead, prevLength);
                    if (matchLength == MIN_MATCH && s - matchStart > TOO_FAR) {
                        matchLength = MIN_MATCH - 1;
                    }
                } else {
                    matchStart = prevMatch;
                }
            } else {
                matchStart = prevMatch;
            }
            if (prevLength >= MIN_MATCH && matchLength <= prevLength) {
                // The previous position's match wins: emit it and skip what it covers.
                int dist = s - 1 - prevMatch;
                syms[n++] = dist << 8 | (prevLength - MIN_MATCH);
                lf[BlockCodes.LENGTH_CODE[prevLength - MIN_MATCH] + 257]++;
                df[BlockCodes.distCode(dist - 1)]++;
                int maxInsert = s + lookahead - MIN_MATCH;
                int end = s - 1 + prevLength;
                for (int p = s + 1; p < end; p++) {
                    if (p <= maxInsert) {
                        insertString(w, p);
                    }
                }
                lookahead -= prevLength - 1;
                strstart = end;
                matchAvailable = false;
                matchLength = MIN_MATCH - 1;
                if (n == symEnd) {
                    if (!bw.flushBlock(n, strstart - blockStart)) {
                        return false;
                    }
                    n = 0;
                    blockStart = strstart;
                }
            } else if (matchAvailable) {
                // No better match here: the previous byte goes as a literal.
                int lit = w[s - 1] & 0xFF;
                syms[n++] = lit;
                lf[lit]++;
                if (n == symEnd) {
                    if (!bw.flushBlock(n, s - blockStart)) {
                        return false;
                    }
                    n = 0;
                    blockStart = s;
                }
                strstart = s + 1;
                lookahead--;
            } else {
                matchAvailable = true;
                strstart = s + 1;
                lookahead--;
            }
        }
        if (matchAvailable) {
            int lit = w[strstart - 1] & 0xFF;
            syms[n++] = lit;
            lf[lit]++;
        }
        insert = Math.min(strstart - floor, MIN_MATCH - 1);
        return n == 0 || bw.flushBlock(n, strstart - blockStart);
    }

    /**
     * The lowest position a match from {@code s} may start at: within the window and after the
     * floor (so never 0, the end of every chain).
     */
    private int minPosition(int s) {
        return Math.max(floor + 1, s - maxDist);
    }

    /**
     * zlib's longest_match: follows the chain from {@code cur} for a match longer than
     * {@code bestLen} at strstart; sets {@link #matchStart} and returns the best length found
     * (bestLen when none is longer), never more than the lookahead.
     */
    private int longestMatch(int cur, int bestLen) {
        byte[] w = window;
        char[] pv = prev;
        int s = strstart;
        int maxLen = Math.min(MAX_MATCH, lookahead);
        if (bestLen >= maxLen) {
            return maxLen;
        }
        int chain = maxChain;
        if (bestLen >= goodLength) {
            chain >>= 2;
        }
        int nice = Math.min(niceLength, maxLen);
        int limit = minPosition(s);
        short start = (short) SHORT_LE.get(w, s);
        short end = (short) SHORT_LE.get(w, s + bestLen - 1);
        int mask = wMask;
        int best = -1;
        do {
            // A longer match must agree at its would-be last two bytes and first two bytes.
            if ((short) SHORT_LE.get(w, cur + bestLen - 1) != end
                    || (short) SHORT_LE.get(w, cur) != start) {
                continue;
            }
            int len = 2 + matchLength(w, cur + 2, s + 2, maxLen - 2);
            if (len > bestLen) {
                best = cur;
                bestLen = len;
                if (len >= nice) {
                    break;
                }
                end = (short) SHORT_LE.get(w, s + bestLen - 1);
            }
        } while ((cur = pv[cur & mask]) >= limit && --chain != 0);
        if (best >= 0) {
            matchStart = best;
        }
        return bestLen;
    }

    /** How many bytes from {@code a} and {@code b} agree, up to {@code max}. */
    private static int matchLength(byte[] w, int a, int b, int max) {
        int len = 0;
        while (len + 8 <= max) {
            long x = (long) LONG_LE.get(w, a + len) ^ (long) LONG_LE.get(w, b + len);
            if (x != 0) {
                return len + (Long.numberOfTrailingZeros(x) >>> 3);
            }
            len += 8;
        }
        while (len < max && w[a + len] == w[b + len]) {
            len++;
        }
        return len;
    }

    /** Links position {@code p} into its hash chain and returns the chain's previous head. */
    private int insertString(byte[] w, int p) {
        int h = ((w[p] & 0xFF) | (w[p + 1] & 0xFF) << 8 | (w[p + 2] & 0xFF) << 16)
                * HASH_MULTIPLIER >>> hashShift;
        char[] hd = head;
        int old = hd[h];
        prev[p & wMask] = (char) old;
        hd[h] = (char) p;
        return old;
    }

    /**
     * zlib's fill_window: reads input until the lookahead is at least {@link #MIN_LOOKAHEAD} or
     * the input is used up, sliding the upper window down first when the buffer is full, and
     * inserts the positions left out of the chains at the end of the previous call.
     */
    private void fillWindow(ByteBuffer in) {
        byte[] w = window;
        do {
            int more = windowSize - lookahead - strstart;
            if (strstart >= windowSize - MIN_LOOKAHEAD) {
                System.arraycopy(w, wSize, w, 0, wSize - more);
                matchStart -= wSize;
                strstart -= wSize;
                blockStart -= wSize;
                floor = Math.max(0, floor - wSize);
                if (insert > strstart) {
                    insert = strstart;
                }
                slideHash();
                more += wSize;
            }
            int avail = in.remaining();
            if (avail == 0) {
                break;
            }
            int n = Math.min(avail, more);
            in.get(w, strstart + lookahead, n);
            lookahead += n;
            if (lookahead + insert >= MIN_MATCH) {
                int p = strstart - insert;
                while (insert > 0) {
                    insertString(w, p);
                    p++;
                    insert--;
                    if (lookahead + insert < MIN_MATCH) {
                        break;
                    }
                }
            }
        } while (lookahead < MIN_LOOKAHEAD && in.hasRemaining());
    }

    /** Lowers every chain entry by a window; entries that fall below it become 0 (absent). */
    private void slideHash() {
        int ws = wSize;
        char[] hd = head;
        for (int i = 0; i < hd.length; i++) {
            int m = hd[i];
            hd[i] = (char) (m >= ws ? m - ws : 0);
        }
        char[] pv = prev;
        for (int i = 0; i < pv.length; i++) {
            int m = pv[i];
            pv[i] = (char) (m >= ws ? m - ws : 0);
        }
    }
}
