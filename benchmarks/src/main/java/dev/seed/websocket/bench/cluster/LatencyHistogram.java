package dev.seed.websocket.bench.cluster;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts of microsecond values in log-linear buckets: exact below 128 us, then 64 buckets per
 * power of two (within 1.6%). Thread safe; recording is one atomic increment.
 */
final class LatencyHistogram {

    private static final int LINEAR = 128;
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private final AtomicLongArray counts = new AtomicLongArray(LINEAR + (64 - 7) * SUB);

    void record(long micros) {
        counts.incrementAndGet(index(Math.max(0, micros)));
    }

    private static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (exponent - SUB_BITS)) & (SUB - 1);
        return LINEAR + (exponent - 7) * SUB + sub;
    }

    /** The middle of a bucket, in microseconds. */
    private static double value(int index) {
        if (index < LINEAR) {
            return index;
        }
        int exponent = (index - LINEAR) / SUB + 7;
        int sub = (index - LINEAR) % SUB;
        long low = (long) (SUB + sub) << (exponent - SUB_BITS);
        long width = 1L << (exponent - SUB_BITS);
        return low + width / 2.0;
    }

    long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** The value at percentile {@code p} (0-100), in microseconds; NaN when empty. */
    double percentile(double p) {
        long n = count();
        if (n == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * n));
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return value(i);
            }
        }
        return value(counts.length() - 1);
    }
}
