package dev.seed.websocket.cluster;

import java.util.Objects;

/**
 * Where a topic's stream stands: the offset of a publication (1 for the first, then one more for
 * each) and the epoch of the stream, which changes when its history is lost (a new stream, an
 * engine that lost its data), so an offset is only meaningful together with its epoch.
 */
public record TopicPosition(long offset, String epoch) {

    public TopicPosition {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
        Objects.requireNonNull(epoch, "epoch");
    }

    /**
     * Reads {@code offset~epoch}, the form a browser client sends back ({@code ws-since}); null
     * when {@code text} is not that form.
     */
    public static TopicPosition parse(String text) {
        if (text == null) {
            return null;
        }
        int tilde = text.indexOf('~');
        if (tilde <= 0 || tilde == text.length() - 1) {
            return null;
        }
        try {
            long offset = Long.parseLong(text, 0, tilde, 10);
            return offset < 0 ? null : new TopicPosition(offset, text.substring(tilde + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return offset + "~" + epoch;
    }
}
