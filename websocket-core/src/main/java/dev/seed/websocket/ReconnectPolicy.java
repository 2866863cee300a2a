package dev.seed.websocket;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Automatic reconnection of a client: exponential backoff with full jitter, bounded in attempts,
 * that stops on close codes meaning "do not come back". Immutable.
 *
 * <p>The rule, the same as the browser client's (websocket-client.js): no reconnection after the
 * application closed the connection itself, after {@code maxAttempts} failed attempts in a row,
 * after 1000 (the server ended the session on purpose) and after a stop code (by default 1003,
 * 1007, 1008, 1009, 1010: the same connection would be refused again). Everything else is retried:
 * 1001 going away (a restart), 1006 abnormal closure (a drop, a failed connect), 1011-1014 and
 * application codes not listed. An attempt that the server refuses with 4xx (but 408 and 429) is
 * the last (see {@link #shouldRetryAfterFailedAttempt}).
 *
 * @param initialDelay delay before the first attempt
 * @param maxDelay the cap of the backoff
 * @param multiplier growth per attempt (at least 1)
 * @param maxAttempts attempts in a row before giving up (0: unbounded)
 * @param stopCodes close codes after which the client does not reconnect
 */
public record ReconnectPolicy(Duration initialDelay, Duration maxDelay, double multiplier, int maxAttempts,
        Set<Integer> stopCodes, Condition condition) {

    /**
     * The application's own say, consulted after the built-in rules allowed a reconnection (the
     * JS client's {@code shouldReconnect}): {@code code} is the close code, 1006 for an attempt
     * that failed; {@code attempt} the attempt that would follow (1-based).
     */
    @FunctionalInterface
    public interface Condition {
        boolean shouldReconnect(int code, int attempt);
    }

    /** Codes that mean "don't come back": policy, unacceptable data, bad data, too big, missing extension. */
    public static final Set<Integer> DEFAULT_STOP_CODES = Set.of(
            CloseCodes.WS_FORBIDDEN, CloseCodes.WS_NOT_ACCEPTABLE, CloseCodes.WS_BAD_MESSAGE,
            CloseCodes.WS_MESSAGE_TOO_LARGE, CloseCodes.WS_EXTENSIONS_NOT_AVAILABLE);

    public ReconnectPolicy {
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0 || multiplier < 1 || maxAttempts < 0) {
            throw new IllegalArgumentException("Invalid reconnect policy");
        }
        stopCodes = Set.copyOf(stopCodes);
    }

    /** A policy without a {@link Condition}. */
    public ReconnectPolicy(Duration initialDelay, Duration maxDelay, double multiplier, int maxAttempts,
            Set<Integer> stopCodes) {
        this(initialDelay, maxDelay, multiplier, maxAttempts, stopCodes, null);
    }

    /** This policy with the application's {@link Condition} (null: none). */
    public ReconnectPolicy withCondition(Condition condition) {
        return new ReconnectPolicy(initialDelay, maxDelay, multiplier, maxAttempts, stopCodes, condition);
    }

    /** This policy giving up after {@code maxAttempts} failed attempts in a row (0: never). */
    public ReconnectPolicy withMaxAttempts(int maxAttempts) {
        return new ReconnectPolicy(initialDelay, maxDelay, multiplier, maxAttempts, stopCodes, condition);
    }

    /** 250 ms doubling up to 30 s, forever, stopping on the default codes. */
    public static ReconnectPolicy exponential() {
        return new ReconnectPolicy(Duration.ofMillis(250), Duration.ofSeconds(30), 2.0, 0, DEFAULT_STOP_CODES);
    }

    /** The delay before attempt {@code attempt} (1-based): random in [cap/2, cap] with cap = min(max, initial * multiplier^(attempt-1)). */
    public Duration delay(int attempt) {
        double ceiling = initialDelay.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        long cap = (long) Math.min(maxDelay.toNanos(), ceiling);
        long jittered = cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
        return Duration.ofNanos(jittered);
    }

    /**
     * Whether another attempt should follow attempt {@code attempt} (1-based), which failed: the
     * server refused the handshake with HTTP {@code status}, or no answer came (status 0: the
     * connect, TLS or the handshake failed or timed out). Not after a 4xx refusal, since the same
     * request would be refused again (400, 401 and 403 for credentials, 404), except 408 and 429
     * (come back later); after 5xx and status 0, until {@code maxAttempts}. A browser cannot see
     * the status (a refusal reaches a page as 1006): there the JS client's {@code shouldReconnect}
     * and {@code maxAttempts} bound the retries.
     */
    public boolean shouldRetryAfterFailedAttempt(int status, int attempt) {
        boolean refusedForGood = status >= 400 && status < 500 && status != 408 && status != 429;
        return !refusedForGood && (maxAttempts == 0 || attempt < maxAttempts)
                && (condition == null || condition.shouldReconnect(CloseCodes.WS_CLOSED_ABNORMALLY, attempt + 1));
    }

    /** Whether a connection closed with {@code code} should be reopened. */
    public boolean shouldReconnect(int code, int attempt) {
        return !stopCodes.contains(code) && code != CloseCodes.WS_OK && (maxAttempts == 0 || attempt <= maxAttempts)
                && (condition == null || condition.shouldReconnect(code, attempt));
    }
}
