package dev.seed.websocket.conformance;

import static dev.seed.websocket.conformance.CaseContext.CONTINUATION;
import static dev.seed.websocket.conformance.CaseContext.TEXT;
import static dev.seed.websocket.conformance.CaseContext.utf8;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Case group 6, UTF-8 handling (RFC 6455 8.1): valid text is echoed whatever its fragmentation;
 * invalid text fails the connection with 1007, and fails it fast: as soon as the octet that makes
 * the message invalid arrives (6.4.x), not when the message ends.
 */
class Group6Utf8Test extends ConformanceGroupTest {

    private static final String HELLO = "Hello-µ@ßöäüàá-UTF-8!!";
    /** 6.3.x: κόσμε, then a lone surrogate (invalid at its second octet), then "edited". */
    private static final byte[] INVALID = Utf8Sequences.hex("cebae1bdb9cf83cebcceb5eda080656469746564");
    /** 6.4.x: κόσμε, then U+110000 in the UTF-8 scheme (invalid at its second octet), then "edited". */
    private static final byte[] PART1 = Utf8Sequences.KOSME;
    private static final byte[] PART2 = Utf8Sequences.hex("f4908080");
    private static final byte[] PART3 = Utf8Sequences.hex("656469746564");
    /** How long the endpoint must stay silent while the message so far is still valid. */
    private static final long STILL_VALID_MS = 150;

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(ConformanceCase.of("6.1.1", "empty text message",
                c -> c.send(TEXT, true, new byte[0]), Outcome.echo(Event.text(""))));
        cases.add(ConformanceCase.of("6.1.2", "text message of 3 empty fragments",
                c -> {
                    c.send(TEXT, false, new byte[0]);
                    c.send(CONTINUATION, false, new byte[0]);
                    c.send(CONTINUATION, true, new byte[0]);
                }, Outcome.echo(Event.text(""))));
        cases.add(ConformanceCase.of("6.1.3", "empty fragment, fragment with payload, empty last fragment",
                c -> {
                    c.send(TEXT, false, new byte[0]);
                    c.send(CONTINUATION, false, "middle frame payload");
                    c.send(CONTINUATION, true, new byte[0]);
                }, Outcome.echo(Event.text("middle frame payload"))));
        cases.add(ConformanceCase.of("6.2.1", "valid UTF-8 in one frame",
                c -> c.text(HELLO), Outcome.echo(Event.text(HELLO))));
        cases.add(ConformanceCase.of("6.2.2", "valid UTF-8 in 2 fragments split at a code point",
                c -> {
                    c.send(TEXT, false, "Hello-µ@ßöä");
                    c.send(CONTINUATION, true, "üàá-UTF-8!!");
                }, Outcome.echo(Event.text(HELLO))));
        cases.add(ConformanceCase.of("6.2.3", "valid UTF-8, one octet per fragment",
                c -> octetFragments(c, utf8(HELLO)), Outcome.echo(Event.text(HELLO))));
        cases.add(ConformanceCase.of("6.2.4", "κόσμε, one octet per fragment",
                c -> octetFragments(c, Utf8Sequences.KOSME), Outcome.echo(Event.text(Utf8Sequences.KOSME))));
        cases.add(ConformanceCase.of("6.3.1", "invalid UTF-8 in one frame: " + HexFormat.of().formatHex(INVALID),
                c -> c.send(TEXT, true, INVALID), Outcome.fail(1007)));
        cases.add(ConformanceCase.of("6.3.2", "invalid UTF-8, one octet per fragment",
                c -> octetFragments(c, INVALID), Outcome.fail(1007)));
        cases.add(ConformanceCase.of("6.4.1", "3 fragments, the 2nd makes the text invalid: fail at the 2nd",
                c -> {
                    c.send(TEXT, false, PART1);
                    c.quiet(STILL_VALID_MS);
                    c.send(CONTINUATION, false, PART2);
                    c.expectCloseWithin(1000);
                }, Outcome.fail(1007)));
        byte[] whole = concat(PART1, PART2, PART3);
        cases.add(ConformanceCase.of("6.4.2", "as 6.4.1, the 2nd fragment holding just the octet that breaks it",
                c -> {
                    c.send(TEXT, false, Arrays.copyOfRange(whole, 0, 12));
                    c.quiet(STILL_VALID_MS);
                    c.send(CONTINUATION, false, Arrays.copyOfRange(whole, 12, 13));
                    c.expectCloseWithin(1000);
                }, Outcome.fail(1007)));
        cases.add(ConformanceCase.of("6.4.3", "one frame in 3 chops, the 2nd makes the text invalid: fail at the 2nd",
                c -> {
                    byte[] frame = c.peer.frame(true, 0, TEXT, whole);
                    int header = frame.length - whole.length;
                    c.raw(Arrays.copyOfRange(frame, 0, header + PART1.length));
                    c.quiet(STILL_VALID_MS);
                    c.raw(Arrays.copyOfRange(frame, header + PART1.length, header + PART1.length + PART2.length));
                    c.expectCloseWithin(1000);
                }, Outcome.fail(1007)));
        cases.add(ConformanceCase.of("6.4.4", "as 6.4.3, the 2nd chop holding just the octet that breaks it",
                c -> {
                    byte[] frame = c.peer.frame(true, 0, TEXT, whole);
                    int header = frame.length - whole.length;
                    c.raw(Arrays.copyOfRange(frame, 0, header + 12));
                    c.quiet(STILL_VALID_MS);
                    c.raw(Arrays.copyOfRange(frame, header + 12, header + 13));
                    c.expectCloseWithin(1000);
                }, Outcome.fail(1007)));
        for (Utf8Sequences.Sequence s : Utf8Sequences.all()) {
            cases.add(ConformanceCase.of(s.id(), s.category() + ": " + HexFormat.of().formatHex(s.bytes())
                            + (s.valid() ? " (valid)" : " (invalid)"),
                    c -> c.send(TEXT, true, s.bytes()),
                    s.valid() ? Outcome.echo(Event.text(s.bytes())) : Outcome.fail(1007)));
        }
        return cases;
    }

    private static void octetFragments(CaseContext c, byte[] text) throws Exception {
        for (int i = 0; i < text.length; i++) {
            c.send(i == 0 ? TEXT : CONTINUATION, i == text.length - 1, new byte[] {text[i]});
        }
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Override
    List<ConformanceCase> cases() {
        return all();
    }
}
