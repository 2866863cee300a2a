package dev.seed.websocket.conformance;

import static dev.seed.websocket.conformance.CaseContext.BINARY;
import static dev.seed.websocket.conformance.CaseContext.CLOSE;
import static dev.seed.websocket.conformance.CaseContext.PING;
import static dev.seed.websocket.conformance.CaseContext.TEXT;
import static dev.seed.websocket.conformance.CaseContext.utf8;

import java.util.List;

/**
 * Case group 3, reserved bits (RFC 6455 5.2): with no extension negotiated, a frame with any RSV
 * bit fails the connection with 1002; what came before it is still processed.
 */
class Group3ReservedBitsTest extends ConformanceGroupTest {

    private static final String HELLO = "Hello, world!";

    static List<ConformanceCase> all() {
        byte[] small = {0x00, (byte) 0xff, (byte) 0xfe, (byte) 0xfd, (byte) 0xfc, (byte) 0xfb, 0x00, (byte) 0xff};
        return List.of(
                ConformanceCase.of("3.1", "text frame with RSV = 1",
                        c -> c.sendRsv(TEXT, true, 1, utf8(HELLO)), Outcome.fail(1002)),
                ConformanceCase.of("3.2", "valid text, then text with RSV = 2, then ping",
                        c -> {
                            c.text(HELLO);
                            c.sendRsv(TEXT, true, 2, utf8(HELLO));
                            c.send(PING, true, HELLO);
                        }, Outcome.fail(1002, Event.text(HELLO))),
                ConformanceCase.of("3.3", "as 3.2 with RSV = 3, frame by frame",
                        c -> {
                            c.sendSync(TEXT, true, HELLO);
                            c.raw(c.peer.frame(true, 3, TEXT, utf8(HELLO)));
                            c.sendSync(PING, true, HELLO);
                        }, Outcome.fail(1002, Event.text(HELLO))),
                ConformanceCase.of("3.4", "as 3.2 with RSV = 4, octet by octet",
                        c -> {
                            c.sendChopped(TEXT, true, utf8(HELLO), 1);
                            c.peer.writeChopped(c.peer.frame(true, 4, TEXT, utf8(HELLO)), 1, 1);
                            c.sendChopped(PING, true, utf8(HELLO), 1);
                        }, Outcome.fail(1002, Event.text(HELLO))),
                ConformanceCase.of("3.5", "binary frame with RSV = 5",
                        c -> c.sendRsv(BINARY, true, 5, small), Outcome.fail(1002)),
                ConformanceCase.of("3.6", "ping with RSV = 6",
                        c -> c.sendRsv(PING, true, 6, utf8(HELLO)), Outcome.fail(1002)),
                ConformanceCase.of("3.7", "close with RSV = 7",
                        c -> c.sendRsv(CLOSE, true, 7, new byte[0]), Outcome.fail(1002)));
    }

    @Override
    List<ConformanceCase> cases() {
        return all();
    }
}
