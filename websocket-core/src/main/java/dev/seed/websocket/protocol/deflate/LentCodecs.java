package dev.seed.websocket.protocol.deflate;

import java.util.ArrayDeque;

/**
 * Compression contexts a thread lends to the connections it drives, for directions without
 * context takeover (RFC 7692 section 7.1.1): such a context holds nothing between messages, so one
 * per event loop serves every connection of the loop (uWebSockets calls this a shared compressor)
 * and a connection keeps no compression memory of its own.
 *
 * <ul>
 *   <li>An encoder is lent for one call: {@link #encoder} returns the thread's own, which the
 *       caller resets after its message. One per thread and (window, level, implementation).</li>
 *   <li>A decoder is lent from a message's first frame to its last, which may span several reads
 *       while the thread serves other connections: {@link #borrowDecoder} takes one from the
 *       thread's pool (or makes one) and {@link #giveBack} returns it, reset; the pool keeps at
 *       most {@link #IDLE_DECODERS} per kind and frees the rest.</li>
 * </ul>
 *
 * Everything here is per thread: no locks, and a context never crosses threads while lent.
 */
public final class LentCodecs {

    /** Idle decoders a thread keeps per kind: as many messages as are commonly in progress at once on one loop. */
    static final int IDLE_DECODERS = 8;
    /** Kinds by window: index 0 to 6 our windows of 9 to 15 bits, 7 the JDK's zlib. */
    private static final int KINDS = 8;
    private static final int JDK = 7;

    private static final ThreadLocal<LentCodecs> PER_THREAD = ThreadLocal.withInitial(LentCodecs::new);

    /** The thread's encoders by kind and level (kind * 10 + level); null until first lent. */
    private final MessageEncoder[] encoders = new MessageEncoder[KINDS * 10];
    /** The thread's idle decoders by kind; null until a first one is given back. */
    @SuppressWarnings("unchecked")
    private final ArrayDeque<MessageDecoder>[] idleDecoders = new ArrayDeque[KINDS];

    private LentCodecs() {
    }

    /**
     * The calling thread's encoder for a window of 2^{@code windowBits} bytes at {@code level}:
     * zlib's when {@code jdk} (window 15 only), this library's otherwise. Lent for one call; reset
     * it afterwards.
     */
    public static MessageEncoder encoder(boolean jdk, int windowBits, int level) {
        LentCodecs codecs = PER_THREAD.get();
        int index = kind(jdk, windowBits) * 10 + level;
        MessageEncoder e = codecs.encoders[index];
        if (e == null) {
            e = jdk ? new JdkDeflateEncoder(level) : new DeflateEncoder(windowBits, level, DeflateEncoder.DEFAULT_MEM_LEVEL);
            codecs.encoders[index] = e;
        }
        return e;
    }

    /** A decoder from the calling thread's pool (or a new one), with an empty window. */
    public static MessageDecoder borrowDecoder(boolean jdk, int windowBits) {
        ArrayDeque<MessageDecoder> idle = PER_THREAD.get().idleDecoders[kind(jdk, windowBits)];
        MessageDecoder d = idle == null ? null : idle.pollLast();
        if (d != null) {
            return d;
        }
        return jdk ? new JdkDeflateDecoder() : new DeflateDecoder(windowBits);
    }

    /** Returns a borrowed decoder to the calling thread's pool, reset; frees it when the pool is full. */
    public static void giveBack(MessageDecoder d, boolean jdk, int windowBits) {
        LentCodecs codecs = PER_THREAD.get();
        int kind = kind(jdk, windowBits);
        ArrayDeque<MessageDecoder> idle = codecs.idleDecoders[kind];
        if (idle == null) {
            idle = codecs.idleDecoders[kind] = new ArrayDeque<>(IDLE_DECODERS);
        }
        if (idle.size() < IDLE_DECODERS) {
            d.reset();
            idle.addLast(d);
        } else {
            d.release();
        }
    }

    private static int kind(boolean jdk, int windowBits) {
        return jdk ? JDK : Math.max(9, windowBits) - 9;
    }
}
