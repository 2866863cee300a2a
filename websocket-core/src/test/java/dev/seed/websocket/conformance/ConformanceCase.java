package dev.seed.websocket.conformance;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One conformance case, written once and run in both directions: against our server (the wire
 * peer is the client) and against our client (the wire peer is the server).
 *
 * @param id the case number, as the public conformance case list numbers it (or "x." for the
 *     project's own additions)
 * @param description what the peer sends and why
 * @param script what the wire peer does after the opening handshake
 * @param outcome what the endpoint must do
 * @param offer the Sec-WebSocket-Extensions offer the peer makes as a client (null: none)
 * @param respond as a server: the peer's answer to our client's extension offers (null: none)
 * @param timeLimitMillis the longest the whole case may take
 */
record ConformanceCase(String id, String description, Script script, Outcome outcome, String offer,
        Function<List<Map<String, String>>, String> respond, long timeLimitMillis) {

    /** The default time bound of a case: nothing hangs. */
    static final long DEFAULT_TIME_LIMIT_MS = 5_000;

    /** What the peer does; the context sends frames and reads the endpoint's answers. */
    @FunctionalInterface
    interface Script {
        void run(CaseContext c) throws Exception;
    }

    static ConformanceCase of(String id, String description, Script script, Outcome outcome) {
        return new ConformanceCase(id, description, script, outcome, null, offers -> null, DEFAULT_TIME_LIMIT_MS);
    }

    /** This case with a time bound. */
    ConformanceCase within(long millis) {
        return new ConformanceCase(id, description, script, outcome, offer, respond, millis);
    }

    /** This case with a negotiated permessage-deflate: the offer as a client, the answer as a server. */
    ConformanceCase deflate(String clientOffer, Function<List<Map<String, String>>, String> serverAnswer) {
        return new ConformanceCase(id, description, script, outcome, clientOffer, serverAnswer, timeLimitMillis);
    }

    /** The display name of a test. */
    String displayName() {
        return id + " " + description;
    }
}
