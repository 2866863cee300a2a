package dev.seed.websocket.internal;

import dev.seed.websocket.cluster.Publication;
import dev.seed.websocket.cluster.TopicPosition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The JSON a recoverable subscription gets (see {@link dev.seed.websocket.SubscribeOptions}): a
 * text publication in an envelope with its topic and position, and the recovery notice. Written
 * straight as UTF-8 bytes: the payload, valid UTF-8 already, is copied with only the escapes a
 * JSON string needs (RFC 8259 section 7: quotation mark, reverse solidus and the control
 * characters U+0000 to U+001F). Stateless.
 */
final class TopicEnvelope {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private TopicEnvelope() {
    }

    /** {@code {"ws.pub":{"topic":..,"offset":..,"epoch":..},"data":..}} for a text publication with a position. */
    static ByteBuffer publication(Publication p) {
        byte[] topic = p.topic().getBytes(StandardCharsets.UTF_8);
        byte[] epoch = p.epoch().getBytes(StandardCharsets.UTF_8);
        ByteBuffer data = p.data();
        // every byte escapes to at most 6
        ByteBuffer out = ByteBuffer.allocate(64 + 6 * (topic.length + epoch.length + data.remaining()));
        ascii(out, "{\"ws.pub\":{\"topic\":");
        string(out, ByteBuffer.wrap(topic));
        ascii(out, ",\"offset\":");
        ascii(out, Long.toString(p.offset()));
        ascii(out, ",\"epoch\":");
        string(out, ByteBuffer.wrap(epoch));
        ascii(out, "},\"data\":");
        string(out, data);
        ascii(out, "}");
        return out.flip();
    }

    /** The notice that ends a recovery. */
    static String recovery(String topic, boolean recovered, int missed, TopicPosition position) {
        ByteBuffer out = ByteBuffer.allocate(160 + 6 * (topic.length() * 3 + position.epoch().length() * 3));
        ascii(out, "{\"ws.recovery\":{\"topic\":");
        string(out, ByteBuffer.wrap(topic.getBytes(StandardCharsets.UTF_8)));
        ascii(out, ",\"recovered\":" + recovered + ",\"missed\":" + missed + ",\"offset\":" + position.offset()
                + ",\"epoch\":");
        string(out, ByteBuffer.wrap(position.epoch().getBytes(StandardCharsets.UTF_8)));
        ascii(out, "}}");
        out.flip();
        return StandardCharsets.UTF_8.decode(out).toString();
    }

    private static void ascii(ByteBuffer out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.put((byte) s.charAt(i));
        }
    }

    /** A JSON string of UTF-8 bytes. */
    private static void string(ByteBuffer out, ByteBuffer utf8) {
        out.put((byte) '"');
        while (utf8.hasRemaining()) {
            byte b = utf8.get();
            if (b == '"' || b == '\\') {
                out.put((byte) '\\').put(b);
            } else if (b >= 0 && b < 0x20) {
                out.put((byte) '\\').put((byte) 'u').put((byte) '0').put((byte) '0')
                        .put(HEX[b >> 4]).put(HEX[b & 0xF]);
            } else {
                out.put(b);
            }
        }
        out.put((byte) '"');
    }
}
