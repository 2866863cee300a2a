package dev.seed.websocket.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Incremental UTF-8 validation (RFC 3629, as RFC 6455 section 8.1 requires), failing at the first
 * invalid byte even across fragment boundaries. This class is not thread safe.
 *
 * <p>A deterministic automaton over byte classes that follows the grammar of RFC 3629 section 4:
 *
 * <pre>
 * UTF8-1      = %x00-7F
 * UTF8-2      = %xC2-DF UTF8-tail
 * UTF8-3      = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) /
 *               %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
 * UTF8-4      = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) /
 *               %xF4 %x80-8F 2( UTF8-tail )
 * UTF8-tail   = %x80-BF
 * </pre>
 *
 * <p>So overlong forms (C0, C1, E0 80-9F, F0 80-8F), surrogates (ED A0-BF) and code points above
 * U+10FFFF (F4 90-BF, F5-FF) reach the rejecting state at the first byte that rules them out, and
 * stay there. A character split between frames or streamed parts is simply the automaton's state
 * (an int, which the engine keeps per connection) handed from one feed to the next.
 *
 * <p>Defined over byte classes as in Björn Höhrmann's DFA decoder, the automaton runs from a
 * shift-based table: each state is a multiple of 6 below 64, and {@code ROWS[b]} packs, for every
 * state s, the state after byte b in the 6 bits at offset s. One step is
 * {@code state = ROWS[b] >>> state}. The table load depends on the input byte only, so the one
 * thing each step waits for is the previous step's shift, and the steps have no branch: text in
 * any mix of scripts costs the same per byte, with nothing for the branch predictor to guess.
 * Java takes a long shift's distance modulo 64, so the state's bits above the lowest 6 may hold
 * leftovers of the row; they are masked off only where the state is looked at.
 *
 * <p>Bytes go through the automaton 8 per loop pass, unrolled. Before each pass, 8 bytes read as
 * one long with no high bit set are all ASCII ({@code UTF8-1}); between characters they leave the
 * state as it is, so they are skipped in one step, and a longer run 32 bytes at a time. Only the
 * last 7 bytes of a feed, at most, take one byte a pass. Nothing here allocates. Because the
 * rejecting state is final, a feed can run to its end before it looks: the verdict is the same
 * as stopping at the first invalid byte.
 */
public final class Utf8Validator {

    // Byte classes: bytes that the automaton never needs to tell apart share a class.
    private static final int ASCII = 0; // 00-7F
    private static final int TAIL_80_8F = 1; // 80-8F
    private static final int TAIL_90_9F = 2; // 90-9F
    private static final int TAIL_A0_BF = 3; // A0-BF
    private static final int NEVER = 4; // C0, C1, F5-FF
    private static final int LEAD_2 = 5; // C2-DF
    private static final int LEAD_E0 = 6; // E0
    private static final int LEAD_3 = 7; // E1-EC, EE-EF
    private static final int LEAD_ED = 8; // ED
    private static final int LEAD_F0 = 9; // F0
    private static final int LEAD_4 = 10; // F1-F3
    private static final int LEAD_F4 = 11; // F4
    private static final int CLASS_COUNT = 12; // classes are 0 .. CLASS_COUNT - 1

    /** Bits a state takes in a row of ROWS: 6, so that 9 states fit in a long. */
    private static final int STATE_BITS = 6;
    /** The bits of a state: STATE_BITS low bits, the most a long shift uses of its distance. */
    private static final long STATE_MASK = (1L << STATE_BITS) - 1;

    // States, each its offset in a row of ROWS: the next state is ROWS[b] >>> state, low 6 bits.
    /** Between characters. */
    private static final int ACCEPT = 0;
    /** An invalid byte was seen; final. */
    private static final int REJECT = 1 * STATE_BITS;
    /** One tail byte missing. */
    private static final int TAIL_1 = 2 * STATE_BITS;
    /** Two tail bytes missing. */
    private static final int TAIL_2 = 3 * STATE_BITS;
    /** Three tail bytes missing. */
    private static final int TAIL_3 = 4 * STATE_BITS;
    /** After E0: A0-BF, else the form is overlong. */
    private static final int AFTER_E0 = 5 * STATE_BITS;
    /** After ED: 80-9F, else a surrogate. */
    private static final int AFTER_ED = 6 * STATE_BITS;
    /** After F0: 90-BF, else the form is overlong. */
    private static final int AFTER_F0 = 7 * STATE_BITS;
    /** After F4: 80-8F, else above U+10FFFF. */
    private static final int AFTER_F4 = 8 * STATE_BITS;
    /** The number of states; STATE_COUNT * STATE_BITS <= 64. */
    private static final int STATE_COUNT = 9;

    /** For each unsigned byte b, the state after b from state s in bits s .. s + 5, for every s. */
    private static final long[] ROWS = rows();

