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
 * U+10FFFF (F4 90-BF, F5-FF) fail at the first byte that rules them out. Between characters, runs
 * of ASCII are skipped 32 and then 8 bytes at a time, and a whole valid 2, 3 or 4 byte character
 * is recognised in one step; the automaton takes over byte by byte wherever that test fails, in
 * the middle of a sequence (split across feeds) and within 4 bytes of the end.
 */
public final class Utf8Validator {

    // Byte classes: bytes that the automaton never needs to tell apart share a class.
    private static final int ASCII = 0;
    private static final int TAIL_80_8F = 1;
    private static final int TAIL_90_9F = 2;
    private static final int TAIL_A0_BF = 3;
    private static final int NEVER = 4; // C0, C1, F5-FF
    private static final int LEAD_2 = 5; // C2-DF
    private static final int LEAD_E0 = 6;
    private static final int LEAD_3 = 7; // E1-EC, EE-EF
    private static final int LEAD_ED = 8;
    private static final int LEAD_F0 = 9;
    private static final int LEAD_4 = 10; // F1-F3
    private static final int LEAD_F4 = 11;
    private static final int CLASS_COUNT = 12;

    // States, premultiplied by CLASS_COUNT: the next state is TRANSITIONS[state + class].
    /** Between characters. */
    private static final int ACCEPT = 0;
    /** An invalid byte was seen; final. */
    private static final int REJECT = 1 * CLASS_COUNT;
    /** One tail byte missing. */
    private static final int TAIL_1 = 2 * CLASS_COUNT;
    /** Two tail bytes missing. */
    private static final int TAIL_2 = 3 * CLASS_COUNT;
    /** Three tail bytes missing. */
    private static final int TAIL_3 = 4 * CLASS_COUNT;
    /** After E0: A0-BF, else the form is overlong. */
    private static final int AFTER_E0 = 5 * CLASS_COUNT;
    /** After ED: 80-9F, else a surrogate. */
    private static final int AFTER_ED = 6 * CLASS_COUNT;
    /** After F0: 90-BF, else the form is overlong. */
    private static final int AFTER_F0 = 7 * CLASS_COUNT;
    /** After F4: 80-8F, else above U+10FFFF. */
    private static final int AFTER_F4 = 8 * CLASS_COUNT;
    private static final int STATE_COUNT = 9;

    /** The class of each byte value. */
    private static final byte[] CLASSES = new byte[256];
    /** The automaton; every transition not listed in the static block goes to REJECT. */
    private static final byte[] TRANSITIONS = new byte[STATE_COUNT * CLASS_COUNT];

    /** Any of 8 bytes read as one long has its high bit set: not all ASCII. */
    private static final long NON_ASCII = 0x8080_8080_8080_8080L;

    /** Reads 8 bytes of a {@code byte[]} as one long (the order does not matter for NON_ASCII). */
    private static final VarHandle LONG_VIEW =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    static {
        classify(0x00, 0x7F, ASCII);
        classify(0x80, 0x8F, TAIL_80_8F);
        classify(0x90, 0x9F, TAIL_90_9F);
        classify(0xA0, 0xBF, TAIL_A0_BF);
        classify(0xC0, 0xC1, NEVER);
        classify(0xC2, 0xDF, LEAD_2);
        classify(0xE0, 0xE0, LEAD_E0);
        classify(0xE1, 0xEC, LEAD_3);
        classify(0xED, 0xED, LEAD_ED);
        classify(0xEE, 0xEF, LEAD_3);
        classify(0xF0, 0xF0, LEAD_F0);
        classify(0xF1, 0xF3, LEAD_4);
        classify(0xF4, 0xF4, LEAD_F4);
        classify(0xF5, 0xFF, NEVER);

        Arrays.fill(TRANSITIONS, (byte) REJECT);
        transition(ACCEPT, ASCII, ACCEPT);
        transition(ACCEPT, LEAD_2, TAIL_1);
        transition(ACCEPT, LEAD_E0, AFTER_E0);
        transition(ACCEPT, LEAD_3, TAIL_2);
        transition(ACCEPT, LEAD_ED, AFTER_ED);
        transition(ACCEPT, LEAD_F0, AFTER_F0);
        transition(ACCEPT, LEAD_4, TAIL_3);
        transition(ACCEPT, LEAD_F4, AFTER_F4);
        for (int tail : new int[] {TAIL_80_8F, TAIL_90_9F, TAIL_A0_BF}) {
            transition(TAIL_1, tail, ACCEPT);
            transition(TAIL_2, tail, TAIL_1);
            transition(TAIL_3, tail, TAIL_2);
        }
        transition(AFTER_E0, TAIL_A0_BF, TAIL_1);
        transition(AFTER_ED, TAIL_80_8F, TAIL_1);
        transition(AFTER_ED, TAIL_90_9F, TAIL_1);
        transition(AFTER_F0, TAIL_90_9F, TAIL_2);
        transition(AFTER_F0, TAIL_A0_BF, TAIL_2);
        transition(AFTER_F4, TAIL_80_8F, TAIL_2);
    }

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

