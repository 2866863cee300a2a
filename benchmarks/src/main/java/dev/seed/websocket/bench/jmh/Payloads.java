package dev.seed.websocket.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Deterministic test payloads: the same bytes in every run, so runs compare. */
public final class Payloads {

    /** The masking key every benchmark frame uses. */
    public static final int MASK_KEY = 0x37FA213D;

    private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
        "golf", "hotel", "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"};

    /** Text mixing scripts the way chat messages do: mostly ASCII, some 2, 3 and 4 byte sequences. */
    private static final String[] MIXED_PIECES = {"Grüße aus Köln, ", "naïve café ", "Привет, мир! ",
        "こんにちは世界 ", "价格 ¥42 ", "emoji 🎉🚀 ", "plain ASCII words here. ", "Ελληνικά ", "עברית "};

    private Payloads() {
    }

    /** {@code size} bytes of random binary data. */
    public static byte[] binary(int size) {
        byte[] b = new byte[size];
        new Random(42).nextBytes(b);
        return b;
    }

    /** {@code size} bytes of printable ASCII. */
    public static byte[] ascii(int size) {
        Random r = new Random(7);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (' ' + r.nextInt(95));
        }
        return b;
    }

    /** About {@code size} bytes of valid UTF-8 mixing ASCII with 2, 3 and 4 byte sequences. */
    public static byte[] mixedUtf8(int size) {
        Random r = new Random(11);
        StringBuilder sb = new StringBuilder();
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < size) {
            sb.append(MIXED_PIECES[r.nextInt(MIXED_PIECES.length)]);
        }
        return cutToCharBoundary(sb.toString().getBytes(StandardCharsets.UTF_8), size);
    }

    /** About {@code size} bytes of JSON: an array of small objects, as chat or market data APIs send. */
    public static byte[] json(int size) {
        Random r = new Random(3);
        StringBuilder sb = new StringBuilder("[");
        int id = 1000;
        while (sb.length() < size) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append("{\"id\":").append(id++)
                    .append(",\"user\":\"").append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(100))
                    .append("\",\"type\":\"").append(r.nextBoolean() ? "message" : "presence")
                    .append("\",\"text\":\"").append(WORDS[r.nextInt(WORDS.length)]).append(' ')
                    .append(WORDS[r.nextInt(WORDS.length)]).append(' ').append(WORDS[r.nextInt(WORDS.length)])
                    .append("\",\"price\":").append(r.nextInt(100000) / 100.0)
                    .append(",\"ts\":").append(1_700_000_000_000L + r.nextInt(1_000_000))
                    .append('}');
        }
        sb.setLength(size - 1);
        sb.append(']');
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] cutToCharBoundary(byte[] b, int size) {
        int end = Math.min(size, b.length);
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--;
        }
        return java.util.Arrays.copyOf(b, end);
    }
}
