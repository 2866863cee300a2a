package dev.seed.websocket.conformance;

import static dev.seed.websocket.conformance.CaseContext.CONTINUATION;
import static dev.seed.websocket.conformance.CaseContext.TEXT;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Every UTF-8 sequence of group 6 split into two fragments at every offset (ids 6.N.M@k). Valid
 * text is echoed whole. Invalid text fails with 1007, and fails fast: when the first fragment
 * already holds an octet that no continuation can make valid (by the JDK's own decoder), the
 * close frame must come before the peer sends the second fragment.
 */
class Group6Utf8SplitTest extends ConformanceGroupTest {

    /** Whether {@code prefix} already contains an error, whatever may follow it. */
    static boolean invalidWhateverFollows(byte[] prefix) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CoderResult r = d.decode(ByteBuffer.wrap(prefix), CharBuffer.allocate(prefix.length + 2), false);
        return r.isError();
    }

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (Utf8Sequences.Sequence s : Utf8Sequences.all()) {
            byte[] b = s.bytes();
            for (int k = 1; k < b.length; k++) {
                byte[] first = Arrays.copyOfRange(b, 0, k);
                byte[] second = Arrays.copyOfRange(b, k, b.length);
                boolean early = !s.valid() && invalidWhateverFollows(first);
                String id = s.id() + "@" + k;
                String what = HexFormat.of().formatHex(first) + " | " + HexFormat.of().formatHex(second);
                if (s.valid()) {
                    cases.add(ConformanceCase.of(id, "valid, split " + what,
                            c -> {
                                c.send(TEXT, false, first);
                                c.send(CONTINUATION, true, second);
                            }, Outcome.echo(Event.text(b))));
                } else if (early) {
                    cases.add(ConformanceCase.of(id, "invalid in the first fragment, split " + what,
                            c -> {
                                c.send(TEXT, false, first);
                                c.expectCloseWithin(1000);
                            }, Outcome.fail(1007)));
                } else {
                    cases.add(ConformanceCase.of(id, "invalid, split " + what,
                            c -> {
                                c.send(TEXT, false, first);
                                c.send(CONTINUATION, true, second);
                            }, Outcome.fail(1007)));
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
