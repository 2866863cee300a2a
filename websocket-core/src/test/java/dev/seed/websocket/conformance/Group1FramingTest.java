package dev.seed.websocket.conformance;

import static dev.seed.websocket.conformance.CaseContext.BINARY;
import static dev.seed.websocket.conformance.CaseContext.TEXT;

import java.util.ArrayList;
import java.util.List;

/**
 * Case group 1, framing: text (1.1.x) and binary (1.2.x) messages of every length-encoding edge,
 * each echoed back whole; the 64 KiB ones also sent in chops of 997 octets.
 */
class Group1FramingTest extends ConformanceGroupTest {

    private static final int[] LENGTHS = {0, 125, 126, 127, 128, 65535, 65536};

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (int sub = 1; sub <= 2; sub++) {
            boolean binary = sub == 2;
            int opcode = binary ? BINARY : TEXT;
            for (int i = 0; i < LENGTHS.length; i++) {
                byte[] payload = binary ? CaseContext.filled(0xFE, LENGTHS[i]) : CaseContext.repeat("*", LENGTHS[i]);
                Event echo = binary ? Event.binary(payload) : Event.text(payload);
                cases.add(ConformanceCase.of("1." + sub + "." + (i + 1),
                        (binary ? "binary" : "text") + " message of " + LENGTHS[i] + " bytes",
                        c -> c.send(opcode, true, payload), Outcome.echo(echo)));
            }
            byte[] payload = binary ? CaseContext.filled(0xFE, 65536) : CaseContext.repeat("*", 65536);
            Event echo = binary ? Event.binary(payload) : Event.text(payload);
            cases.add(ConformanceCase.of("1." + sub + ".8",
                    (binary ? "binary" : "text") + " message of 65536 bytes written in chops of 997 octets",
                    c -> c.sendChopped(opcode, true, payload, 997), Outcome.echo(echo)));
        }
        return cases;
    }

    @Override
    List<ConformanceCase> cases() {
        return all();
    }
}
