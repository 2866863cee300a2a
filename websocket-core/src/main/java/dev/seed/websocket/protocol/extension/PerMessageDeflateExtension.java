package dev.seed.websocket.protocol.extension;

import static dev.seed.websocket.CloseCodes.WS_BAD_MESSAGE;
import static dev.seed.websocket.CloseCodes.WS_PROTOCOL_ERROR;
import static dev.seed.websocket.protocol.WireFormat.B0_FLAG_RSV1;
import static dev.seed.websocket.protocol.extension.DeflateParameters.MAX_WINDOW_BITS;

import dev.seed.websocket.protocol.ProtocolException;
import dev.seed.websocket.protocol.Role;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The {@code permessage-deflate} extension of one connection (RFC 7692 section 7.2): compresses
 * outgoing messages with raw DEFLATE and decompresses incoming ones flagged with RSV1. This class
 * is not thread safe: the connection's engine drives it.
 *
 * <p><b>Window size.</b> {@link Deflater} cannot shrink its LZ77 window below 32 KiB (15 bits).
 * When the agreement limits our compressor's window ({@code server_max_window_bits} for a server,
 * {@code client_max_window_bits} for a client) to fewer bits, a normal Deflater could emit
 * back-references further than the peer keeps, which the peer would decode wrongly or refuse.
 * In that case this class compresses with {@link Deflater#HUFFMAN_ONLY}: no LZ77 matches at all,
 * so no distance can exceed any window, while text still gets its entropy coding (typically a
 * third smaller). Sections 7.1.2.1 and 7.1.2.2 only bound the window a compressor may refer back
 * into; referring back not at all stays within every bound. Decompression needs no such care:
 * {@link Inflater} keeps a 32 KiB window, enough for every window size a peer may use.
 *
 * <p><b>Memory.</b> The zlib streams (about 256 KiB for a Deflater, 40 KiB for an Inflater) and
 * the output buffer are created on the first compressed message in their direction, so an idle
 * or uncompressed connection costs a few fields.
 */
public final class PerMessageDeflateExtension implements Extension {

    /**
     * Size of the reusable inflate output buffer. It is also the zip-bomb margin: the sink sees
     * every chunk as soon as it is produced, so decoding stops at most this many bytes after the
     * sink's limit.
     */
    static final int INFLATE_CHUNK_SIZE = 16 * 1024;

    /** Section 7.2.1 and 7.2.2: the empty stored block a sync flush ends with. */
    private static final byte[] EMPTY_BLOCK_TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};

    /**
     * Empty array: replaces a consumed input so that the zlib stream holds no reference to the
     * caller's buffer, and is the zero-length output of the call that applies a strategy.
     */
    private static final byte[] NO_INPUT = new byte[0];

    /**
     * First guess of the compressed size relative to the payload: JSON and text messages shrink
     * to a third or less, so half rarely needs a regrowth and never wastes much.
     */
    private static final int INITIAL_OUTPUT_DIVISOR = 2;

    /** Slack added to the first output guess for the block headers of tiny payloads. */
    private static final int INITIAL_OUTPUT_SLACK = 64;

    // Which end of the connection we are; fixed.
    private final Role role;
    // The agreed parameters, i.e. the server's response element; fixed.
    private final ExtensionParameters parameters;
    // Our compressor resets after every message (section 7.1.1); fixed.
    private final boolean localNoContextTakeover;
    // The peer's compressor resets after every message, so our decompressor may too; fixed.
    private final boolean remoteNoContextTakeover;
    // The LZ77 window our compressor may use, 8 to 15 bits; fixed.
    private final int localMaxWindowBits;
    // The LZ77 window the peer's compressor uses, 8 to 15 bits (informational); fixed.
    private final int remoteMaxWindowBits;
    // Messages with fewer payload bytes go uncompressed; >= 0; fixed.
    private final int compressionThreshold;
    // zlib level, 1 to 9; fixed.
    private final int compressionLevel;

    // Raw-DEFLATE compressor; null until the first compressed message, and after close().
    private Deflater deflater;
    // Raw-DEFLATE decompressor; null until the first compressed message, and after close().
    private Inflater inflater;
    // Decompressed output, INFLATE_CHUNK_SIZE bytes; null until the inflater exists.
    private byte[] inflateBuffer;
    // View over inflateBuffer handed to the sink; reused for every chunk (no allocation).
    private ByteBuffer inflateView;
    // Set by close(); afterwards encode and decode throw IllegalStateException.
    private boolean closed;
    /** Whether decoding stopped early (the sink was full): the inflater holds input to go on with. */
    private boolean decodePending;
    /** Whether the message's end came with the input decoding stopped in (the tail is still to inflate). */
    private boolean pendingMessageEnd;
    /** Whether the inflater's input is the appended tail of section 7.2.2. */
    private boolean inflatingTail;

    PerMessageDeflateExtension(Role role, ExtensionParameters parameters,
            boolean localNoContextTakeover, boolean remoteNoContextTakeover,
            int localMaxWindowBits, int remoteMaxWindowBits, int compressionThreshold,
            int compressionLevel) {
        this.role = Objects.requireNonNull(role, "role");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.localNoContextTakeover = localNoContextTakeover;
        this.remoteNoContextTakeover = remoteNoContextTakeover;
        this.localMaxWindowBits = localMaxWindowBits;
        this.remoteMaxWindowBits = remoteMaxWindowBits;
        this.compressionThreshold = compressionThreshold;
        this.compressionLevel = compressionLevel;
    }

    @Override
    public String name() {
        return PerMessageDeflate.NAME;
    }

    @Override
    public ExtensionParameters parameters() {
        return parameters;
    }

    /** Which end of the connection this extension works for. */
    public Role role() {
        return role;
    }

    /** Whether our compressor starts every message with an empty window. */
    public boolean localNoContextTakeover() {
        return localNoContextTakeover;
    }

    /** Whether the peer's compressor starts every message with an empty window. */
    public boolean remoteNoContextTakeover() {
        return remoteNoContextTakeover;
    }

    /** The base-2 logarithm of the LZ77 window our compressor may use, 8 to 15. */
    public int localMaxWindowBits() {
        return localMaxWindowBits;
    }

    /** The base-2 logarithm of the LZ77 window the peer's compressor uses, 8 to 15. */
    public int remoteMaxWindowBits() {
        return remoteMaxWindowBits;
    }

    /** RFC 7692 section 6: RSV1 is the "Per-Message Compressed" bit. */
    @Override
    public int reservedBits() {
        return B0_FLAG_RSV1;
    }

    /**
     * Section 6.2: a message whose first frame has RSV1 set is compressed; one without it is
     * delivered as it is.
     */
    @Override
    public boolean startIncomingMessage(int rsv) {
        return (rsv & B0_FLAG_RSV1) != 0;
    }

    /**
     * Section 6: "An endpoint MUST NOT set the 'Per-Message Compressed' bit of control frames and
     * non-first fragments of a data message. An endpoint receiving such a frame MUST Fail the
     * WebSocket Connection."
     */
    @Override
    public void checkContinuation(int rsv) throws ProtocolException {
        if ((rsv & B0_FLAG_RSV1) != 0) {
            throw new ProtocolException(WS_PROTOCOL_ERROR, "RSV1 set on a continuation frame.");
        }
    }

    /**
     * Section 7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload of
     * the message. Decompress the resulting data using DEFLATE." The payload is inflated as it
     * arrives, {@link #INFLATE_CHUNK_SIZE} bytes at a time, and each chunk goes to the sink at
     * once: a sink that throws on a size limit stops a zip bomb after at most one chunk.
     *
     * <p>Corrupt data fails with 1007. RFC 7692 names no close code for it; RFC 6455 section
     * 7.4.1 defines 1007 for "data within a message that was not consistent with the type of the
     * message", which is what a payload flagged as DEFLATE data but not decodable as such is.
     *
     * <p>A message ending in a block with BFINAL set (section 7.2.3.4) ends the DEFLATE stream;
     * the inflater then restarts for the next message, as the sender's compressor must have.
     */
    @Override
    public void decode(ByteBuffer in, boolean messageEnd, PayloadSink out)
            throws ProtocolException {
        Inflater inf = inflater();
        inf.setInput(in);
        boolean done = inflate(inf, out);
        if (!done && inf.getRemaining() > 0) {
            // The sink is full (the application paused reading): keep the rest of the input, a
            // copy, since the caller's buffer is reused by the next read.
            int rest = inf.getRemaining();
            byte[] kept = new byte[rest];
            in.get(in.limit() - rest, kept, 0, rest);
            inf.setInput(kept);
        }
        // Data after a BFINAL block is padding (section 7.2.3.4): count it as consumed.
        in.position(in.limit());
        if (!done) {
            decodePending = true;
            pendingMessageEnd = messageEnd;
            inflatingTail = false;
            return;
        }
        if (messageEnd) {
            inflateTail(inf, out);
        }
    }

    @Override
    public boolean hasPendingDecode() {
        return decodePending;
    }

    @Override
    public void continueDecode(PayloadSink out) throws ProtocolException {
        if (!decodePending) {
            return;
        }
        Inflater inf = inflater();
        if (!inflate(inf, out)) {
            return;
        }
        if (inflatingTail) {
            decodePending = false;
            endOfMessage(inf);
        } else if (pendingMessageEnd) {
            decodePending = false;
            inflateTail(inf, out);
        } else {
            decodePending = false;
        }
    }

    /** Section 7.2.2: the 4 octets appended to the message's payload, inflated. */
    private void inflateTail(Inflater inf, PayloadSink out) throws ProtocolException {
        inf.setInput(EMPTY_BLOCK_TAIL);
        if (!inflate(inf, out)) {
            decodePending = true;
            inflatingTail = true;
            return;
        }
        endOfMessage(inf);
    }

    private void endOfMessage(Inflater inf) {
        // Section 7.1.1: with no context takeover the peer starts each message afresh.
        if (remoteNoContextTakeover || inf.finished()) {
            inf.reset();
        }
    }

    /** Inflates what the inflater has into the sink; false when it stopped because the sink is full. */
    private boolean inflate(Inflater inf, PayloadSink out) throws ProtocolException {
        try {
            // inflate returns 0 only once the input is used up or the stream has finished.
            int n;
            while ((n = inf.inflate(inflateBuffer)) > 0) {
                inflateView.clear().limit(n);
                out.accept(inflateView);
                if (out.full()) {
                    return inf.needsInput() && inf.getRemaining() == 0 && n < inflateBuffer.length;
                }
            }
            return true;
        } catch (DataFormatException e) {
            throw new ProtocolException(WS_BAD_MESSAGE, "Invalid compressed data.");
        }
    }

    /**
     * Section 7.2.1: compresses with DEFLATE, flushes with an empty stored block (a zlib sync
     * flush) and removes its 4 trailing octets 0x00 0x00 0xff 0xff.
     *
     * <p>Returns null, to send the message uncompressed, when the payload is shorter than the
     * compression threshold or when compression would not make it smaller: compression is
     * chosen per message (section 6: RSV1 is set per message), so sending the smaller form is
     * always allowed. An empty payload therefore always goes uncompressed (its compressed form
     * is the single octet 0x00 of section 7.2.3.6). When compressed output is dropped the
     * compressor is reset, since the peer never sees those bytes and its window must not be
     * assumed to hold them.
     */
    @Override
    public ByteBuffer encode(int opcode, ByteBuffer payload) {
        return encode(payload, compressionThreshold);
    }

    /**
     * {@link #encode(int, ByteBuffer)} as the application asks: {@code ENCODE_COMPRESS} ignores
     * the threshold (the smaller form is still what goes out); {@code ENCODE_DO_NOT_COMPRESS}
     * sends the payload as it is and never feeds it to the compressor, so no later message can
     * refer back to its bytes (compression-oracle attacks such as CRIME need a secret and
     * attacker-chosen text in one context).
     */
    @Override
    public ByteBuffer encode(int opcode, ByteBuffer payload, int hint) {
        return switch (hint) {
            case ENCODE_DO_NOT_COMPRESS -> null;
            case ENCODE_COMPRESS -> encode(payload, 1);
            default -> encode(payload, compressionThreshold);
        };
    }

    private ByteBuffer encode(ByteBuffer payload, int threshold) {
        int length = payload.remaining();
        // An empty payload never shrinks: it compresses to at least 0x00 (section 7.2.3.6).
        if (length < threshold || length == 0) {
            return null;
        }
        Deflater def = deflater();
        // Worth sending only if strictly smaller than the payload, i.e. with the tail < limit.
        byte[] compressed = deflate(def, payload,
                (int) Math.min(Integer.MAX_VALUE, (long) length + EMPTY_BLOCK_TAIL.length));
        if (compressed == null) {
            def.reset();
            return null;
        }
        if (localNoContextTakeover) {
            def.reset();
        }
        return ByteBuffer.wrap(compressed);
    }

    /**
     * A streamed message is compressed when the application asks, or by default when its first
     * part reaches the compression threshold: the size of the whole is not known yet, and the
     * first part is what a stream's buffer holds.
     */
    @Override
    public boolean startOutgoingParts(int opcode, int firstPartLength, int hint) {
        return switch (hint) {
            case ENCODE_DO_NOT_COMPRESS -> false;
            case ENCODE_COMPRESS -> true;
            default -> firstPartLength >= compressionThreshold;
        };
    }

    /**
     * Section 7.2.1 for a message sent in parts: each part is compressed and sync-flushed, so the
     * peer can inflate it as it arrives; the parts together form one DEFLATE stream, of which only
     * the last part loses the 4 trailing octets 0x00 0x00 0xff 0xff. A last part with nothing new
     * (the stream already flushed) is the single octet 0x00, as for an empty message (section
     * 7.2.3.6). The context is kept or reset after the last part as for a whole message.
     */
    @Override
    public ByteBuffer encodePart(ByteBuffer part, boolean last) {
        Deflater def = deflater();
        if (!last) {
            return syncFlush(def, part, Integer.MAX_VALUE);
        }
        byte[] compressed = deflate(def, part, Integer.MAX_VALUE);
        if (localNoContextTakeover) {
            def.reset();
        }
        return ByteBuffer.wrap(compressed);
    }

    /**
     * Compresses one message and keeps the context like {@link #encode}, but never falls back
     * to sending uncompressed; the RFC 7692 section 7.2.3 examples are checked with it.
     */
    ByteBuffer compressMessage(ByteBuffer payload) {
        Deflater def = deflater();
        byte[] compressed = deflate(def, payload, Integer.MAX_VALUE);
        if (localNoContextTakeover) {
            def.reset();
        }
        return ByteBuffer.wrap(compressed);
    }

    /** Messages with fewer payload bytes go uncompressed. */
    public int compressionThreshold() {
        return compressionThreshold;
    }

    /** The zlib compression level. */
    public int compressionLevel() {
        return compressionLevel;
    }

    /**
     * Whether a message compressed by {@link PerMessageDeflate#compressStandalone} may be sent on
     * this connection (with RSV1, in place of {@link #encode}): only when the peer accepts our
     * full 15-bit window, since a standalone message may refer back up to 32 KiB.
     */
    public boolean acceptsSharedCompressed() {
        return localMaxWindowBits == MAX_WINDOW_BITS;
    }

    /**
     * Call after sending a {@link PerMessageDeflate#compressStandalone} message. The peer's
     * decompressor now holds that message at the end of its LZ77 window (section 7.2.3.2:
     * windows are shared across messages), but our compressor's history does not: a later
     * back-reference from our context would point at the wrong bytes. Resetting our compressor
     * means our next message refers to nothing before it, which is valid whatever the peer's
     * window holds.
     */
    public void afterSharedCompressedMessage() {
        if (deflater != null) {
            deflater.reset();
        }
    }

    /** Releases the zlib streams. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
        inflateBuffer = null;
        inflateView = null;
    }

    /**
     * Raw-DEFLATEs {@code payload} (position unchanged) with a sync flush and returns the output
     * without its 4-octet tail, or null when the output with the tail would reach {@code limit}
     * bytes. The deflater's input is left empty.
     */
    static byte[] deflate(Deflater def, ByteBuffer payload, int limit) {
        ByteBuffer flushed = syncFlush(def, payload, limit);
        if (flushed == null) {
            return null;
        }
        byte[] out = flushed.array();
        int size = flushed.limit();
        if (size == 0) {
            // No input right after an earlier sync flush: zlib emits nothing for a repeated
            // flush. The message is then the header octet of an empty stored block
            // (section 7.2.3.6), which the receiver completes with the 4 octets it appends.
            return new byte[1];
        }
        size -= EMPTY_BLOCK_TAIL.length;
        if (size < 0 || !Arrays.equals(out, size, size + EMPTY_BLOCK_TAIL.length,
                EMPTY_BLOCK_TAIL, 0, EMPTY_BLOCK_TAIL.length)) {
            throw new IllegalStateException("Sync flush did not end with an empty stored block.");
        }
        return Arrays.copyOf(out, size);
    }

    /**
     * Raw-DEFLATEs {@code payload} (position unchanged) with a sync flush and returns all the
     * output, tail included (empty when the stream was flushed and there is no input), or null
     * when the output would reach {@code limit} bytes. The deflater's input is left empty. The
     * buffer wraps an array from its start.
     */
    private static ByteBuffer syncFlush(Deflater def, ByteBuffer payload, int limit) {
        int length = payload.remaining();
        def.setInput(payload.duplicate());
        byte[] out = new byte[(int) Math.min(limit,
                (long) length / INITIAL_OUTPUT_DIVISOR + INITIAL_OUTPUT_SLACK)];
        int size = 0;
        try {
            while (true) {
                size += def.deflate(out, size, out.length - size, Deflater.SYNC_FLUSH);
                // With SYNC_FLUSH, output space left over means all input is flushed.
                if (size < out.length) {
                    break;
                }
                if (out.length >= limit) {
                    return null;
                }
                out = Arrays.copyOf(out, (int) Math.min(limit, 2L * out.length));
            }
        } finally {
            def.setInput(NO_INPUT);
        }
        return ByteBuffer.wrap(out, 0, size);
    }

    private Deflater deflater() {
        checkOpen();
        if (deflater == null) {
            deflater = new Deflater(compressionLevel, true);
            if (localMaxWindowBits < MAX_WINDOW_BITS) {
                // See the class comment: no LZ77 matches, so no distance beyond the window.
                deflater.setStrategy(Deflater.HUFFMAN_ONLY);
                // A Deflater applies a new strategy in its next deflate call and does nothing
                // else in that call, ignoring its flush mode. Apply it now, on the empty stream,
                // so that the sync flush of the first message is not lost. reset() keeps it.
                deflater.deflate(NO_INPUT, 0, 0, Deflater.NO_FLUSH);
            }
        }
        return deflater;
    }

    private Inflater inflater() {
        checkOpen();
        if (inflater == null) {
            inflater = new Inflater(true);
            inflateBuffer = new byte[INFLATE_CHUNK_SIZE];
            inflateView = ByteBuffer.wrap(inflateBuffer);
        }
        return inflater;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Extension closed.");
        }
    }

    @Override
    public String toString() {
        return "PerMessageDeflateExtension[" + role + ", " + parameters + "]";
    }
}
