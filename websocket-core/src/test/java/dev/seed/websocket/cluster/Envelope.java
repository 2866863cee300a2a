package dev.seed.websocket.cluster;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the JSON a recoverable subscription gets, in tests (the format is fixed; see SubscribeOptions). */
public record Envelope(String topic, long offset, String epoch, String data) {

    private static final Pattern PUBLICATION = Pattern.compile(
            "\\{\"ws\\.pub\":\\{\"topic\":\"((?:[^\"\\\\]|\\\\.)*)\",\"offset\":(\\d+),\"epoch\":\"([^\"]*)\"\\},\"data\":\"((?:[^\"\\\\]|\\\\.)*)\"\\}");
    private static final Pattern RECOVERY = Pattern.compile(
            "\\{\"ws\\.recovery\":\\{\"topic\":\"((?:[^\"\\\\]|\\\\.)*)\",\"recovered\":(true|false),\"missed\":(\\d+),\"offset\":(\\d+),\"epoch\":\"([^\"]*)\"\\}\\}");

    /** A recovery notice. */
    public record Notice(String topic, boolean recovered, int missed, long offset, String epoch) {
    }

    /** The publication in {@code json}; throws when it is not one. */
    public static Envelope parse(String json) {
        Matcher m = PUBLICATION.matcher(json);
        if (!m.matches()) {
            throw new AssertionError("not a publication envelope: " + json);
        }
        return new Envelope(unescape(m.group(1)), Long.parseLong(m.group(2)), m.group(3), unescape(m.group(4)));
    }

    /** The recovery notice in {@code json}; throws when it is not one. */
    public static Notice notice(String json) {
        Matcher m = RECOVERY.matcher(json);
        if (!m.matches()) {
            throw new AssertionError("not a recovery notice: " + json);
        }
        return new Notice(unescape(m.group(1)), Boolean.parseBoolean(m.group(2)), Integer.parseInt(m.group(3)),
                Long.parseLong(m.group(4)), m.group(5));
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch != '\\') {
                b.append(ch);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                default -> b.append(e);
            }
        }
        return b.toString();
    }
}