    private static int run(int state, byte[] a, int i, int end) {
        while (i < end) {
            if (state == ACCEPT) {
                if (a[i] >= 0) {
                    i = skipAscii(a, i, end);
                    continue;
                }
                if (end - i >= 4) {
                    int n = completeSequence(a[i], a[i + 1], a[i + 2], a[i + 3]);
                    if (n > 0) {
                        i += n;
                        continue;
                    }
                }
            }
            state = TRANSITIONS[state + CLASSES[a[i] & 0xFF]];
            if (state == REJECT) {
                break;
            }
            i++;
        }
        return state;
    }

    /** The index of the first non-ASCII byte of {@code a[i .. end)}, or end: 32, then 8 bytes a step. */
    private static int skipAscii(byte[] a, int i, int end) {
        while (end - i >= 4 * Long.BYTES) {
            long any = (long) LONG_VIEW.get(a, i) | (long) LONG_VIEW.get(a, i + 8)
                    | (long) LONG_VIEW.get(a, i + 16) | (long) LONG_VIEW.get(a, i + 24);
            if ((any & NON_ASCII) != 0) {
                break;
            }
            i += 4 * Long.BYTES;
        }
        while (end - i >= Long.BYTES && ((long) LONG_VIEW.get(a, i) & NON_ASCII) == 0) {
            i += Long.BYTES;
        }
        while (i < end && a[i] >= 0) {
            i++;
        }
        return i;
    }

    /**
     * The length of the valid UTF-8 sequence that starts with {@code b0} (not ASCII) and goes on
     * with the next three bytes, or 0 when it is invalid: then the automaton, which takes every
     * byte alone, finds where. The same RFC 3629 grammar as the automaton, tested a whole
     * character at a time; four bytes must be present.
     */
    private static int completeSequence(byte b0, byte b1, byte b2, byte b3) {
        int lead = b0 & 0xFF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            return isTail(b1) ? 2 : 0;
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            int second = b1 & 0xFF;
            // E0 A0-BF (not overlong), ED 80-9F (not a surrogate), else 80-BF.
            int low = lead == 0xE0 ? 0xA0 : 0x80;
            int high = lead == 0xED ? 0x9F : 0xBF;
            return second >= low && second <= high && isTail(b2) ? 3 : 0;
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            int second = b1 & 0xFF;
            // F0 90-BF (not overlong), F4 80-8F (not above U+10FFFF), else 80-BF.
            int low = lead == 0xF0 ? 0x90 : 0x80;
            int high = lead == 0xF4 ? 0x8F : 0xBF;
            return second >= low && second <= high && isTail(b2) && isTail(b3) ? 4 : 0;
        }
        return 0;
    }

    private static boolean isTail(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static int run(int state, ByteBuffer buf, int i, int end) {
        if (buf.hasArray()) {
            int base = buf.arrayOffset();
            return run(state, buf.array(), base + i, base + end);
        }
        while (i < end) {
            if (state == ACCEPT && buf.get(i) >= 0) {
                // The buffer's byte order does not matter: NON_ASCII tests every byte alike.
                while (end - i >= 4 * Long.BYTES) {
                    long any = buf.getLong(i) | buf.getLong(i + 8) | buf.getLong(i + 16) | buf.getLong(i + 24);
                    if ((any & NON_ASCII) != 0) {
                        break;
                    }
                    i += 4 * Long.BYTES;
                }
                while (end - i >= Long.BYTES && (buf.getLong(i) & NON_ASCII) == 0) {
                    i += Long.BYTES;
                }
                while (i < end && buf.get(i) >= 0) {
                    i++;
                }
                continue;
            }
            if (state == ACCEPT && end - i >= 4) {
                int n = completeSequence(buf.get(i), buf.get(i + 1), buf.get(i + 2), buf.get(i + 3));
                if (n > 0) {
                    i += n;
                    continue;
                }
            }
            state = TRANSITIONS[state + CLASSES[buf.get(i) & 0xFF]];
            if (state == REJECT) {
                break;
            }
            i++;
        }
        return state;
    }

    private static void classify(int from, int to, int byteClass) {
        for (int b = from; b <= to; b++) {
            CLASSES[b] = (byte) byteClass;
        }
    }

    private static void transition(int from, int byteClass, int to) {
        TRANSITIONS[from + byteClass] = (byte) to;
    }
}
