package dev.seed.websocket.conformance;

import static dev.seed.websocket.conformance.CaseContext.PING;
import static dev.seed.websocket.conformance.CaseContext.utf8;

import java.util.ArrayList;
import java.util.List;

/**
 * Case group 4, opcodes (RFC 6455 5.2): the reserved non-control opcodes 3 to 7 (4.1.x) and
 * control opcodes 11 to 15 (4.2.x) fail the connection with 1002, alone or after a valid message.
 */
class Group4OpcodesTest extends ConformanceGroupTest {

    private static final String HELLO = "Hello, world!";

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (int sub = 1; sub <= 2; sub++) {
            int base = sub == 1 ? 3 : 11;
            for (int i = 0; i < 5; i++) {
                int opcode = base + i;
                String id = "4." + sub + "." + (i + 1);
                byte[] payload = i == 0 || i == 2 ? new byte[0] : utf8("reserved opcode payload");
                if (i < 2) {
                    cases.add(ConformanceCase.of(id, "frame with reserved opcode " + opcode
                                    + (i == 0 ? "" : " and a payload"),
                            c -> c.send(opcode, true, payload), Outcome.fail(1002)));
                } else {
                    cases.add(ConformanceCase.of(id, "valid text, frame with reserved opcode " + opcode + ", ping",
                            c -> {
                                c.text(HELLO);
                                c.send(opcode, true, payload);
                                c.send(PING, true, HELLO);
                            }, Outcome.fail(1002, Event.text(HELLO))));
                }
            }
        }
        return cases;
    }

    @Override
    List<ConformanceCase> cases() {
        return all();
    }
}
