package dev.seed.websocket.protocol;

import java.security.SecureRandom;

/**
 * Source of client masking keys. RFC 6455 section 5.3: "The masking key MUST be derived from a
 * strong source of entropy", so that an attacker cannot predict it (section 10.3). Keys come
 * from a {@link SecureRandom}, drawn 64 at a time per thread so the cost per frame stays a few
 * array reads.
 */
public final class MaskKeys {

    /** Keys fetched per refill: 256 bytes of entropy. */
    private static final int BATCH = 64;

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final ThreadLocal<MaskKeys> PER_THREAD = ThreadLocal.withInitial(MaskKeys::new);

    /** Unused random bytes; entries before {@link #next} are spent. Owned by one thread. */
    private final byte[] pool = new byte[BATCH * 4];
    /** Index of the next unused byte in {@link #pool}, a multiple of 4. */
    private int next = pool.length;

    private MaskKeys() {
    }

    /** A fresh unpredictable 32-bit masking key. */
    public static int nextKey() {
        return PER_THREAD.get().take();
    }

    private int take() {
        if (next == pool.length) {
            RANDOM.nextBytes(pool);
            next = 0;
        }
        int key = (pool[next] & 0xFF) << 24 | (pool[next + 1] & 0xFF) << 16
                | (pool[next + 2] & 0xFF) << 8 | (pool[next + 3] & 0xFF);
        next += 4;
        return key;
    }
}
