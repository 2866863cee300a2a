package dev.seed.websocket.conformance;

import static dev.seed.websocket.conformance.CaseContext.BINARY;
import static dev.seed.websocket.conformance.CaseContext.TEXT;

import java.util.ArrayList;
import java.util.List;

/**
 * Case group 9, limits and large messages: single-frame messages up to 16 MiB (9.1, 9.2), a 4 MiB
 * message in fragments from 64 bytes to 4 MiB (9.3, 9.4), a 1 MiB message written in chops from
 * 64 to 2048 octets (9.5, 9.6) and 1000 round trips of small messages (9.7, 9.8). Each is
 * echoed whole.
 */
class Group9LimitsTest extends ConformanceGroupTest {

    private static final int MIB = 1 << 20;
    private static final long BIG_CASE_MS = 30_000;

    private static byte[] payload(boolean binary, int length) {
        return binary ? CaseContext.filled(0xFE, length) : CaseContext.repeat("*", length);
    }

    private static Event echo(boolean binary, byte[] payload) {
        return binary ? Event.binary(payload) : Event.text(payload);
    }

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        int[] single = {64 * 1024, 256 * 1024, MIB, 4 * MIB, 8 * MIB, 16 * MIB};
        int[] fragments = {64, 256, 1024, 4096, 16 * 1024, 64 * 1024, 256 * 1024, MIB, 4 * MIB};
        int[] chops = {64, 128, 256, 512, 1024, 2048};
        int[] roundTrip = {0, 16, 64, 256, 1024, 4096};
        for (int k = 0; k < 2; k++) {
            boolean binary = k == 1;
            int opcode = binary ? BINARY : TEXT;
            String kind = binary ? "binary" : "text";
            for (int i = 0; i < single.length; i++) {
                byte[] p = payload(binary, single[i]);
                cases.add(ConformanceCase.of("9." + (1 + k) + "." + (i + 1), kind + " message of " + single[i] + " bytes",
                        c -> c.send(opcode, true, p), Outcome.echo(echo(binary, p))).within(BIG_CASE_MS));
            }
            byte[] four = payload(binary, 4 * MIB);
            for (int i = 0; i < fragments.length; i++) {
                int size = fragments[i];
                cases.add(ConformanceCase.of("9." + (3 + k) + "." + (i + 1),
                        kind + " message of 4 MiB in fragments of " + size + " bytes",
                        c -> c.message(opcode, four, size, false), Outcome.echo(echo(binary, four))).within(BIG_CASE_MS));
            }
            byte[] one = payload(binary, MIB);
            for (int i = 0; i < chops.length; i++) {
                int chop = chops[i];
                cases.add(ConformanceCase.of("9." + (5 + k) + "." + (i + 1),
                        kind + " message of 1 MiB written in chops of " + chop + " octets",
                        c -> c.rawChopped(c.peer.frame(true, 0, opcode, one), chop),
                        Outcome.echo(echo(binary, one))).within(BIG_CASE_MS));
            }
            for (int i = 0; i < roundTrip.length; i++) {
                byte[] p = payload(binary, roundTrip[i]);
                cases.add(ConformanceCase.of("9." + (7 + k) + "." + (i + 1),
                        "1000 " + kind + " messages of " + roundTrip[i] + " bytes, one round trip each",
                        c -> {
                            for (int n = 0; n < 1000; n++) {
                                c.send(opcode, true, p);
                                c.expectNext(echo(binary, p), 2000);
                            }
                            c.close(1000);
                        }, Outcome.answersClose(1000)).within(BIG_CASE_MS));
            }
        }
        return cases;
    }

    @Override
    List<ConformanceCase> cases() {
        return all();
    }
}