    /** The high bit of each of 8 bytes read as one long: any of them set, not all 8 are ASCII. */
    private static final long NON_ASCII = 0x8080_8080_8080_8080L;
    /** Bytes the automaton takes in one unrolled pass: one long. */
    private static final int PASS = Long.BYTES;
    /** Bytes of a long ASCII run skipped in one step: 4 longs. */
    private static final int ASCII_BLOCK = 4 * Long.BYTES;

    /** Reads 8 bytes of a {@code byte[]} as one long, native order: NON_ASCII tests any order alike. */
    private static final VarHandle ARRAY_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** ARRAY_LONG for a ByteBuffer, whatever the buffer's own order. */
    private static final VarHandle BUFFER_LONG =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** The automaton's state after the bytes fed since the last reset; REJECT is final. */
    private int state = ACCEPT;

    /** Feeds bytes from position to limit (not consumed); false at the first invalid byte. */
    public boolean feed(ByteBuffer bytes) {
        if (state != REJECT) {
            state = run(state, bytes, bytes.position(), bytes.limit());
        }
        return state != REJECT;
    }

    /** Feeds {@code a[off .. off + len)}; false at the first invalid byte. */
    public boolean feed(byte[] a, int off, int len) {
        Objects.checkFromIndexSize(off, len, a.length);
        if (state != REJECT) {
            state = run(state, a, off, off + len);
        }
        return state != REJECT;
    }

    /** The state an engine that keeps it in an int field starts each message with. */
    static final int START = ACCEPT;

    /**
     * {@link #feed(ByteBuffer)} for a caller that keeps the state itself (the engine does, to
     * spare each connection an object): returns the state after the bytes, which stays
     * {@link #isRejected rejected} once it is.
     */
    static int feed(int state, ByteBuffer bytes) {
        return state == REJECT ? REJECT : run(state, bytes, bytes.position(), bytes.limit());
    }

    /** Whether {@code state} saw an invalid byte. */
    static boolean isRejected(int state) {
        return state == REJECT;
    }

    /** Whether {@code state} is between characters. */
    static boolean isComplete(int state) {
        return state == ACCEPT;
    }

    /** Whether the bytes fed so far end on a character boundary (no truncated sequence). */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /** Forgets all state, for the next message. */
    public void reset() {
        state = ACCEPT;
    }

    /** Whether the given bytes are complete, valid UTF-8. */
    public static boolean isValid(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return run(ACCEPT, bytes, offset, offset + length) == ACCEPT;
    }

    /** Whether the bytes from position to limit are complete, valid UTF-8. Does not move position. */
    public static boolean isValid(ByteBuffer bytes) {
        return run(ACCEPT, bytes, bytes.position(), bytes.limit()) == ACCEPT;
    }

    /** The automaton's state after {@code a[i .. end)}, starting from {@code state}. */
    private static int run(int state, byte[] a, int i, int end) {
        long[] rows = ROWS;
        long s = state;
        int lastPass = end - PASS;
        while (i <= lastPass) {
            if (((long) ARRAY_LONG.get(a, i) & NON_ASCII) == 0 && (s & STATE_MASK) == ACCEPT) {
                // "UTF8-1 = %x00-7F", 8 of them between characters: the state stays ACCEPT.
                i += PASS;
                while (i <= end - ASCII_BLOCK && isAsciiBlock(a, i)) {
                    i += ASCII_BLOCK;
                }
                continue;
            }
            s = rows[a[i] & 0xFF] >>> s;
            s = rows[a[i + 1] & 0xFF] >>> s;
            s = rows[a[i + 2] & 0xFF] >>> s;
            s = rows[a[i + 3] & 0xFF] >>> s;
            s = rows[a[i + 4] & 0xFF] >>> s;
            s = rows[a[i + 5] & 0xFF] >>> s;
            s = rows[a[i + 6] & 0xFF] >>> s;
            s = rows[a[i + 7] & 0xFF] >>> s;
            i += PASS;
        }
        for (; i < end; i++) {
            s = rows[a[i] & 0xFF] >>> s;
        }
        return (int) (s & STATE_MASK);
    }

    /** Whether the 32 bytes from {@code i} are all ASCII. */
    private static boolean isAsciiBlock(byte[] a, int i) {
        long any = (long) ARRAY_LONG.get(a, i) | (long) ARRAY_LONG.get(a, i + 8)
                | (long) ARRAY_LONG.get(a, i + 16) | (long) ARRAY_LONG.get(a, i + 24);
        return (any & NON_ASCII) == 0;
    }

