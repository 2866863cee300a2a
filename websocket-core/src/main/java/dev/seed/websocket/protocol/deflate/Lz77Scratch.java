package dev.seed.websocket.protocol.deflate;

/**
 * The per-thread LZ77 arrays of compact {@link Lz77Matcher}s: the window buffer (two windows),
 * the hash chains {@code prev} and the heads. A compact matcher keeps only its history between
 * calls and borrows these arrays for the duration of one {@link DeflateEncoder#compress} call,
 * rebuilding their content from its history at the start; the next matcher to borrow them, on
 * this thread only, starts by overwriting them. One set per window size (and head count) per
 * thread, made on first use: at most {@code 6 * 2^windowBits} bytes each.
 *
 * <p>Calls on one thread never overlap, so the arrays are never in use by two matchers at once.
 */
final class Lz77Scratch {

    private static final ThreadLocal<Lz77Scratch> PER_THREAD =
            ThreadLocal.withInitial(Lz77Scratch::new);

    /** Window buffers of {@code 2 * 2^bits} bytes, by windowBits; null until first use. */
    private final byte[][] windows = new byte[16][];
    /** Chains of {@code 2^bits} positions, by windowBits; null until first use. */
    private final char[][] prevs = new char[16][];
    /** Heads of {@code 2^bits} positions, by hashBits; null until first use. */
    private final char[][] heads = new char[16][];

    /** The owner of arrays that hold nobody's state (matchers' ids start at 1). */
    static final long NOBODY = 0;

    /**
     * Whose state the arrays of each size hold: the matcher's id and generation after the call
     * that left them (0: nobody's). The window and chains by windowBits, the heads by hashBits.
     */
    private final long[] windowOwner = new long[16];
    private final long[] windowGeneration = new long[16];
    private final long[] headOwner = new long[16];
    private final long[] headGeneration = new long[16];

    private Lz77Scratch() {
    }

    /**
     * Whether the window, chains and heads of these sizes hold what the matcher {@code owner}
     * left them with at its {@code generation}: nobody borrowed them since.
     */
    boolean holds(int windowBits, int hashBits, long owner, long generation) {
        return windowOwner[windowBits] == owner && windowGeneration[windowBits] == generation
                && headOwner[hashBits] == owner && headGeneration[hashBits] == generation;
    }

    /**
     * The matcher {@code owner} leaves the arrays of these sizes holding its state at
     * {@code generation}. Any other matcher's call overwrites this (it borrows the arrays).
     */
    void heldBy(int windowBits, int hashBits, long owner, long generation) {
        windowOwner[windowBits] = owner;
        windowGeneration[windowBits] = generation;
        headOwner[hashBits] = owner;
        headGeneration[hashBits] = generation;
    }

    /** The calling thread's arrays. */
    static Lz77Scratch get() {
        return PER_THREAD.get();
    }

    /** The window buffer for 2^windowBits: {@code 2 << windowBits} bytes, content undefined. */
    byte[] window(int windowBits) {
        byte[] w = windows[windowBits];
        if (w == null) {
            w = windows[windowBits] = new byte[2 << windowBits];
        }
        return w;
    }

    /** The chains for 2^windowBits: {@code 1 << windowBits} positions, content undefined. */
    char[] prev(int windowBits) {
        char[] p = prevs[windowBits];
        if (p == null) {
            p = prevs[windowBits] = new char[1 << windowBits];
        }
        return p;
    }

    /** The heads for 2^hashBits hashes, content undefined. */
    char[] head(int hashBits) {
        char[] h = heads[hashBits];
        if (h == null) {
            h = heads[hashBits] = new char[1 << hashBits];
        }
        return h;
    }
}
