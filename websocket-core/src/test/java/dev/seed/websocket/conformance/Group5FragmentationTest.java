package dev.seed.websocket.conformance;

import static dev.seed.websocket.conformance.CaseContext.CONTINUATION;
import static dev.seed.websocket.conformance.CaseContext.PING;
import static dev.seed.websocket.conformance.CaseContext.PONG;
import static dev.seed.websocket.conformance.CaseContext.TEXT;
import static dev.seed.websocket.conformance.CaseContext.utf8;

import java.util.ArrayList;
import java.util.List;

/**
 * Case group 5, fragmentation (RFC 6455 5.4): fragmented messages are reassembled, also with
 * control frames between their fragments, which are answered at once; fragmented control frames,
 * continuations with nothing to continue and a new message inside a fragmented one fail the
 * connection with 1002. Each shape is sent in one write, frame by frame and octet by octet.
 */
class Group5FragmentationTest extends ConformanceGroupTest {

    /** How the peer writes the frames of a case. */
    private enum Chop {
        ONE_CHOP, FRAME_WISE, OCTET_WISE
    }

    private static void send(CaseContext c, Chop chop, int opcode, boolean fin, String payload) throws Exception {
        switch (chop) {
            case ONE_CHOP -> c.send(opcode, fin, payload);
            case FRAME_WISE -> c.sendSync(opcode, fin, payload);
            case OCTET_WISE -> c.sendChopped(opcode, fin, utf8(payload), 1);
        }
    }

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(ConformanceCase.of("5.1", "ping in 2 fragments",
                c -> {
                    c.send(PING, false, "fragment1");
                    c.send(CONTINUATION, true, "fragment2");
                }, Outcome.fail(1002)));
        cases.add(ConformanceCase.of("5.2", "pong in 2 fragments",
                c -> {
                    c.send(PONG, false, "fragment1");
                    c.send(CONTINUATION, true, "fragment2");
                }, Outcome.fail(1002)));
        Chop[] chops = Chop.values();
        String[] how = {"in one chop", "frame by frame", "octet by octet"};
        for (int i = 0; i < 3; i++) {
            Chop chop = chops[i];
            cases.add(ConformanceCase.of("5." + (3 + i), "text in 2 fragments, " + how[i],
                    c -> {
                        send(c, chop, TEXT, false, "fragment1");
                        send(c, chop, CONTINUATION, true, "fragment2");
                    }, Outcome.echo(Event.text("fragment1fragment2"))));
        }
        for (int i = 0; i < 3; i++) {
            Chop chop = chops[i];
            cases.add(ConformanceCase.of("5." + (6 + i), "text in 2 fragments with a ping between them, " + how[i],
                    c -> {
                        send(c, chop, TEXT, false, "fragment1");
                        send(c, chop, PING, true, "ping payload");
                        send(c, chop, CONTINUATION, true, "fragment2");
                    }, Outcome.echo(Event.pong("ping payload"), Event.text("fragment1fragment2"))));
        }
        for (int i = 0; i < 3; i++) {
            Chop chop = chops[i];
            cases.add(ConformanceCase.of("5." + (9 + i),
                    "continuation with FIN (nothing to continue), then text, " + how[i],
                    c -> {
                        send(c, chop, CONTINUATION, true, "non-continuation payload");
                        send(c, chop, TEXT, true, "Hello, world!");
                    }, Outcome.fail(1002)));
        }
        for (int i = 0; i < 3; i++) {
            Chop chop = chops[i];
            cases.add(ConformanceCase.of("5." + (12 + i),
                    "continuation without FIN (nothing to continue), then text, " + how[i],
                    c -> {
                        send(c, chop, CONTINUATION, false, "non-continuation payload");
                        send(c, chop, TEXT, true, "Hello, world!");
                    }, Outcome.fail(1002)));
        }
        cases.add(ConformanceCase.of("5.15", "text in 2 fragments, then a continuation with nothing to continue",
                c -> {
                    c.send(TEXT, false, "fragment1");
                    c.send(CONTINUATION, true, "fragment2");
                    c.send(CONTINUATION, false, "fragment3");
                    c.send(TEXT, true, "fragment4");
                }, Outcome.fail(1002, Event.text("fragment1fragment2"))));
        cases.add(ConformanceCase.of("5.16", "twice: continuation without FIN, text without FIN, continuation",
                c -> {
                    for (int k = 0; k < 2; k++) {
                        c.send(CONTINUATION, false, "fragment1");
                        c.send(TEXT, false, "fragment2");
                        c.send(CONTINUATION, true, "fragment3");
                    }
                }, Outcome.fail(1002)));
        cases.add(ConformanceCase.of("5.17", "twice: continuation with FIN, text without FIN, continuation",
                c -> {
                    for (int k = 0; k < 2; k++) {
                        c.send(CONTINUATION, true, "fragment1");
                        c.send(TEXT, false, "fragment2");
                        c.send(CONTINUATION, true, "fragment3");
                    }
                }, Outcome.fail(1002)));
        cases.add(ConformanceCase.of("5.18", "text in 2 fragments, both with the text opcode",
                c -> {
                    c.send(TEXT, false, "fragment1");
                    c.send(TEXT, true, "fragment2");
                }, Outcome.fail(1002)));
        for (int i = 0; i < 2; i++) {
            boolean sync = i == 1;
            cases.add(ConformanceCase.of("5." + (19 + i), "text in 5 fragments with 2 pings between them"
                            + (sync ? ", frame by frame" : "") + ": the first pong comes before the message ends",
                    c -> {
                        Chop chop = sync ? Chop.FRAME_WISE : Chop.ONE_CHOP;
                        send(c, chop, TEXT, false, "fragment1");
                        send(c, chop, CONTINUATION, false, "fragment2");
                        send(c, chop, PING, true, "pongme 1!");
                        // The endpoint answers the ping while the message is still incomplete.
                        c.expectNext(Event.pong("pongme 1!"), 1000);
                        send(c, chop, CONTINUATION, false, "fragment3");
                        send(c, chop, CONTINUATION, false, "fragment4");
                        send(c, chop, PING, true, "pongme 2!");
                        send(c, chop, CONTINUATION, true, "fragment5");
                    }, Outcome.echo(Event.pong("pongme 2!"), Event.text("fragment1fragment2fragment3fragment4fragment5"))));
        }
        return cases;
    }

    @Override
    List<ConformanceCase> cases() {
        return all();
    }
}
