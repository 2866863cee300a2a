package dev.seed.websocket.conformance;

import static dev.seed.websocket.conformance.CaseContext.TEXT;

import java.util.List;

/** Case group 10, automatic fragmentation: a 64 KiB text message in frames of 1300 bytes. */
class Group10AutoFragmentationTest extends ConformanceGroupTest {

    static List<ConformanceCase> all() {
        byte[] payload = CaseContext.repeat("*", 65536);
        return List.of(ConformanceCase.of("10.1.1", "text message of 65536 bytes auto-fragmented into frames of 1300 bytes",
                c -> c.message(TEXT, payload, 1300, false), Outcome.echo(Event.text(payload))));
    }

    @Override
    List<ConformanceCase> cases() {
        return all();
    }
}
