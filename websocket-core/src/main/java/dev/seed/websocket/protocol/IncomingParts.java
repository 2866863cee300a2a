package dev.seed.websocket.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Cuts the text of a message that is delivered in parts (streaming) on character boundaries: a
 * UTF-8 sequence split by the end of a chunk is carried over to the next part, so every part is
 * whole characters. The bytes were validated by the engine before they get here (RFC 6455
 * section 8.1 is checked incrementally, part by part). This class is not thread safe: the
 * connection's engine only.
 */
final class IncomingParts {

    /**
     * Whether the message's end came while its extension held input back (reading was paused in
     * the middle of an inflated chunk): its last part is delivered once that is decoded.
     */
    boolean endPending;

    /** Where the message's extension decodes each part (made with the engine; per streaming connection only). */
    final dev.seed.websocket.protocol.extension.Extension.PayloadSink sink;

    IncomingParts(dev.seed.websocket.protocol.extension.Extension.PayloadSink sink) {
        this.sink = sink;
    }

    /** The first bytes (at most 3) of a character that the last chunk cut; {@link #carried} valid. */
    private final byte[] carry = new byte[3];
    /** How many bytes of {@link #carry} are in use. */
    private int carried;
    /** Scratch for carry plus chunk when the chunk has no array; grows, kept while streaming. */
    private byte[] scratch;

    /**
     * The text of {@code chunk} (validated UTF-8) as whole characters, the carried bytes of the
     * previous chunks first; {@code between} tells whether the chunk ends between characters.
     * Returns the text, possibly empty; consumes the chunk.
     */
    String text(ByteBuffer chunk, boolean between) {
        int n = chunk.remaining();
        int cut = between ? 0 : cutSequenceLength(chunk);
        int whole = n - cut;
        int from = chunk.position();
        String text;
        if (whole == 0) {
            text = "";
        } else if (carried == 0 && chunk.hasArray()) {
            text = new String(chunk.array(), chunk.arrayOffset() + from, whole, StandardCharsets.UTF_8);
        } else {
            int length = carried + whole;
            if (scratch == null || scratch.length < length) {
                scratch = new byte[Math.max(length, 256)];
            }
            System.arraycopy(carry, 0, scratch, 0, carried);
            chunk.get(from, scratch, carried, whole);
            text = new String(scratch, 0, length, StandardCharsets.UTF_8);
            carried = 0;
        }
        if (whole > 0) {
            carried = 0;
        }
        // What is cut continues the carried sequence (a 4-byte character may come one byte a time).
        chunk.get(from + whole, carry, carried, cut);
        carried += cut;
        chunk.position(chunk.limit());
        return text;
    }

    /**
     * How many bytes at the end of {@code chunk} belong to a character that does not end in it:
     * from its lead byte on, scanning back at most 3 bytes (UTF-8 sequences are at most 4 bytes
     * long, RFC 3629 section 3); all of the chunk when it holds only continuation bytes (the lead
     * byte came in an earlier chunk). Called only when the chunk ends inside a character.
     */
    private static int cutSequenceLength(ByteBuffer chunk) {
        int end = chunk.limit();
        int start = chunk.position();
        for (int i = end - 1; i >= Math.max(start, end - 3); i--) {
            if ((chunk.get(i) & 0xC0) != 0x80) {
                return end - i;
            }
        }
        return end - start;
    }

    /** Forgets a cut sequence: the next message starts clean. */
    void reset() {
        carried = 0;
    }
}
