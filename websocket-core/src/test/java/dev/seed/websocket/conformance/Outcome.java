package dev.seed.websocket.conformance;

import java.util.List;
import java.util.Set;

/**
 * What a case expects of the endpoint under test: the exact events before the closing handshake,
 * who starts that handshake, and the close codes its close frame may carry (1005 stands for a
 * close frame without payload).
 *
 * @param events the messages and pongs the endpoint must send, in order, and nothing else
 * @param peerCloses whether the wire peer starts the closing handshake (the case's script may
 *     already have sent the close frame); otherwise the endpoint must fail the connection
 * @param closeCodes the codes the endpoint's close frame may carry
 */
record Outcome(List<Event> events, boolean peerCloses, Set<Integer> closeCodes) {

    /** The endpoint echoes these events; then the peer closes with 1000 and gets 1000 back. */
    static Outcome echo(Event... events) {
        return new Outcome(List.of(events), true, Set.of(1000));
    }

    /** The endpoint sends these events, then fails the connection with {@code code}. */
    static Outcome fail(int code, Event... before) {
        return new Outcome(List.of(before), false, Set.of(code));
    }

    /** The script sends the close frame; the endpoint answers with one of these codes. */
    static Outcome answersClose(Integer... codes) {
        return new Outcome(List.of(), true, Set.of(codes));
    }

    /** The same expectation with other allowed codes. */
    Outcome codes(Integer... codes) {
        return new Outcome(events, peerCloses, Set.of(codes));
    }
}
