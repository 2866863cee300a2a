package dev.seed.websocket.protocol;

import static dev.seed.websocket.protocol.TestFrames.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 6455 section 8.1 text validation, by the RFC 3629 section 4 grammar. */
class Utf8ValidatorTest {

    /** No byte fails. */
    private static final int NONE = -1;

    // Each case: bytes, the index of the first byte that must fail (NONE if none), and whether
    // the bytes end on a character boundary (meaningful when none fails).

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("empty", "", NONE, true),
                Arguments.of("U+0000", "00", NONE, true),
                Arguments.of("U+007F, last 1-byte", "7F", NONE, true),
                Arguments.of("U+0080, first 2-byte", "C2 80", NONE, true),
                Arguments.of("U+07FF, last 2-byte", "DF BF", NONE, true),
                Arguments.of("U+0800, first 3-byte", "E0 A0 80", NONE, true),
                Arguments.of("U+1000 after E1", "E1 80 80", NONE, true),
                Arguments.of("U+CFFF before ED", "EC BF BF", NONE, true),
                Arguments.of("U+D7FF, last before surrogates", "ED 9F BF", NONE, true),
                Arguments.of("U+E000, first after surrogates", "EE 80 80", NONE, true),
                Arguments.of("U+FFFF, last 3-byte", "EF BF BF", NONE, true),
                Arguments.of("U+10000, first 4-byte", "F0 90 80 80", NONE, true),
                Arguments.of("U+40000 after F1", "F1 80 80 80", NONE, true),
                Arguments.of("U+FFFFF before F4", "F3 BF BF BF", NONE, true),
                Arguments.of("U+10FFFF, last code point", "F4 8F BF BF", NONE, true),
                Arguments.of("mixed", "48 C3 A9 E2 82 AC F0 9F 98 80 21", NONE, true),
                Arguments.of("ASCII run then 2-byte", "41 42 43 44 45 46 47 48 49 4A C3 A9", NONE, true));
    }

    static Stream<Arguments> invalid() {
        List<Arguments> cases = new ArrayList<>(List.of(
                Arguments.of("U+110000, above the last code point", "F4 90 80 80", 1, false),
                Arguments.of("F4 BF", "F4 BF BF BF", 1, false),
                Arguments.of("U+D800, first surrogate", "ED A0 80", 1, false),
                Arguments.of("U+DFFF, last surrogate", "ED BF BF", 1, false),
                Arguments.of("surrogate pair as CESU-8", "ED A0 BD ED B8 80", 1, false),
                Arguments.of("overlong 2-byte NUL", "C0 80", 0, false),
                Arguments.of("overlong 2-byte U+007F", "C1 BF", 0, false),
                Arguments.of("overlong 3-byte NUL", "E0 80 80", 1, false),
                Arguments.of("overlong 3-byte U+07FF", "E0 9F BF", 1, false),
                Arguments.of("overlong 4-byte NUL", "F0 80 80 80", 1, false),
                Arguments.of("overlong 4-byte U+FFFF", "F0 8F BF BF", 1, false),
                Arguments.of("old 5-byte form", "F8 88 80 80 80", 0, false),
                Arguments.of("old 6-byte form", "FC 84 80 80 80 80", 0, false),
                Arguments.of("lone continuation 80", "80", 0, false),
                Arguments.of("lone continuation BF", "BF", 0, false),
                Arguments.of("continuation after ASCII", "41 80", 1, false),
                Arguments.of("one continuation too many", "C3 A9 A9", 2, false),
                Arguments.of("2-byte cut by ASCII", "C2 41", 1, false),
                Arguments.of("3-byte cut by ASCII", "E2 82 41", 2, false),
                Arguments.of("4-byte cut by ASCII", "F0 9F 98 41", 3, false),
                Arguments.of("2-byte cut by a lead byte", "C2 C2 80", 1, false),
                Arguments.of("valid then invalid", "E2 82 AC FF", 3, false),
                Arguments.of("ASCII run then lone continuation", "41 42 43 44 45 46 47 48 49 80", 9, false),
                Arguments.of("ASCII run of 16 then bad",
                        "41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 F5", 16, false)));
        for (int b = 0xF5; b <= 0xFF; b++) {
            cases.add(Arguments.of(String.format("never %02X", b), String.format("%02X 80 80 80", b),
                    0, false));
        }
        return cases.stream();
    }

    static Stream<Arguments> truncated() {
        return Stream.of(
                Arguments.of("2-byte missing 1", "C2", NONE, false),
                Arguments.of("3-byte missing 2", "E2", NONE, false),
                Arguments.of("3-byte missing 1", "E2 82", NONE, false),
                Arguments.of("E0 missing 1", "E0 A0", NONE, false),
                Arguments.of("ED missing 1", "ED 9F", NONE, false),
                Arguments.of("4-byte missing 3", "F0", NONE, false),
                Arguments.of("4-byte missing 1", "F0 90 80", NONE, false),
                Arguments.of("F4 missing 2", "F4 8F", NONE, false),
                Arguments.of("after ASCII", "41 42 43 44 45 46 47 48 F1", NONE, false));
    }

    static Stream<Arguments> cases() {
        return Stream.of(valid(), invalid(), truncated()).flatMap(s -> s);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void failsAtFirstInvalidByteWhenFedOneByteAtATime(String name, String hexBytes, int failIndex,
            boolean complete) {
        byte[] bytes = hex(hexBytes);
        Utf8Validator validator = new Utf8Validator();
        for (int i = 0; i < bytes.length; i++) {
            boolean accepted = validator.feed(ByteBuffer.wrap(bytes, i, 1));
            assertThat(accepted).as("byte %d", i).isEqualTo(failIndex == NONE || i < failIndex);
        }
        if (failIndex == NONE) {
            assertThat(validator.isComplete()).isEqualTo(complete);
        } else {
            assertThat(validator.isComplete()).isFalse();
            assertThat(validator.feed(ByteBuffer.wrap(hex("41")))).as("rejection is final").isFalse();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void sameVerdictWhenFedWhole(String name, String hexBytes, int failIndex, boolean complete) {
        byte[] bytes = hex(hexBytes);
        boolean expected = failIndex == NONE && complete;

        Utf8Validator heap = new Utf8Validator();
        assertThat(heap.feed(ByteBuffer.wrap(bytes)) && heap.isComplete()).isEqualTo(expected);

        Utf8Validator direct = new Utf8Validator();
        ByteBuffer directBuffer = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        assertThat(direct.feed(directBuffer)).isEqualTo(failIndex == NONE);
        assertThat(direct.isComplete()).isEqualTo(expected);

        Utf8Validator array = new Utf8Validator();
        assertThat(array.feed(bytes, 0, bytes.length) && array.isComplete()).isEqualTo(expected);

        assertThat(Utf8Validator.isValid(bytes, 0, bytes.length)).isEqualTo(expected);
        assertThat(Utf8Validator.isValid(ByteBuffer.wrap(bytes))).isEqualTo(expected);
        assertThat(Utf8Validator.isValid(directBuffer)).isEqualTo(expected);
        assertThat(Utf8Validator.isValid(ByteBuffer.wrap(bytes).asReadOnlyBuffer())).isEqualTo(expected);
        assertThat(jdkAccepts(bytes)).as("the JDK agrees").isEqualTo(expected);
    }

    @Test
    void everySplitOfValidMultiByteTextIsValid() {
        String text = "a\u00e9\u07ff\u0800\u20ac\ud7ff\ue000\uffff\ud800\udc00\ud83d\ude00\udbff\udfffz";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i <= bytes.length; i++) {
            for (int j = i; j <= bytes.length; j++) {
                Utf8Validator validator = new Utf8Validator();
                assertThat(validator.feed(ByteBuffer.wrap(bytes, 0, i))).isTrue();
                assertThat(validator.isComplete()).as("complete after %d", i).isEqualTo(isBoundary(bytes, i));
                assertThat(validator.feed(ByteBuffer.wrap(bytes, i, j - i))).isTrue();
                assertThat(validator.feed(ByteBuffer.wrap(bytes, j, bytes.length - j))).isTrue();
                assertThat(validator.isComplete()).as("split at %d and %d", i, j).isTrue();
            }
        }
    }

    @Test
    void feedDoesNotMovePositionOrLimit() {
        ByteBuffer buf = ByteBuffer.wrap(hex("41 41 41 41 41 41 41 41 41 41 C3 A9 42"));
        buf.position(1).limit(12);
        assertThat(new Utf8Validator().feed(buf)).isTrue();
        assertThat(buf.position()).isEqualTo(1);
        assertThat(buf.limit()).isEqualTo(12);
    }

    @Test
    void feedReadsOnlyFromPositionToLimit() {
        // Invalid bytes around the window must not be looked at, in the 8-byte path either.
        byte[] bytes = hex("FF 41 41 41 41 41 41 41 41 41 41 41 41 FF FF FF FF FF FF FF FF");
        for (ByteBuffer buf : new ByteBuffer[] {ByteBuffer.wrap(bytes),
                ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()}) {
            buf.position(1).limit(13);
            assertThat(Utf8Validator.isValid(buf)).isTrue();
        }
        assertThat(Utf8Validator.isValid(bytes, 1, 12)).isTrue();
    }

    @Test
    void resetForgetsTruncationAndRejection() {
        Utf8Validator validator = new Utf8Validator();
        assertThat(validator.feed(ByteBuffer.wrap(hex("E2 82")))).isTrue();
        assertThat(validator.isComplete()).isFalse();
        validator.reset();
        assertThat(validator.isComplete()).isTrue();
        assertThat(validator.feed(ByteBuffer.wrap(hex("C0")))).isFalse();
        validator.reset();
        assertThat(validator.feed(ByteBuffer.wrap(hex("41")))).isTrue();
        assertThat(validator.isComplete()).isTrue();
    }

    @Test
    void longAsciiWithOneNonAsciiByteAtEveryPosition() {
        for (int length = 1; length <= 100; length++) {
            for (int at = 0; at < length; at++) {
                byte[] bytes = new byte[length];
                Arrays.fill(bytes, (byte) 'x');
                bytes[at] = (byte) 0x80;
                Utf8Validator validator = new Utf8Validator();
                for (int i = 0; i < length; i++) {
                    assertThat(validator.feed(ByteBuffer.wrap(bytes, i, 1))).isEqualTo(i < at);
                }
                assertThat(Utf8Validator.isValid(bytes, 0, length)).isFalse();
                ByteBuffer direct = ByteBuffer.allocateDirect(length).put(bytes).flip();
                assertThat(Utf8Validator.isValid(direct)).isFalse();
            }
        }
    }

    @Test
    void agreesWithJdkDecoderOnRandomBytes() {
        Random random = new Random(42);
        int valid = 0;
        for (int n = 0; n < 5000; n++) {
            byte[] bytes = randomCandidate(random);
            boolean expected = jdkAccepts(bytes);
            valid += expected ? 1 : 0;
            assertThat(Utf8Validator.isValid(bytes, 0, bytes.length)).as("%s", hexOf(bytes))
                    .isEqualTo(expected);

            // Same verdict in random pieces, direct buffers included.
            Utf8Validator validator = new Utf8Validator();
            boolean accepted = true;
            for (int i = 0; i < bytes.length; ) {
                int size = Math.min(1 + random.nextInt(12), bytes.length - i);
                ByteBuffer piece = random.nextBoolean()
                        ? ByteBuffer.wrap(bytes, i, size)
                        : ByteBuffer.allocateDirect(size).put(bytes, i, size).flip();
                accepted &= validator.feed(piece);
                i += size;
            }
            assertThat(accepted && validator.isComplete()).as("%s in pieces", hexOf(bytes))
                    .isEqualTo(expected);
        }
        assertThat(valid).as("the generator makes valid text too").isGreaterThan(1000);
    }

    @Test
    void agreesWithJdkDecoderOnLongTextWithAsciiRuns() {
        // Long enough for the 32-byte ASCII steps and the whole-character steps, with a broken
        // byte anywhere: heap and direct, whole and in random pieces.
        Random random = new Random(7);
        int valid = 0;
        for (int n = 0; n < 3000; n++) {
            StringBuilder text = new StringBuilder();
            int[] limits = {0x80, 0x800, 0x10000, 0x110000};
            for (int k = random.nextInt(30); k > 0; k--) {
                text.append("a".repeat(random.nextInt(70)));
                int codePoint;
                do {
                    codePoint = random.nextInt(limits[random.nextInt(limits.length)]);
                } while (codePoint >= 0xD800 && codePoint <= 0xDFFF);
                text.appendCodePoint(codePoint);
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0 && random.nextInt(3) > 0) {
                bytes[random.nextInt(bytes.length)] = interestingByte(random);
            }
            boolean expected = jdkAccepts(bytes);
            valid += expected ? 1 : 0;
            assertThat(Utf8Validator.isValid(bytes, 0, bytes.length)).as("%s", hexOf(bytes)).isEqualTo(expected);
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            assertThat(Utf8Validator.isValid(direct)).as("direct %s", hexOf(bytes)).isEqualTo(expected);
            Utf8Validator validator = new Utf8Validator();
            boolean accepted = true;
            for (int i = 0; i < bytes.length; ) {
                int size = Math.min(1 + random.nextInt(80), bytes.length - i);
                ByteBuffer piece = random.nextBoolean()
                        ? ByteBuffer.wrap(bytes, i, size)
                        : ByteBuffer.allocateDirect(size).put(bytes, i, size).flip();
                accepted &= validator.feed(piece);
                i += size;
            }
            assertThat(accepted && validator.isComplete()).as("%s in pieces", hexOf(bytes)).isEqualTo(expected);
        }
        assertThat(valid).as("the generator makes valid text too").isGreaterThan(500);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("invalid")
    void rejectionStaysWhenValidTextFollowsInTheSameFeed(String name, String hexBytes, int failIndex,
            boolean complete) {
        // Enough valid text after the invalid bytes for the 8- and 32-byte ASCII steps and the
        // unrolled passes: none of them may bring the verdict back.
        byte[] tail = ("caf\u00e9 \u043f\u0440\u0438\u0432\u0435\u0442 \u4e16\u754c \ud83c\udf89 "
                + "x".repeat(100)).getBytes(StandardCharsets.UTF_8);
        byte[] head = hex(hexBytes);
        for (int pad = 0; pad < 9; pad++) {
            byte[] bytes = new byte[pad + head.length + tail.length];
            Arrays.fill(bytes, 0, pad, (byte) 'a');
            System.arraycopy(head, 0, bytes, pad, head.length);
            System.arraycopy(tail, 0, bytes, pad + head.length, tail.length);
            assertThat(Utf8Validator.isValid(bytes, 0, bytes.length)).as("pad %d", pad).isFalse();
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            assertThat(Utf8Validator.isValid(direct)).as("direct, pad %d", pad).isFalse();
            Utf8Validator validator = new Utf8Validator();
            assertThat(validator.feed(bytes, 0, bytes.length)).isFalse();
            assertThat(validator.feed(ByteBuffer.wrap(tail))).as("rejection is final").isFalse();
        }
    }

    @Test
    void asciiInsideACharacterFailsAtEveryOffset() {
        // A character cut by 64 ASCII bytes and then completed: the ASCII steps skip bytes only
        // between characters, so the first ASCII byte must fail, not let the tail bytes after
        // the run complete the character.
        String[][] cuts = {{"C3", "A9"}, {"E2", "82 AC"}, {"E2 82", "AC"}, {"E0 A0", "80"}, {"ED 9F", "BF"},
            {"F0", "9F 98 80"}, {"F0 9F", "98 80"}, {"F0 9F 98", "80"}, {"F4 8F BF", "BF"}};
        for (String[] cut : cuts) {
            byte[] head = hex(cut[0]);
            byte[] rest = hex(cut[1]);
            for (int at = 0; at < 40; at++) {
                byte[] bytes = new byte[at + head.length + 64 + rest.length + 3];
                Arrays.fill(bytes, (byte) 'x');
                System.arraycopy(head, 0, bytes, at, head.length);
                System.arraycopy(rest, 0, bytes, at + head.length + 64, rest.length);
                String what = cut[0] + " at " + at;
                assertThat(Utf8Validator.isValid(bytes, 0, bytes.length)).as(what).isFalse();
                ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
                assertThat(Utf8Validator.isValid(direct)).as("direct " + what).isFalse();
                assertThat(new Utf8Validator().feed(bytes, 0, bytes.length)).as("feed " + what).isFalse();

                // Split right after the cut: the state carried into the next feed, heap and direct.
                int split = at + head.length;
                Utf8Validator heap = new Utf8Validator();
                assertThat(heap.feed(ByteBuffer.wrap(bytes, 0, split))).isTrue();
                assertThat(heap.isComplete()).isFalse();
                assertThat(heap.feed(ByteBuffer.wrap(bytes, split, bytes.length - split))).as("split " + what)
                        .isFalse();
                Utf8Validator offHeap = new Utf8Validator();
                assertThat(offHeap.feed(ByteBuffer.wrap(bytes, 0, split))).isTrue();
                assertThat(offHeap.feed(ByteBuffer.allocateDirect(bytes.length - split)
                        .put(bytes, split, bytes.length - split).flip())).as("direct split " + what).isFalse();
            }
        }
    }

    @Test
    void everyFirstTwoBytesAgreeWithJdkAtEveryAlignment() {
        // All 65,536 values of a character's first two bytes, followed by the lowest or the
        // highest two tail bytes (80 80, BF BF) or by ASCII (41 41, which cuts any longer
        // character short), inside ASCII and at every position of an 8-byte pass: the whole
        // RFC 3629 table of first and second bytes.
        String[] tails = {"80 80", "BF BF", "41 41"};
        int valid = 0;
        for (int first = 0; first < 256; first++) {
            for (int second = 0; second < 256; second++) {
                for (int t = 0; t < tails.length; t++) {
                    byte[] tail = hex(tails[t]);
                    int at = (first + second + t) % 8;
                    byte[] bytes = new byte[at + 4 + 16];
                    Arrays.fill(bytes, (byte) 'x');
                    bytes[at] = (byte) first;
                    bytes[at + 1] = (byte) second;
                    bytes[at + 2] = tail[0];
                    bytes[at + 3] = tail[1];
                    boolean expected = jdkAccepts(bytes);
                    valid += expected ? 1 : 0;
                    assertThat(Utf8Validator.isValid(bytes, 0, bytes.length)).as("%s", hexOf(bytes))
                            .isEqualTo(expected);
                    if ((first ^ second) % 7 == 0) {
                        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
                        assertThat(Utf8Validator.isValid(direct)).as("direct %s", hexOf(bytes))
                                .isEqualTo(expected);
                    }
                }
            }
        }
        assertThat(valid).as("valid 1, 2, 3 and 4 byte characters among them").isGreaterThan(20_000);
    }

    /** Random bytes, valid text, or valid text with one byte changed or its last byte cut. */
    private static byte[] randomCandidate(Random random) {
        int mode = random.nextInt(3);
        if (mode == 0) {
            byte[] bytes = new byte[random.nextInt(41)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = interestingByte(random);
            }
            return bytes;
        }
        StringBuilder text = new StringBuilder();
        int[] limits = {0x80, 0x800, 0x10000, 0x110000};
        for (int n = random.nextInt(12); n > 0; n--) {
            int codePoint;
            do {
                codePoint = random.nextInt(limits[random.nextInt(limits.length)]);
            } while (codePoint >= 0xD800 && codePoint <= 0xDFFF);
            text.appendCodePoint(codePoint);
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        if (mode == 2 && bytes.length > 0) {
            if (random.nextBoolean()) {
                bytes[random.nextInt(bytes.length)] = interestingByte(random);
            } else {
                bytes = Arrays.copyOf(bytes, bytes.length - 1);
            }
        }
        return bytes;
    }

    /** A byte from a random one of the classes the automaton tells apart, ASCII most often. */
    private static byte interestingByte(Random random) {
        int[][] ranges = {{0x00, 0x7F}, {0x00, 0x7F}, {0x00, 0x7F}, {0x00, 0x7F}, {0x80, 0x8F},
            {0x90, 0x9F}, {0xA0, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}, {0xC0, 0xC1}, {0xC2, 0xDF},
            {0xE0, 0xE0}, {0xE1, 0xEC}, {0xED, 0xED}, {0xEE, 0xEF}, {0xF0, 0xF0}, {0xF1, 0xF3},
            {0xF4, 0xF4}, {0xF5, 0xFF}};
        int[] range = ranges[random.nextInt(ranges.length)];
        return (byte) (range[0] + random.nextInt(range[1] - range[0] + 1));
    }

    private static boolean jdkAccepts(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            decoder.decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean isBoundary(byte[] bytes, int i) {
        return i == bytes.length || (bytes[i] & 0xC0) != 0x80;
    }

    private static String hexOf(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }
}
