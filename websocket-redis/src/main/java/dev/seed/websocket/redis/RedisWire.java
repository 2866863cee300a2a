package dev.seed.websocket.redis;

import dev.seed.websocket.cluster.PresenceEvent;
import dev.seed.websocket.cluster.PresenceMember;
import dev.seed.websocket.cluster.Publication;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How publications and presence events travel through Redis.
 *
 * <p>A publication is one PUB/SUB message (and, for a topic with history, the same bytes in its
 * stream): a head of eight lines, then the payload as is:
 * <pre>
 * 1            format version
 * t | b        text or binary
 * origin       the publishing instance
 * except       the connection of origin that does not get it, or empty
 * offset       its offset in the topic's history, 0 when none
 * epoch        the history's epoch, or empty
 * micros       when it was published, microseconds since the epoch
 * sequence     the origin's number for it (the origin knows it again when it comes back)
 * payload...
 * </pre>
 * None of the head's fields is chosen by a peer (instance ids, connection ids, numbers, base-36
 * epochs), so none holds a line feed. The topic or user is the channel's name. The history
 * script writes offset and epoch between the part before them and the part after them.
 *
 * <p>A presence event, and a member's value in a topic's presence hash, are length-prefixed
 * fields ({@code <length>:<bytes>}, {@code -} for null), since topics, user ids and info are the
 * application's: {@code J|L} then topic, instance, connection, user, info; a member's value is
 * user and info. Stateless.
 */
final class RedisWire {

    private static final byte LF = '\n';

    private RedisWire() {
    }

    /** The head of a publication up to its offset: version, kind, origin, except. */
    static byte[] head(Publication p) {
        return RedisKeys.bytes("1\n" + (p.text() ? 't' : 'b') + "\n" + p.origin() + "\n"
                + (p.except() == null ? "" : p.except()) + "\n");
    }

    /** The rest after offset and epoch: micros, the sequence, then the payload. */
    static byte[] tail(Publication p, long sequence) {
        byte[] micros = RedisKeys.bytes(p.publishedAtMicros() + "\n" + sequence + "\n");
        ByteBuffer payload = p.data();
        byte[] out = new byte[micros.length + payload.remaining()];
        System.arraycopy(micros, 0, out, 0, micros.length);
        payload.get(out, micros.length, payload.remaining());
        return out;
    }

    /** A whole message without a position (offset 0, no epoch). */
    static byte[] message(Publication p, long sequence) {
        byte[] head = head(p);
        byte[] tail = tail(p, sequence);
        byte[] out = new byte[head.length + 3 + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        out[head.length] = '0';
        out[head.length + 1] = LF;
        out[head.length + 2] = LF;
        System.arraycopy(tail, 0, out, head.length + 3, tail.length);
        return out;
    }

    /** A publication read from Redis, and its origin's sequence number for it. */
    record Received(Publication publication, long sequence) {
    }

    /** Reads a message; null when it is not one this format knows. */
    static Received read(String topic, byte[] m) {
        int[] ends = new int[8];
        int from = 0;
        for (int i = 0; i < 8; i++) {
            int lf = indexOf(m, LF, from);
            if (lf < 0) {
                return null;
            }
            ends[i] = lf;
            from = lf + 1;
        }
        if (ends[0] != 1 || m[0] != '1') {
            return null;
        }
        boolean text = m[2] == 't';
        String origin = string(m, ends[1] + 1, ends[2]);
        String except = ends[3] == ends[2] + 1 ? null : string(m, ends[2] + 1, ends[3]);
        try {
            long offset = Long.parseLong(string(m, ends[3] + 1, ends[4]));
            String epoch = ends[5] == ends[4] + 1 ? null : string(m, ends[4] + 1, ends[5]);
            long micros = Long.parseLong(string(m, ends[5] + 1, ends[6]));
            long sequence = Long.parseLong(string(m, ends[6] + 1, ends[7]));
            ByteBuffer payload = ByteBuffer.wrap(m, ends[7] + 1, m.length - ends[7] - 1).slice();
            return new Received(new Publication(topic, text, payload, origin, except, epoch == null ? 0 : offset,
                    epoch, micros), sequence);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A member's value in a topic's presence hash: user and info. */
    static byte[] memberValue(PresenceMember m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        field(out, m.userId());
        field(out, m.info());
        return out.toByteArray();
    }

    /** A member from its hash field ({@code instance/connection}) and value. */
    static PresenceMember member(byte[] key, byte[] value) {
        String k = new String(key, StandardCharsets.UTF_8);
        int slash = k.indexOf('/');
        String[] fields = fields(value, 0, 2);
        if (slash <= 0 || fields == null) {
            return null;
        }
        return new PresenceMember(k.substring(0, slash), k.substring(slash + 1), fields[0], fields[1]);
    }

    static byte[] event(PresenceEvent.Kind kind, String topic, PresenceMember m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(kind == PresenceEvent.Kind.JOIN ? 'J' : 'L');
        field(out, topic);
        field(out, m.instance());
        field(out, m.connectionId());
        out.writeBytes(memberValue(m));
        return out.toByteArray();
    }

    /** Reads a presence event; null when malformed. */
    static PresenceEvent event(byte[] m) {
        if (m.length == 0 || (m[0] != 'J' && m[0] != 'L')) {
            return null;
        }
        String[] f = fields(m, 1, 5);
        if (f == null || f[0] == null || f[1] == null || f[2] == null) {
            return null;
        }
        return new PresenceEvent(m[0] == 'J' ? PresenceEvent.Kind.JOIN : PresenceEvent.Kind.LEAVE, f[0],
                new PresenceMember(f[1], f[2], f[3], f[4]));
    }

    private static void field(ByteArrayOutputStream out, String s) {
        if (s == null) {
            out.write('-');
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(RedisKeys.bytes(b.length + ":"));
        out.writeBytes(b);
    }

    /** {@code count} length-prefixed fields from {@code at}; null when malformed. */
    private static String[] fields(byte[] m, int at, int count) {
        String[] out = new String[count];
        int i = at;
        for (int k = 0; k < count; k++) {
            if (i >= m.length) {
                return null;
            }
            if (m[i] == '-') {
                i++;
                continue;
            }
            int colon = indexOf(m, (byte) ':', i);
            if (colon < 0) {
                return null;
            }
            int length;
            try {
                length = Integer.parseInt(string(m, i, colon));
            } catch (NumberFormatException e) {
                return null;
            }
            if (length < 0 || colon + 1 + length > m.length) {
                return null;
            }
            out[k] = string(m, colon + 1, colon + 1 + length);
            i = colon + 1 + length;
        }
        return out;
    }

    private static String string(byte[] m, int from, int to) {
        return new String(m, from, to - from, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] m, byte b, int from) {
        for (int i = from; i < m.length; i++) {
            if (m[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
