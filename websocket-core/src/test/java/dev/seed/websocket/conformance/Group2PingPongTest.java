package dev.seed.websocket.conformance;

import static dev.seed.websocket.conformance.CaseContext.PING;
import static dev.seed.websocket.conformance.CaseContext.PONG;
import static dev.seed.websocket.conformance.CaseContext.utf8;

import java.util.ArrayList;
import java.util.List;

/**
 * Case group 2, pings and pongs (RFC 6455 5.5.2, 5.5.3): every ping is answered with a pong
 * carrying its payload, also when sent octet by octet; a ping over 125 bytes fails the
 * connection; unsolicited pongs are ignored.
 */
class Group2PingPongTest extends ConformanceGroupTest {

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(ConformanceCase.of("2.1", "ping without payload",
                c -> c.send(PING, true, new byte[0]), Outcome.echo(Event.pong(new byte[0]))));
        cases.add(ConformanceCase.of("2.2", "ping with a small text payload",
                c -> c.send(PING, true, "Hello, world!"), Outcome.echo(Event.pong("Hello, world!"))));
        byte[] small = {0x00, (byte) 0xff, (byte) 0xfe, (byte) 0xfd, (byte) 0xfc, (byte) 0xfb, 0x00, (byte) 0xff};
        cases.add(ConformanceCase.of("2.3", "ping with a small binary payload",
                c -> c.send(PING, true, small), Outcome.echo(Event.pong(small))));
        byte[] p125 = CaseContext.filled(0xFE, 125);
        cases.add(ConformanceCase.of("2.4", "ping with a 125-byte binary payload",
                c -> c.send(PING, true, p125), Outcome.echo(Event.pong(p125))));
        cases.add(ConformanceCase.of("2.5", "ping with a 126-byte payload: control frames are at most 125 bytes",
                c -> c.send(PING, true, CaseContext.filled(0xFE, 126)), Outcome.fail(1002)));
        cases.add(ConformanceCase.of("2.6", "ping with a 125-byte payload written octet by octet",
                c -> c.sendChopped(PING, true, p125, 1), Outcome.echo(Event.pong(p125))));
        cases.add(ConformanceCase.of("2.7", "unsolicited pong without payload is ignored",
                c -> c.send(PONG, true, new byte[0]), Outcome.echo()));
        cases.add(ConformanceCase.of("2.8", "unsolicited pong with payload is ignored",
                c -> c.send(PONG, true, "unsolicited pong payload"), Outcome.echo()));
        cases.add(ConformanceCase.of("2.9", "unsolicited pong, then a ping: only the ping is answered",
                c -> {
                    c.send(PONG, true, "unsolicited pong payload");
                    c.send(PING, true, "ping payload");
                }, Outcome.echo(Event.pong("ping payload"))));
        Event[] pongs = new Event[10];
        for (int i = 0; i < 10; i++) {
            pongs[i] = Event.pong("payload-" + i);
        }
        cases.add(ConformanceCase.of("2.10", "10 pings in a row: 10 pongs in order",
                c -> {
                    for (int i = 0; i < 10; i++) {
                        c.send(PING, true, "payload-" + i);
                    }
                }, Outcome.echo(pongs)));
        cases.add(ConformanceCase.of("2.11", "10 pings in a row, each written octet by octet",
                c -> {
                    for (int i = 0; i < 10; i++) {
                        c.sendChopped(PING, true, utf8("payload-" + i), 1);
                    }
                }, Outcome.echo(pongs)));
        return cases;
    }

    @Override
    List<ConformanceCase> cases() {
        return all();
    }
}
