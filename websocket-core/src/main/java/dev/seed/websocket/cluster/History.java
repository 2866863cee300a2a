package dev.seed.websocket.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Part of a topic's history, oldest first, and where the stream stands.
 *
 * @param publications the publications asked for, oldest first, each with its position
 * @param top the position of the newest publication of the stream (offset 0 when it has none)
 * @param complete whether {@code publications} are every publication after the offset asked for:
 *        none was trimmed away and none was left out by the limit
 */
public record History(List<Publication> publications, TopicPosition top, boolean complete) {

    public History {
        publications = List.copyOf(publications);
        Objects.requireNonNull(top, "top");
    }

    /** The history of a topic that keeps none. */
    public static History none() {
        return new History(List.of(), new TopicPosition(0, ""), false);
    }

    /**
     * The part of a stream's publications ({@code all}, oldest first, each with its position)
     * that a history call asks for: those after {@code afterOffset}, at most {@code limit},
     * complete when none after it is missing; or, with {@code afterOffset} negative, the newest
     * {@code limit}. For brokers.
     */
    public static History slice(List<Publication> all, TopicPosition top, long afterOffset, int limit) {
        if (afterOffset < 0) {
            List<Publication> newest = all.subList(Math.max(0, all.size() - limit), all.size());
            return new History(newest, top, newest.size() == all.size() && (all.isEmpty() || all.get(0).offset() == 1));
        }
        List<Publication> after = new ArrayList<>();
        for (Publication p : all) {
            if (p.offset() > afterOffset) {
                after.add(p);
            }
        }
        // nothing missed (up to date), or the first one after the position is still there
        boolean fromNext = afterOffset >= top.offset() || (!after.isEmpty() && after.get(0).offset() == afterOffset + 1);
        boolean whole = after.size() <= limit;
        return new History(whole ? after : after.subList(0, limit), top, fromNext && whole && afterOffset <= top.offset());
    }
}
