package dev.seed.websocket.sample.chat;

/**
 * A token bucket: {@code burst} messages at once, refilled at {@code perSecond}. One per
 * connection; its handler calls run one at a time, so it needs no lock. Time is passed in.
 */
final class MessageRateLimiter {

    private final double burst;
    private final double perNano;
    // tokens left at lastRefill; owned by the connection's handler calls
    private double tokens;
    private long lastRefill;

    MessageRateLimiter(int burst, double perSecond, long nowNanos) {
        this.burst = burst;
        this.perNano = perSecond / 1e9;
        this.tokens = burst;
        this.lastRefill = nowNanos;
    }

    /** Takes one token; false when there is none left (the sender is too fast). */
    boolean tryAcquire(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastRefill) * perNano);
        lastRefill = nowNanos;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
