package dev.seed.websocket.conformance;

import java.util.List;

/**
 * Runs one {@link ConformanceCase} against an {@link EndpointUnderTest} and asserts its exact
 * outcome: the events, the close frame's code, the endpoint's own report of the close, which side
 * closed the TCP connection first (the server, RFC 6455 section 7.1.1), and the time it took.
 */
final class CaseRunner {

    /** A case that expects silence before the peer closes waits this long for stray events. */
    static final long QUIET_MS = 100;
    /** The server must end TCP this soon after the closing handshake: well before any timeout. */
    static final long SERVER_TCP_CLOSE_MS = 2_000;
    /** A client must still be connected this long after the closing handshake. */
    static final long CLIENT_HOLDS_TCP_MS = 10;
    /** The endpoint's handler must learn of the close this soon after TCP ends. */
    static final long REPORT_MS = 3_000;

    private CaseRunner() {
    }

    static void run(ConformanceCase cc, EndpointUnderTest endpoint) throws Exception {
        long start = System.nanoTime();
        long deadline = start + cc.timeLimitMillis() * 1_000_000;
        EndpointUnderTest.Session session = endpoint.open(cc);
        try (WirePeer peer = session.peer()) {
            CaseContext c = new CaseContext(peer);
            cc.script().run(c);
            Outcome o = cc.outcome();
            boolean quietWaited = false;
            while (c.open()) {
                checkPrefix(cc, o.events(), c.received);
                if (o.peerCloses() && !c.peerSentClose && c.received.equals(o.events())) {
                    if (o.events().isEmpty() && !quietWaited) {
                        quietWaited = true;
                        c.quiet(QUIET_MS);
                        continue;
                    }
                    c.close(1000);
                    continue;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0 || c.record(left) == null) {
                    throw new AssertionError(cc.id() + ": " + endpoint.side() + " did not finish within "
                            + cc.timeLimitMillis() + " ms; received " + c.received + ", expected " + o.events());
                }
            }
            if (!c.received.equals(o.events())) {
                throw new AssertionError(cc.id() + ": " + endpoint.side() + " sent " + c.received
                        + " but the case expects " + o.events());
            }
            if (c.close == null) {
                throw new AssertionError(cc.id() + ": " + endpoint.side()
                        + " ended the TCP connection without a close frame");
            }
            if (!o.closeCodes().contains(c.close.code())) {
                throw new AssertionError(cc.id() + ": " + endpoint.side() + " closed with " + c.close.code()
                        + " (" + c.close.reason() + "), expected one of " + o.closeCodes());
            }
            if (!c.peerSentClose) {
                // Answer the endpoint's close as a peer does, echoing its code.
                if (c.close.code() == 1005) {
                    c.closeRaw(new byte[0]);
                } else {
                    c.close(c.close.code());
                }
            }
            if (endpoint instanceof EndpointUnderTest.Server) {
                // RFC 6455 7.1.1: "the underlying TCP connection [...] SHOULD be closed first by
                // the server": its end of stream must come now, not after a close timeout.
                Event e = c.record(SERVER_TCP_CLOSE_MS);
                if (e == null || e.kind() != Event.Kind.EOF) {
                    throw new AssertionError(cc.id() + ": server did not close TCP within "
                            + SERVER_TCP_CLOSE_MS + " ms of the closing handshake (got " + e + ")");
                }
                peer.close();
            } else {
                Event e = c.record(CLIENT_HOLDS_TCP_MS);
                if (e != null) {
                    throw new AssertionError(cc.id() + ": client " + (e.kind() == Event.Kind.EOF
                            ? "closed TCP before the server did (RFC 6455 7.1.1)" : "sent " + e + " after closing"));
                }
                peer.close();
            }
            EndpointUnderTest.CloseReport report = session.awaitReport(REPORT_MS);
            if (report.code() != c.close.code() || !report.reason().equals(c.close.reason())) {
                throw new AssertionError(cc.id() + ": " + endpoint.side() + " reported close " + report
                        + " but its close frame said " + c.close.code() + " '" + c.close.reason() + "'");
            }
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            if (tookMs > cc.timeLimitMillis()) {
                throw new AssertionError(cc.id() + ": took " + tookMs + " ms, bound " + cc.timeLimitMillis());
            }
        }
    }

    private static void checkPrefix(ConformanceCase cc, List<Event> expected, List<Event> received) {
        if (received.size() > expected.size() || !expected.subList(0, received.size()).equals(received)) {
            throw new AssertionError(cc.id() + ": endpoint sent " + received + " but the case expects " + expected);
        }
    }
}