    /** {@link #run(int, byte[], int, int)} on buffer indexes: the backing array if accessible. */
    private static int run(int state, ByteBuffer buf, int i, int end) {
        if (buf.hasArray()) {
            int base = buf.arrayOffset();
            return run(state, buf.array(), base + i, base + end);
        }
        long[] rows = ROWS;
        long s = state;
        int lastPass = end - PASS;
        while (i <= lastPass) {
            if (((long) BUFFER_LONG.get(buf, i) & NON_ASCII) == 0 && (s & STATE_MASK) == ACCEPT) {
                i += PASS;
                while (i <= end - ASCII_BLOCK && isAsciiBlock(buf, i)) {
                    i += ASCII_BLOCK;
                }
                continue;
            }
            s = rows[buf.get(i) & 0xFF] >>> s;
            s = rows[buf.get(i + 1) & 0xFF] >>> s;
            s = rows[buf.get(i + 2) & 0xFF] >>> s;
            s = rows[buf.get(i + 3) & 0xFF] >>> s;
            s = rows[buf.get(i + 4) & 0xFF] >>> s;
            s = rows[buf.get(i + 5) & 0xFF] >>> s;
            s = rows[buf.get(i + 6) & 0xFF] >>> s;
            s = rows[buf.get(i + 7) & 0xFF] >>> s;
            i += PASS;
        }
        for (; i < end; i++) {
            s = rows[buf.get(i) & 0xFF] >>> s;
        }
        return (int) (s & STATE_MASK);
    }

    /** Whether the 32 bytes from buffer index {@code i} are all ASCII. */
    private static boolean isAsciiBlock(ByteBuffer buf, int i) {
        long any = (long) BUFFER_LONG.get(buf, i) | (long) BUFFER_LONG.get(buf, i + 8)
                | (long) BUFFER_LONG.get(buf, i + 16) | (long) BUFFER_LONG.get(buf, i + 24);
        return (any & NON_ASCII) == 0;
    }

    /** The automaton by byte classes, as the grammar reads, packed into ROWS. */
    private static long[] rows() {
        int[] classes = new int[256];
        classify(classes, 0x00, 0x7F, ASCII);
        classify(classes, 0x80, 0x8F, TAIL_80_8F);
        classify(classes, 0x90, 0x9F, TAIL_90_9F);
        classify(classes, 0xA0, 0xBF, TAIL_A0_BF);
        classify(classes, 0xC0, 0xC1, NEVER);
        classify(classes, 0xC2, 0xDF, LEAD_2);
        classify(classes, 0xE0, 0xE0, LEAD_E0);
        classify(classes, 0xE1, 0xEC, LEAD_3);
        classify(classes, 0xED, 0xED, LEAD_ED);
        classify(classes, 0xEE, 0xEF, LEAD_3);
        classify(classes, 0xF0, 0xF0, LEAD_F0);
        classify(classes, 0xF1, 0xF3, LEAD_4);
        classify(classes, 0xF4, 0xF4, LEAD_F4);
        classify(classes, 0xF5, 0xFF, NEVER);

        // next[state / STATE_BITS][class]; every transition not listed goes to REJECT, which
        // therefore never leaves itself.
        int[][] next = new int[STATE_COUNT][CLASS_COUNT];
        for (int[] row : next) {
            Arrays.fill(row, REJECT);
        }
        transition(next, ACCEPT, ASCII, ACCEPT); // UTF8-1 = %x00-7F
        transition(next, ACCEPT, LEAD_2, TAIL_1); // UTF8-2 = %xC2-DF UTF8-tail
        transition(next, ACCEPT, LEAD_E0, AFTER_E0); // %xE0 %xA0-BF UTF8-tail
        transition(next, ACCEPT, LEAD_3, TAIL_2); // %xE1-EC 2( UTF8-tail ), %xEE-EF 2( UTF8-tail )
        transition(next, ACCEPT, LEAD_ED, AFTER_ED); // %xED %x80-9F UTF8-tail
        transition(next, ACCEPT, LEAD_F0, AFTER_F0); // %xF0 %x90-BF 2( UTF8-tail )
        transition(next, ACCEPT, LEAD_4, TAIL_3); // %xF1-F3 3( UTF8-tail )
        transition(next, ACCEPT, LEAD_F4, AFTER_F4); // %xF4 %x80-8F 2( UTF8-tail )
        for (int tail : new int[] {TAIL_80_8F, TAIL_90_9F, TAIL_A0_BF}) { // UTF8-tail = %x80-BF
            transition(next, TAIL_1, tail, ACCEPT);
            transition(next, TAIL_2, tail, TAIL_1);
            transition(next, TAIL_3, tail, TAIL_2);
        }
        transition(next, AFTER_E0, TAIL_A0_BF, TAIL_1);
        transition(next, AFTER_ED, TAIL_80_8F, TAIL_1);
        transition(next, AFTER_ED, TAIL_90_9F, TAIL_1);
        transition(next, AFTER_F0, TAIL_90_9F, TAIL_2);
        transition(next, AFTER_F0, TAIL_A0_BF, TAIL_2);
        transition(next, AFTER_F4, TAIL_80_8F, TAIL_2);

        long[] rows = new long[256];
        for (int b = 0; b < 256; b++) {
            for (int from = 0; from < STATE_COUNT; from++) {
                rows[b] |= (long) next[from][classes[b]] << (from * STATE_BITS);
            }
        }
        return rows;
    }

    private static void classify(int[] classes, int from, int to, int byteClass) {
        Arrays.fill(classes, from, to + 1, byteClass);
    }

    private static void transition(int[][] next, int from, int byteClass, int to) {
        next[from / STATE_BITS][byteClass] = to;
    }
}
