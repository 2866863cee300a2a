package dev.seed.websocket.protocol.handshake;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A fixed set of strings looked up by their exact ISO-8859-1 bytes, so that the parts of a message
 * head that recur on every connection (field names such as {@code Sec-WebSocket-Key}, values such
 * as {@code websocket}) become the same String instead of a new one each time. Case counts: bytes that differ from every entry only
 * in case find nothing, which keeps a name as the peer spelt it. Immutable and thread safe.
 */
final class KnownStrings {

    /**
     * The field names of opening handshakes (RFC 6455 section 4.1 and 11.3, hixie-76) and of the
     * requests browsers send with them (RFC 9110, RFC 6265, Fetch metadata), as registered and in
     * lower case (the spelling of clients that write HTTP/2-style names).
     */
    static final KnownStrings FIELD_NAMES = withLowerCase(
            "Host", "Upgrade", "Connection", "Origin", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
            "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Sec-WebSocket-Origin", "Sec-WebSocket-Key1",
            "Sec-WebSocket-Key2", "User-Agent", "Pragma", "Cache-Control", "Accept", "Accept-Encoding",
            "Accept-Language", "Cookie", "Authorization", "Referer", "Forwarded", "X-Forwarded-For",
            "X-Forwarded-Proto", "X-Forwarded-Host", "X-Real-IP", "Content-Length", "DNT", "Sec-Fetch-Dest",
            "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-GPC");

    /**
     * The field values every opening handshake has (RFC 6455 section 4.1: {@code Upgrade:
     * websocket}, {@code Connection: Upgrade}, {@code Sec-WebSocket-Version: 13}) and those
     * browsers send with them, as they spell them.
     */
    static final KnownStrings FIELD_VALUES = new KnownStrings(
            "websocket", "WebSocket", "Upgrade", "upgrade", "keep-alive, Upgrade", "13", "no-cache",
            "gzip, deflate", "gzip, deflate, br", "gzip, deflate, br, zstd", "permessage-deflate",
            "permessage-deflate; client_max_window_bits", "same-origin", "cross-site", "empty");

    /** The entries by slot, a power-of-two count at most half used; null where a slot is free. */
    private final String[] strings;
    /** The ISO-8859-1 bytes of {@link #strings}, slot for slot. */
    private final byte[][] bytes;
    /** The slot count minus one. */
    private final int mask;

    private KnownStrings(String... entries) {
        int slots = Integer.highestOneBit(Math.max(entries.length, 1) * 4);
        strings = new String[slots];
        bytes = new byte[slots][];
        mask = slots - 1;
        for (String s : entries) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            int i = slot(b, 0, b.length);
            while (bytes[i] != null && !Arrays.equals(bytes[i], b)) {
                i = (i + 1) & mask;
            }
            strings[i] = s;
            bytes[i] = b;
        }
    }

    private static KnownStrings withLowerCase(String... names) {
        String[] all = Arrays.copyOf(names, names.length * 2);
        for (int i = 0; i < names.length; i++) {
            all[names.length + i] = names[i].toLowerCase(Locale.ROOT);
        }
        return new KnownStrings(all);
    }

    /** The entry whose bytes are exactly {@code a[from, to)}, or null; {@code to > from}. */
    String find(byte[] a, int from, int to) {
        int length = to - from;
        for (int i = slot(a, from, to); ; i = (i + 1) & mask) {
            byte[] k = bytes[i];
            if (k == null) {
                return null;
            }
            if (k.length == length && Arrays.equals(a, from, to, k, 0, length)) {
                return strings[i];
            }
        }
    }

    /** The first slot to probe: the length and the first and last byte, mixed. */
    private int slot(byte[] a, int from, int to) {
        int h = (to - from) * 961 + a[from] * 31 + a[to - 1];
        return (h ^ (h >>> 5)) & mask;
    }
}
