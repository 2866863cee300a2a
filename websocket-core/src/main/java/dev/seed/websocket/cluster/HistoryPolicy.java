package dev.seed.websocket.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Which topics keep a history, and how much: rules by topic prefix, the longest matching prefix
 * deciding. A topic no rule matches keeps none (its publications have no offset and cannot be
 * recovered). Immutable.
 */
public final class HistoryPolicy {

    /** One rule: topics starting with {@code prefix} keep their last {@code size} publications, each for {@code age}. */
    public record Rule(String prefix, int size, Duration age) {
        public Rule {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(age, "age");
            if (size < 1) {
                throw new IllegalArgumentException("history size must be at least 1: " + size);
            }
            if (age.isNegative() || age.isZero()) {
                throw new IllegalArgumentException("history age must be positive: " + age);
            }
        }
    }

    private static final HistoryPolicy NONE = new HistoryPolicy(List.of());

    /** Longest prefix first. */
    private final List<Rule> rules;

    private HistoryPolicy(List<Rule> rules) {
        List<Rule> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparingInt((Rule r) -> r.prefix().length()).reversed());
        this.rules = List.copyOf(sorted);
    }

    /** No topic keeps a history. */
    public static HistoryPolicy none() {
        return NONE;
    }

    /** Every topic keeps its last {@code size} publications, each for {@code age}. */
    public static HistoryPolicy all(int size, Duration age) {
        return of(new Rule("", size, age));
    }

    public static HistoryPolicy of(Rule... rules) {
        return new HistoryPolicy(List.of(rules));
    }

    public static HistoryPolicy of(List<Rule> rules) {
        return new HistoryPolicy(rules);
    }

    /** The rule for {@code topic}, or null when it keeps no history. */
    public Rule ruleFor(String topic) {
        for (Rule r : rules) {
            if (topic.startsWith(r.prefix())) {
                return r;
            }
        }
        return null;
    }

    public List<Rule> rules() {
        return rules;
    }

    @Override
    public String toString() {
        return rules.isEmpty() ? "no history" : rules.toString();
    }
}
