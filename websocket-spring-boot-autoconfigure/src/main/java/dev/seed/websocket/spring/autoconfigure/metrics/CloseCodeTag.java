package dev.seed.websocket.spring.autoconfigure.metrics;

import java.util.Collection;
import java.util.Set;

/**
 * Turns a close code into a bounded tag value: registered codes (1000-1015) as themselves,
 * application codes (3000-4999) as themselves when listed in {@code websocket.metrics.close-codes},
 * else as {@code 3xxx} or {@code 4xxx}, anything else as {@code other}. Immutable.
 */
final class CloseCodeTag {

    private final Set<Integer> kept;

    CloseCodeTag(Collection<Integer> kept) {
        this.kept = Set.copyOf(kept);
    }

    String of(int code) {
        if (code >= 1000 && code <= 1015) {
            return Integer.toString(code);
        }
        if (code >= 3000 && code <= 4999) {
            if (kept.contains(code)) {
                return Integer.toString(code);
            }
            return code < 4000 ? "3xxx" : "4xxx";
        }
        return "other";
    }
}
