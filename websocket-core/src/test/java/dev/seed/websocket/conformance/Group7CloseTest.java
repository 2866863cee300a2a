package dev.seed.websocket.conformance;

import static dev.seed.websocket.conformance.CaseContext.CONTINUATION;
import static dev.seed.websocket.conformance.CaseContext.PING;
import static dev.seed.websocket.conformance.CaseContext.TEXT;
import static dev.seed.websocket.conformance.CaseContext.utf8;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Case group 7, close handling (RFC 6455 5.5.1, 7.4): nothing is processed after a close frame;
 * the close payload is checked (no 1-byte body, at most 125 bytes, a code that may be sent, a
 * UTF-8 reason); valid codes are echoed, invalid ones answered with 1002. An answer to an empty
 * close frame is empty (code 1005 here).
 */
class Group7CloseTest extends ConformanceGroupTest {

    /** Codes a peer may send (RFC 6455 7.4.1, 7.4.2): echoed back. */
    private static final int[] VALID = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999};
    /** Codes a peer must not send: answered with 1002. */
    private static final int[] INVALID = {0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999};

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        String hello = "Hello World!";
        cases.add(ConformanceCase.of("7.1.1", "text message, then close: the message is echoed before the close",
                c -> {
                    c.text(hello);
                    c.close(1000);
                }, new Outcome(List.of(Event.text(hello)), true, Set.of(1000))));
        cases.add(ConformanceCase.of("7.1.2", "close, then close again: the second is ignored",
                c -> {
                    c.close(1000);
                    c.raw(c.peer.frame(true, 0, CaseContext.CLOSE, new byte[] {0x03, (byte) 0xe8}));
                }, Outcome.answersClose(1000)));
        cases.add(ConformanceCase.of("7.1.3", "close, then ping: no pong after a close frame",
                c -> {
                    c.close(1000);
                    c.send(PING, true, hello);
                }, Outcome.answersClose(1000)));
        cases.add(ConformanceCase.of("7.1.4", "close, then text: no echo after a close frame",
                c -> {
                    c.close(1000);
                    c.text(hello);
                }, Outcome.answersClose(1000)));
        cases.add(ConformanceCase.of("7.1.5", "first fragment, close, last fragment: the message is dropped",
                c -> {
                    c.send(TEXT, false, "fragment1");
                    c.close(1000);
                    c.send(CONTINUATION, true, "fragment2");
                }, Outcome.answersClose(1000)));
        byte[] big = CaseContext.repeat("BAsd7&jh23", 256 * 1024);
        cases.add(ConformanceCase.of("7.1.6", "256 KiB text, small text, close, ping: both messages come back first",
                c -> {
                    c.raw(Group6Utf8Test.concat(c.peer.frame(true, 0, TEXT, big), c.peer.frame(true, 0, TEXT, utf8(hello))));
                    c.close(1000);
                    c.send(PING, true, new byte[0]);
                }, new Outcome(List.of(Event.text(big), Event.text(hello)), true, Set.of(1000))));
        cases.add(ConformanceCase.of("7.3.1", "close without payload: answered without payload",
                c -> c.closeRaw(new byte[0]), Outcome.answersClose(1005)));
        cases.add(ConformanceCase.of("7.3.2", "close with a 1-byte payload",
                c -> c.closeRaw(new byte[] {0x61}), Outcome.answersClose(1002)));
        cases.add(ConformanceCase.of("7.3.3", "close with code 1000 and no reason",
                c -> c.close(1000), Outcome.answersClose(1000)));
        cases.add(ConformanceCase.of("7.3.4", "close with code 1000 and a reason",
                c -> c.close(1000, utf8(hello)), Outcome.answersClose(1000)));
        cases.add(ConformanceCase.of("7.3.5", "close with a 123-byte reason (125-byte payload)",
                c -> c.close(1000, CaseContext.repeat("*", 123)), Outcome.answersClose(1000)));
        cases.add(ConformanceCase.of("7.3.6", "close with a 124-byte reason (126-byte payload)",
                c -> c.close(1000, CaseContext.repeat("*", 124)), Outcome.answersClose(1002)));
        cases.add(ConformanceCase.of("7.5.1", "close with a reason that is not UTF-8",
                c -> c.close(1000, Utf8Sequences.hex("cebae1bdb9cf83cebcceb5eda080656469746564")),
                Outcome.answersClose(1007)));
        for (int i = 0; i < VALID.length; i++) {
            int code = VALID[i];
            cases.add(ConformanceCase.of("7.7." + (i + 1), "close with valid code " + code + ": echoed",
                    c -> c.close(code), Outcome.answersClose(code)));
        }
        for (int i = 0; i < INVALID.length; i++) {
            int code = INVALID[i];
            cases.add(ConformanceCase.of("7.9." + (i + 1), "close with invalid code " + code,
                    c -> c.close(code), Outcome.answersClose(1002)));
        }
        cases.add(ConformanceCase.of("7.13.1", "close with code 5000 (beyond the registered ranges)",
                c -> c.close(5000), Outcome.answersClose(1002)));
        cases.add(ConformanceCase.of("7.13.2", "close with code 65535",
                c -> c.close(65535), Outcome.answersClose(1002)));
        return cases;
    }

    @Override
    List<ConformanceCase> cases() {
        return all();
    }
}
