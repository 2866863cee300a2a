package dev.seed.websocket.protocol.extension;

import static dev.seed.websocket.CloseCodes.WS_BAD_MESSAGE;
import static dev.seed.websocket.CloseCodes.WS_PROTOCOL_ERROR;
import static dev.seed.websocket.protocol.WireFormat.B0_FLAG_RSV1;
import static dev.seed.websocket.protocol.extension.DeflateParameters.MAX_WINDOW_BITS;

import dev.seed.websocket.CompressionMode;
import dev.seed.websocket.protocol.ProtocolException;
import dev.seed.websocket.protocol.Role;
import dev.seed.websocket.protocol.deflate.DeflateDecoder;
import dev.seed.websocket.protocol.deflate.DeflateEncoder;
import dev.seed.websocket.protocol.deflate.DeflateOutput;
import dev.seed.websocket.protocol.deflate.JdkDeflateDecoder;
import dev.seed.websocket.protocol.deflate.JdkDeflateEncoder;
import dev.seed.websocket.protocol.deflate.LentCodecs;
import dev.seed.websocket.protocol.deflate.MessageDecoder;
import dev.seed.websocket.protocol.deflate.MessageEncoder;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.DataFormatException;

/**
 * The {@code permessage-deflate} extension of one connection (RFC 7692 section 7.2): compresses
 * outgoing messages with raw DEFLATE and decompresses incoming ones flagged with RSV1. This class
 * is not thread safe: the connection's engine drives it.
 *
 * <p><b>Window size.</b> The JDK's zlib cannot use an LZ77 window below 32 KiB (15 bits). When
 * the agreement limits a window to fewer bits ({@code server_max_window_bits},
 * {@code client_max_window_bits}, section 7.1.2), or the endpoint runs in
 * {@link CompressionMode#WINDOWED}, this class compresses with {@link DeflateEncoder} and inflates
 * with {@link DeflateDecoder}, whose windows and memory are 2^bits bytes; otherwise with zlib.
 *
 * <p><b>Memory.</b> Nothing is allocated at the handshake. A direction with context takeover gets
 * its own context on its first compressed message; a direction without (section 7.1.1) keeps none:
 * its encoder is the event loop's for one call, its decoder is borrowed from the loop's pool for
 * one message ({@link LentCodecs}). {@link #releaseIdle()} frees our own compressor's context on an
 * idle connection, which the peer never notices (a compressor may always stop referring back).
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


    /** Compressed output and inflated chunks of the thread's current call (an event loop's); reused. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * A thread's reusable buffers: what one call produces, consumed before the call returns (the
     * compressed output is copied out; inflated chunks go only to sinks that copy at once).
     */
    private static final class Scratch {
        /** Compressed output; grown for a large message, then dropped back (see {@link #output()}). */
        DeflateOutput output = new DeflateOutput(SCRATCH_OUTPUT_KEPT);
        final ByteBuffer inflatedView = ByteBuffer.wrap(new byte[INFLATE_CHUNK_SIZE]);

        /** The output buffer, cleared. */
        DeflateOutput output() {
            output.clear();
            return output;
        }

        /** After the output was copied: a buffer a large message grew past the kept size goes. */
        void trim() {
            if (output.array().length > SCRATCH_OUTPUT_KEPT) {
                output = new DeflateOutput(SCRATCH_OUTPUT_KEPT);
            }
        }
    }

    /**
     * The most a thread keeps for compressed output between messages: a message whose output
     * needs more gets a buffer of its own for that call, dropped afterwards.
     */
    static final int SCRATCH_OUTPUT_KEPT = 64 * 1024;

    // Which end of the connection we are; fixed.
    private final Role role;
    // The agreed parameters, i.e. the server's response element; fixed.
    private final ExtensionParameters parameters;
    // Our compressor resets after every message (section 7.1.1); fixed.
    private final boolean localNoContextTakeover;
    // The peer's compressor resets after every message, so our decompressor may too; fixed.
    private final boolean remoteNoContextTakeover;
    // The LZ77 window our compressor uses: the agreed one, or less in WINDOWED mode; 8 to 15 bits; fixed.
    private final int localMaxWindowBits;
    // The LZ77 window the peer's compressor uses, 8 to 15 bits; fixed.
    private final int remoteMaxWindowBits;
    // Messages with fewer payload bytes go uncompressed; >= 0; fixed.
    private final int compressionThreshold;
    // zlib level, 1 to 9; fixed.
    private final int compressionLevel;
    // Whether our compressor is zlib (a full window) rather than DeflateEncoder; fixed.
    private final boolean zlibEncoder;
    // Whether our decompressor is zlib (a 32 KiB window) rather than DeflateDecoder; fixed.
    private final boolean zlibDecoder;
    // Whether our own compressor keeps only its history between messages (WINDOWED); fixed.
    private final boolean compactEncoder;

    // Our own compression context (context takeover only); null until the first compressed
    // message, after releaseIdle() and after close().
    private MessageEncoder encoder;
    // The decompression context: our own with context takeover, else borrowed for the message in
    // progress; null when there is none.
    private MessageDecoder decoder;
    // Inflated chunks for a sink that lends them on (a streaming handler); null until needed.
    private ByteBuffer ownChunk;
    // Set by close(); afterwards encode and decode throw IllegalStateException.
    private boolean closed;
    /** Whether our own compressor was used since {@link #compressedSinceLastLook()} last looked. */
    private boolean compressedRecently;
    /** Whether a message sent in parts is in progress: our context must last until its last part. */
    private boolean partsInProgress;
    /** Whether the message being decoded has had a payload byte yet. */
    private boolean messageHadInput;
    /** Whether decoding stopped early (the sink was full): the decoder holds input to go on with. */
    private boolean decodePending;
    /** Whether the message's end came with the input decoding stopped in (the tail is still to inflate). */
    private boolean pendingMessageEnd;
    /** Whether the decoder's input is the appended tail of section 7.2.2. */
    private boolean inflatingTail;

    PerMessageDeflateExtension(Role role, ExtensionParameters parameters,
            boolean localNoContextTakeover, boolean remoteNoContextTakeover,
            int localMaxWindowBits, int remoteMaxWindowBits, int compressionThreshold,
            int compressionLevel, CompressionMode mode, int modeWindowBits) {
        this.role = Objects.requireNonNull(role, "role");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.localNoContextTakeover = localNoContextTakeover;
        this.remoteNoContextTakeover = remoteNoContextTakeover;
        // A compressor may always use less window than agreed (section 7.1.2.1): WINDOWED does.
        this.localMaxWindowBits = mode == CompressionMode.WINDOWED
                ? Math.min(localMaxWindowBits, modeWindowBits) : localMaxWindowBits;
        this.remoteMaxWindowBits = remoteMaxWindowBits;
        this.compressionThreshold = compressionThreshold;
        this.compressionLevel = compressionLevel;
        boolean windowed = mode == CompressionMode.WINDOWED;
        // A context lent per message holds nothing between messages: zlib's speed costs no memory.
        // zlib's 32 KiB window decodes every window a peer may use; a dedicated decoder for a
        // smaller window is ours, so that the memory follows the window.
        this.zlibEncoder = this.localMaxWindowBits == MAX_WINDOW_BITS && (localNoContextTakeover || !windowed);
        this.zlibDecoder = remoteNoContextTakeover || remoteMaxWindowBits == MAX_WINDOW_BITS;
        this.compactEncoder = windowed;
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
        MessageDecoder inf = decoder();
        if (in.hasRemaining()) {
            messageHadInput = true;
        } else if (messageEnd && !messageHadInput) {
            // A message flagged compressed without a single payload byte: its tail alone would
            // open a stored block (00 00 FF FF reads as a header and a length) that the next
            // message would be taken into. Section 7.2.3.6 writes an empty message as 0x00; this
            // one is taken as empty too, and the context is left as it was.
            endOfMessage(inf);
            return;
        }
        inf.setInput(in);
        boolean done = inflate(inf, out);
        if (!done && inf.getRemaining() > 0) {
            // The sink is full (the application paused reading): keep the rest of the input, a
            // copy, since the caller's buffer is reused by the next read.
            int rest = inf.getRemaining();
            byte[] kept = new byte[rest];
            in.get(in.limit() - rest, kept, 0, rest);
            inf.setInput(kept, 0, rest);
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
        MessageDecoder inf = decoder();
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
    private void inflateTail(MessageDecoder inf, PayloadSink out) throws ProtocolException {
        inf.setInput(EMPTY_BLOCK_TAIL, 0, EMPTY_BLOCK_TAIL.length);
        if (!inflate(inf, out)) {
            decodePending = true;
            inflatingTail = true;
            return;
        }
        endOfMessage(inf);
    }

    private void endOfMessage(MessageDecoder inf) {
        messageHadInput = false;
        // Section 7.1.1: with no context takeover the peer starts each message afresh, and the
        // decoder lent for this message goes back to the loop.
        if (remoteNoContextTakeover) {
            decoder = null;
            LentCodecs.giveBack(inf, zlibDecoder, remoteMaxWindowBits);
        } else if (inf.finished()) {
            inf.reset();
        }
    }

    /** Inflates what the inflater has into the sink; false when it stopped because the sink is full. */
    private boolean inflate(MessageDecoder inf, PayloadSink out) throws ProtocolException {
        // A sink that copies at once shares the thread's chunk buffer; one that lends the chunk on
        // (a streaming handler) gets this connection's own, as the engine's lending rule expects
        // of an inflated buffer: reused only by this connection's next chunk.
        ByteBuffer view;
        if (out.copiesAtOnce()) {
            view = SCRATCH.get().inflatedView;
        } else {
            if (ownChunk == null) {
                ownChunk = ByteBuffer.wrap(new byte[INFLATE_CHUNK_SIZE]);
            }
            view = ownChunk;
        }
        byte[] chunk = view.array();
        try {
            // inflate returns 0 only once the input is used up or the stream has finished.
            int n;
            while ((n = inf.inflate(chunk, 0, chunk.length)) > 0) {
                out.accept(view.clear().limit(n));
                if (out.full()) {
                    return inf.needsInput() && inf.getRemaining() == 0 && n < chunk.length;
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
        // Worth sending only if strictly smaller than the payload, i.e. with the tail < limit.
        return compressWhole(payload, (int) Math.min(Integer.MAX_VALUE, (long) length + EMPTY_BLOCK_TAIL.length));
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
        if (last) {
            partsInProgress = false;
            return compressWhole(part, Integer.MAX_VALUE);
        }
        // Not the last part: the context carries on to the next part whatever the agreement.
        partsInProgress = true;
        MessageEncoder e = encoder(true);
        Scratch scratch = SCRATCH.get();
        DeflateOutput out = scratch.output();
        e.compress(part.duplicate(), out, Integer.MAX_VALUE);
        ByteBuffer compressed = ByteBuffer.wrap(Arrays.copyOf(out.array(), out.size()));
        scratch.trim();
        return compressed;
    }

    /**
     * Compresses the last (or only) part of a message, sync-flushed without its tail, and keeps
     * or drops the context as agreed; null, with the context reset, when the output with the tail
     * would reach {@code limit} bytes. {@code payload}'s position is unchanged.
     */
    private ByteBuffer compressWhole(ByteBuffer payload, int limit) {
        MessageEncoder e = encoder(false);
        Scratch scratch = SCRATCH.get();
        DeflateOutput out = scratch.output();
        boolean fits = false;
        try {
            fits = e.compress(payload.duplicate(), out, limit);
        } finally {
            // Also when compressing failed: a lent context must not carry a half message over to
            // the loop's next connection.
            if (localNoContextTakeover) {
                doneWithMessage(e);
            }
        }
        ByteBuffer compressed = fits ? ByteBuffer.wrap(withoutTail(out.array(), out.size())) : null;
        scratch.trim();
        return compressed;
    }

    /** Our context after a message without context takeover: the lent one is reset, ours dropped. */
    private void doneWithMessage(MessageEncoder e) {
        e.reset();
        if (e == encoder) {
            // A message sent in parts had its own context; it ends with the message.
            encoder.release();
            encoder = null;
        }
    }

    /**
     * Compresses one message and keeps the context like {@link #encode}, but never falls back
     * to sending uncompressed; the RFC 7692 section 7.2.3 examples are checked with it.
     */
    ByteBuffer compressMessage(ByteBuffer payload) {
        return compressWhole(payload, Integer.MAX_VALUE);
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
     * The window a message compressed once for many connections must fit to be sent on this one
     * ({@link PerMessageDeflate#compressStandalone(ByteBuffer, int, int)}): ours, 8 to 15 bits.
     */
    public int sharedCompressedWindowBits() {
        return localMaxWindowBits;
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
        if (encoder != null) {
            encoder.reset();
        }
    }

    /**
     * Frees our compressor's context on an idle connection: the next message refers to nothing
     * before it, which every peer decodes (a compressor may always stop referring back). The
     * decompressor's context is the peer's to drop, so it stays when the peer takes it over.
     */
    public void releaseIdle() {
        if (encoder != null && !partsInProgress) {
            encoder.release();
            encoder = null;
        }
    }

    /** Whether this connection holds a compressor context of its own (context takeover). */
    public boolean holdsOwnCompressor() {
        return encoder != null;
    }

    /** Whether our own compressor was used since the last call; clears the mark. */
    public boolean compressedSinceLastLook() {
        boolean used = compressedRecently;
        compressedRecently = false;
        return used;
    }

    /** Bytes of compression state this connection keeps now (native zlib memory estimated). */
    public long retainedBytes() {
        long bytes = 0;
        if (encoder != null) {
            bytes += encoder.retainedBytes();
        }
        if (decoder != null && !remoteNoContextTakeover) {
            bytes += decoder.retainedBytes();
        }
        return bytes;
    }

    /** Releases the compression contexts. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (encoder != null) {
            encoder.release();
            encoder = null;
        }
        if (decoder != null) {
            decoder.release(); // a lent one too: close may come from another thread than the loop's pool
            decoder = null;
        }
        ownChunk = null;
    }

    /** The 4-octet tail of a sync flush removed (section 7.2.1); an empty flush is the octet 0x00. */
    private static byte[] withoutTail(byte[] out, int size) {
        if (size == 0) {
            // No input right after an earlier sync flush: zlib emits nothing for a repeated flush.
            // The message is then the header octet of an empty stored block (section 7.2.3.6),
            // which the receiver completes with the 4 octets it appends.
            return new byte[1];
        }
        int body = size - EMPTY_BLOCK_TAIL.length;
        if (body < 0 || !Arrays.equals(out, body, size, EMPTY_BLOCK_TAIL, 0, EMPTY_BLOCK_TAIL.length)) {
            throw new IllegalStateException("Sync flush did not end with an empty stored block.");
        }
        return body == 0 ? new byte[1] : Arrays.copyOf(out, body);
    }

    /**
     * Our compression context: our own when the context is taken over (or a message in parts is
     * in progress), else the loop's for this call.
     */
    private MessageEncoder encoder(boolean continuing) {
        checkOpen();
        MessageEncoder e = encoder;
        if (e != null) {
            compressedRecently = true;
            return e;
        }
        if (localNoContextTakeover && !continuing) {
            return LentCodecs.encoder(zlibEncoder, localMaxWindowBits, compressionLevel);
        }
        // WINDOWED keeps only the window's history between messages and rebuilds the chains
        // from it in the thread's arrays (DeflateEncoder's compact form): 2^bits bytes kept.
        e = zlibEncoder ? new JdkDeflateEncoder(compressionLevel)
                : new DeflateEncoder(localMaxWindowBits, compressionLevel, DeflateEncoder.DEFAULT_MEM_LEVEL, compactEncoder);
        encoder = e;
        compressedRecently = true;
        return e;
    }

    /** The decompression context: our own, or one lent for this message (no context takeover). */
    private MessageDecoder decoder() {
        checkOpen();
        MessageDecoder d = decoder;
        if (d == null) {
            d = remoteNoContextTakeover ? LentCodecs.borrowDecoder(zlibDecoder, remoteMaxWindowBits)
                    : zlibDecoder ? new JdkDeflateDecoder() : new DeflateDecoder(remoteMaxWindowBits);
            decoder = d;
        }
        return d;
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
