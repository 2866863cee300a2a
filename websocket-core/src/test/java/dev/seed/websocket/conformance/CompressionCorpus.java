package dev.seed.websocket.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The data sets of case groups 12 and 13, generated here (deterministically) in the shape of the
 * public suite's files: JSON and HTML text (ASCII, so that any slice is valid UTF-8), German
 * prose and a grey-scale bitmap sent as binary, and a PDF-like mix of compressible and random
 * bytes. Messages are consecutive slices of a data set, wrapping around at its end.
 *
 * @param description what the data looks like
 * @param binary whether its messages are binary (else text)
 * @param data the bytes
 */
record CompressionCorpus(String description, boolean binary, byte[] data) {

    static final CompressionCorpus JSON = new CompressionCorpus("JSON data (utf8)", false, json(7640));
    static final CompressionCorpus BITMAP = new CompressionCorpus("Bitmap 512x512 grey (binary)", true, bitmap());
    static final CompressionCorpus PROSE = new CompressionCorpus("Human readable German text (binary)", true, prose(222_218));
    static final CompressionCorpus HTML = new CompressionCorpus("HTML (utf8)", false, html(324_679));
    static final CompressionCorpus PDF = new CompressionCorpus("PDF-like mixed data (binary)", true, pdf(1_042_328));

    /** The slice of {@code length} bytes starting at {@code offset} (wrapping around). */
    byte[] slice(int offset, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; ) {
            int from = (offset + i) % data.length;
            int n = Math.min(length - i, data.length - from);
            System.arraycopy(data, from, out, i, n);
            i += n;
        }
        return out;
    }

    private static byte[] json(int size) {
        Random r = new Random(12);
        StringBuilder sb = new StringBuilder("[");
        String[] names = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
        while (sb.length() < size) {
            sb.append("{\"id\":").append(r.nextInt(100000)).append(",\"name\":\"").append(names[r.nextInt(names.length)])
                    .append("\",\"active\":").append(r.nextBoolean()).append(",\"score\":").append(r.nextInt(1000) / 10.0)
                    .append(",\"tags\":[\"").append(names[r.nextInt(names.length)]).append("\"]},\n");
        }
        return sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] html(int size) {
        Random r = new Random(14);
        StringBuilder sb = new StringBuilder("<!DOCTYPE html><html><head><title>Data</title></head><body>\n");
        String[] words = {"lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do"};
        while (sb.length() < size) {
            sb.append("<div class=\"row r").append(r.nextInt(20)).append("\"><a href=\"/item/").append(r.nextInt(5000))
                    .append("\">");
            for (int i = 0; i < 6; i++) {
                sb.append(words[r.nextInt(words.length)]).append(' ');
            }
            sb.append("</a><span>").append(r.nextInt(99999)).append("</span></div>\n");
        }
        return sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] prose(int size) {
        Random r = new Random(13);
        String[] words = {"Habe", "nun", "ach", "Philosophie", "Juristerei", "und", "Medizin", "leider", "auch",
            "Theologie", "durchaus", "studiert", "mit", "heißem", "Bemühn", "Da", "steh", "ich", "armer", "Tor",
            "bin", "so", "klug", "als", "wie", "zuvor", "Geist", "Welt", "Natur", "Kräfte", "Gretchen", "Mephisto"};
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 64);
        while (out.size() < size) {
            int n = 4 + r.nextInt(9);
            for (int i = 0; i < n; i++) {
                out.writeBytes((words[r.nextInt(words.length)] + (i == n - 1 ? ".\n" : " ")).getBytes(StandardCharsets.UTF_8));
            }
        }
        return java.util.Arrays.copyOf(out.toByteArray(), size);
    }

    private static byte[] bitmap() {
        Random r = new Random(15);
        byte[] b = new byte[263_222];
        b[0] = 'B';
        b[1] = 'M';
        for (int i = 1078; i < b.length; i++) {
            int p = i - 1078;
            int x = p % 512;
            int y = p / 512;
            b[i] = (byte) ((x * 3 + y * 5 + (int) (40 * Math.sin(x / 17.0) * Math.cos(y / 23.0)) + r.nextInt(6)) & 0xFF);
        }
        return b;
    }

    private static byte[] pdf(int size) {
        Random r = new Random(16);
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 4096);
        out.writeBytes("%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII));
        int obj = 1;
        while (out.size() < size) {
            out.writeBytes((obj++ + " 0 obj\n<< /Length 2048 /Filter /FlateDecode >>\nstream\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] noise = new byte[2048];
            r.nextBytes(noise);
            out.writeBytes(noise);
            out.writeBytes("\nendstream\nendobj\n".getBytes(StandardCharsets.US_ASCII));
        }
        return java.util.Arrays.copyOf(out.toByteArray(), size);
    }
}
