package dev.seed.websocket.protocol.extension;

import static dev.seed.websocket.protocol.extension.DeflateParameters.ABSENT;
import static dev.seed.websocket.protocol.extension.DeflateParameters.MAX_WINDOW_BITS;
import static dev.seed.websocket.protocol.extension.DeflateParameters.NO_VALUE;

import dev.seed.websocket.CompressionMode;
import dev.seed.websocket.protocol.Role;
import dev.seed.websocket.protocol.deflate.DeflateEncoder;
import dev.seed.websocket.protocol.deflate.DeflateOutput;
import dev.seed.websocket.protocol.deflate.JdkDeflateEncoder;
import dev.seed.websocket.protocol.deflate.MessageEncoder;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code permessage-deflate} extension of RFC 7692 section 7: its configuration and its
 * negotiation in both roles. Immutable and thread safe; one instance serves every connection of
 * a server or client, and each negotiation creates a {@link PerMessageDeflateExtension}.
 *
 * <p>The same configuration means two things depending on the role:
 *
 * <ul>
 *   <li>Client: the parameters of the offer(s) sent, most preferred first
 *       ({@link #offers()}); {@link #accept} then checks the server's response against them.
 *   <li>Server: preferences applied to the client's offers in {@link #negotiate}. Only the first
 *       configured element counts; {@code client_max_window_bits} without a value means nothing
 *       to a server.
 * </ul>
 *
 * <p>Every window size of section 7.1.2 is honoured in both directions (the extension compresses
 * and inflates with this library's own DEFLATE where zlib's fixed 32 KiB window would not fit), so
 * no offer is declined for its window size. The {@link CompressionMode} decides what a server asks
 * for beyond what the client offered, and so what a connection keeps in memory.
 */
public final class PerMessageDeflate implements ExtensionFactory {

    /** The registered extension name (RFC 7692 section 7). */
    public static final String NAME = "permessage-deflate";

    /**
     * Messages shorter than this are sent uncompressed. Below about a kilobyte the DEFLATE block
     * header and Huffman tables eat most of the gain, and such a message fits comfortably within
     * a single Ethernet packet anyway.
     */
    public static final int DEFAULT_COMPRESSION_THRESHOLD = 1024;

    /**
     * zlib level 6 (what {@code Deflater.DEFAULT_COMPRESSION} maps to): levels 7 to 9 cost much
     * more CPU for a percent or two on typical text messages.
     */
    public static final int DEFAULT_COMPRESSION_LEVEL = 6;

    /**
     * The window our compressor uses in {@link CompressionMode#WINDOWED} unless configured:
     * 2^14 = 16 KiB, which keeps a JSON chat conversation within about 5% of zlib's 32 KiB window
     * (README, "Compression modes"); between messages only this history is kept.
     */
    public static final int DEFAULT_WINDOW_BITS = 14;

    /**
     * The window {@link CompressionMode#WINDOWED} asks of a client that offers
     * client_max_window_bits unless configured: 2^12 = 4 KiB, the buffer we keep for its context.
     */
    public static final int DEFAULT_PEER_WINDOW_BITS = 12;

    /**
     * The window SHARED asks of a client that keeps its context (it offered
     * client_max_window_bits but not client_no_context_takeover): 2^9 = 512 bytes, the smallest
     * zlib writes (an agreed 8 is written as 9 with distances under 256).
     */
    static final int SHARED_CLIENT_WINDOW_BITS = 9;

    /** The mode unless configured. */
    public static final CompressionMode DEFAULT_MODE = CompressionMode.WINDOWED;

    // The offers, first one = the configured preferences; never empty.
    private final List<DeflateParameters> offers;
    // What the server asks for and where the contexts live; fixed.
    private final CompressionMode mode;
    // Our compressor's window in WINDOWED mode, 9 to 15 bits; fixed.
    private final int windowBits;
    // The window WINDOWED mode asks of the client, 9 to 15 bits; fixed.
    private final int peerWindowBits;
    // Messages with fewer payload bytes go uncompressed; >= 0.
    private final int compressionThreshold;
    // zlib compression level, 1 to 9.
    private final int compressionLevel;

    private PerMessageDeflate(List<DeflateParameters> offers, int compressionThreshold,
            int compressionLevel, CompressionMode mode, int windowBits, int peerWindowBits) {
        this.offers = List.copyOf(offers);
        this.mode = mode;
        this.windowBits = windowBits;
        this.peerWindowBits = peerWindowBits;
        this.compressionThreshold = compressionThreshold;
        this.compressionLevel = compressionLevel;
    }

    /** A builder with the defaults: a plain offer with {@code client_max_window_bits}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Reads a configuration element written in header syntax, for example
     * {@code permessage-deflate; server_no_context_takeover; server_max_window_bits=10}. Throws
     * IllegalArgumentException naming the bad parameter or value.
     */
    public static PerMessageDeflate fromConfig(ExtensionParameters element,
            int compressionThreshold) {
        return fromConfig(List.of(element), compressionThreshold);
    }

    /**
     * Reads several configuration elements: the client offers all of them in this order, a
     * server applies the first. Throws IllegalArgumentException naming the bad element,
     * parameter or value.
     */
    public static PerMessageDeflate fromConfig(List<ExtensionParameters> elements,
            int compressionThreshold) {
        return fromConfig(elements, compressionThreshold, DEFAULT_MODE, DEFAULT_WINDOW_BITS, DEFAULT_PEER_WINDOW_BITS);
    }

    /**
     * As {@link #fromConfig(List, int)}, in {@code mode} with, for {@link CompressionMode#WINDOWED},
     * our compressor's {@code windowBits} and the {@code peerWindowBits} asked of clients (9 to 15).
     */
    public static PerMessageDeflate fromConfig(List<ExtensionParameters> elements,
            int compressionThreshold, CompressionMode mode, int windowBits, int peerWindowBits) {
        if (elements.isEmpty()) {
            throw new IllegalArgumentException("No permessage-deflate element.");
        }
        Builder builder = builder().compressionThreshold(compressionThreshold).mode(mode).windowBits(windowBits)
                .peerWindowBits(peerWindowBits);
        List<DeflateParameters> parsed = new ArrayList<>();
        for (ExtensionParameters element : elements) {
            if (!NAME.equalsIgnoreCase(element.name())) {
                throw new IllegalArgumentException("Not a permessage-deflate element: '"
                        + ExtensionHeaderParser.truncate(element.name()) + "'.");
            }
            parsed.add(DeflateParameters.parse(element));
        }
        builder.offers = parsed;
        return builder.build();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Whether the (first) configuration has {@code server_no_context_takeover}. */
    public boolean serverNoContextTakeover() {
        return offers.get(0).serverNoContextTakeover();
    }

    /** Whether the (first) configuration has {@code client_no_context_takeover}. */
    public boolean clientNoContextTakeover() {
        return offers.get(0).clientNoContextTakeover();
    }

    /** The (first) configuration's {@code server_max_window_bits}, if set. */
    public OptionalInt serverMaxWindowBits() {
        int bits = offers.get(0).serverMaxWindowBits();
        return bits == ABSENT ? OptionalInt.empty() : OptionalInt.of(bits);
    }

    /** The (first) configuration's {@code client_max_window_bits} value, if set. */
    public OptionalInt clientMaxWindowBits() {
        int bits = offers.get(0).clientMaxWindowBits();
        return bits > 0 ? OptionalInt.of(bits) : OptionalInt.empty();
    }

    /**
     * Whether the (first) offer includes {@code client_max_window_bits}, with or without value.
     */
    public boolean offersClientMaxWindowBits() {
        return offers.get(0).clientMaxWindowBits() != ABSENT;
    }

    /** Messages with fewer payload bytes are sent uncompressed. */
    public int compressionThreshold() {
        return compressionThreshold;
    }

    /** The zlib compression level, 1 to 9. */
    public int compressionLevel() {
        return compressionLevel;
    }

    /** What a server asks for beyond the offer, and where compression contexts live. */
    public CompressionMode mode() {
        return mode;
    }

    /** Our compressor's window in {@link CompressionMode#WINDOWED}, 9 to 15 bits. */
    public int windowBits() {
        return windowBits;
    }

    /** The window {@link CompressionMode#WINDOWED} asks of clients, 9 to 15 bits. */
    public int peerWindowBits() {
        return peerWindowBits;
    }

    @Override
    public List<ExtensionParameters> offers() {
        List<ExtensionParameters> elements = new ArrayList<>(offers.size());
        for (DeflateParameters offer : offers) {
            elements.add(offer.toElement());
        }
        return elements;
    }

    /**
     * Client side. RFC 7692 section 7: "A client MUST Fail the WebSocket Connection if the peer
     * server accepted an extension negotiation offer for this extension with an extension
     * negotiation response meeting any of the following conditions": a parameter not defined for
     * a response, an invalid value, a repeated parameter, or "The client does not support the
     * configuration that the response represents". With several offers, the response is matched
     * against each in turn and the first it fits decides; when it fits none, the message says why
     * it does not fit the first.
     */
    @Override
    public PerMessageDeflateExtension accept(ExtensionParameters response)
            throws ExtensionNegotiationException {
        if (!NAME.equalsIgnoreCase(response.name())) {
            throw new ExtensionNegotiationException("Unexpected extension '"
                    + ExtensionHeaderParser.truncate(response.name()) + "' in the response.");
        }
        DeflateParameters r;
        try {
            r = DeflateParameters.parse(response);
        } catch (IllegalArgumentException e) {
            throw new ExtensionNegotiationException(e.getMessage());
        }
        // Section 7.1.2.2: in a response the parameter "has a decimal integer value".
        if (r.clientMaxWindowBits() == NO_VALUE) {
            throw new ExtensionNegotiationException(
                    "Parameter 'client_max_window_bits' must have a value in a response.");
        }
        String firstMismatch = null;
        for (DeflateParameters offer : offers) {
            String mismatch = mismatch(offer, r);
            if (mismatch == null) {
                // Section 7.1.1.2: an offered client_no_context_takeover is a promise we keep
                // even when the server does not echo it.
                boolean clientNoContextTakeover =
                        offer.clientNoContextTakeover() || r.clientNoContextTakeover();
                // Section 7.1.2.2: when the response omits client_max_window_bits, the value we
                // offered still binds our compressor.
                int clientWindow = r.clientMaxWindowBits() > 0 ? r.clientMaxWindowBits()
                        : offer.clientMaxWindowBits() > 0 ? offer.clientMaxWindowBits()
                        : MAX_WINDOW_BITS;
                int serverWindow = r.serverMaxWindowBits() > 0 ? r.serverMaxWindowBits()
                        : MAX_WINDOW_BITS;
                return new PerMessageDeflateExtension(Role.CLIENT, response,
                        clientNoContextTakeover, r.serverNoContextTakeover(),
                        clientWindow, serverWindow, compressionThreshold, compressionLevel, mode, windowBits);
            }
            if (firstMismatch == null) {
                firstMismatch = mismatch;
            }
        }
        throw new ExtensionNegotiationException(firstMismatch);
    }

    /**
     * Server side: accepts the first valid offer. RFC 7692 section 7: "A server MUST decline an
     * extension negotiation offer for this extension if" it "contains an extension parameter not
     * defined for use in an offer", one "with an invalid value" or "multiple extension parameters
     * with the same name". Section 5: the order of the offers "specifies the client's
     * preference". Any valid offer can be honoured, so the first valid one wins.
     */
    @Override
    public Optional<Extension> negotiate(List<ExtensionParameters> offers) {
        for (ExtensionParameters offer : offers) {
            if (!NAME.equalsIgnoreCase(offer.name())) {
                continue;
            }
            DeflateParameters p;
            try {
                p = DeflateParameters.parse(offer);
            } catch (IllegalArgumentException e) {
                continue;
            }
            return Optional.of(respond(p));
        }
        return Optional.empty();
    }

    /** Builds the server's response to a valid offer and the matching extension. */
    private PerMessageDeflateExtension respond(DeflateParameters offer) {
        DeflateParameters config = offers.get(0);
        // Section 7.1.1.1: a server accepts server_no_context_takeover by including it; it may
        // also include it unasked (SHARED always does: its compressor is the loop's).
        boolean serverNoContextTakeover = offer.serverNoContextTakeover()
                || config.serverNoContextTakeover() || mode == CompressionMode.SHARED;
        // Section 7.1.1.2: a server MAY include client_no_context_takeover even if not offered;
        // we echo an offered one so that both sides know the client resets its context. We never
        // add it unasked: section 7 lets a client fail the connection over "a configuration it
        // does not support", and some do over this one (Netty's client by default). SHARED asks
        // for the smallest window instead (below), which every client offering
        // client_max_window_bits takes.
        boolean clientNoContextTakeover = offer.clientNoContextTakeover()
                || config.clientNoContextTakeover();
        // Section 7.1.2.1: accept an offered server_max_window_bits "with the same or smaller
        // value"; a server MAY include the parameter even when it was not offered (WINDOWED
        // does, announcing the window it uses).
        int serverWindow = offer.serverMaxWindowBits();
        int serverLimit = config.serverMaxWindowBits();
        if (mode == CompressionMode.WINDOWED) {
            serverLimit = serverLimit == ABSENT ? windowBits : Math.min(serverLimit, windowBits);
        }
        if (serverLimit != ABSENT) {
            serverWindow = serverWindow == ABSENT ? serverLimit : Math.min(serverWindow, serverLimit);
        }
        // Section 7.1.2.2: client_max_window_bits may only appear in the response when the
        // client offered it, with a value no larger than an offered one.
        int clientWindow = ABSENT;
        if (offer.clientMaxWindowBits() != ABSENT) {
            int wanted = config.clientMaxWindowBits() > 0 ? config.clientMaxWindowBits()
                    : MAX_WINDOW_BITS;
            if (mode == CompressionMode.WINDOWED) {
                wanted = Math.min(wanted, peerWindowBits);
            } else if (mode == CompressionMode.SHARED && !clientNoContextTakeover) {
                // the client keeps its context: the smallest window keeps our side of it small
                wanted = SHARED_CLIENT_WINDOW_BITS;
            }
            if (offer.clientMaxWindowBits() > 0) {
                clientWindow = Math.min(offer.clientMaxWindowBits(), wanted);
            } else if (wanted < MAX_WINDOW_BITS) {
                clientWindow = wanted;
            }
        }
        DeflateParameters response = new DeflateParameters(serverNoContextTakeover,
                clientNoContextTakeover, serverWindow, clientWindow);
        return new PerMessageDeflateExtension(Role.SERVER, response.toElement(),
                serverNoContextTakeover, clientNoContextTakeover,
                serverWindow == ABSENT ? MAX_WINDOW_BITS : serverWindow,
                clientWindow == ABSENT ? MAX_WINDOW_BITS : clientWindow,
                compressionThreshold, compressionLevel, mode, windowBits);
    }

    /** Why {@code response} does not answer {@code offer}, or null when it does. */
    private static String mismatch(DeflateParameters offer, DeflateParameters response) {
        // Section 7.1.1.1: "A server accepts an extension negotiation offer that includes the
        // server_no_context_takeover extension parameter by including [it] in the response".
        if (offer.serverNoContextTakeover() && !response.serverNoContextTakeover()) {
            return "Parameter 'server_no_context_takeover' was offered but is missing in the "
                    + "response.";
        }
        // Section 7.1.2.1: accepted "with the same or smaller value as the offer".
        if (offer.serverMaxWindowBits() != ABSENT) {
            if (response.serverMaxWindowBits() == ABSENT) {
                return "Parameter 'server_max_window_bits' was offered but is missing in the "
                        + "response.";
            }
            if (response.serverMaxWindowBits() > offer.serverMaxWindowBits()) {
                return "Parameter 'server_max_window_bits' in the response is larger than "
                        + "offered.";
            }
        }
        // Section 7.1.2.2: "If a received extension negotiation offer doesn't have the
        // client_max_window_bits extension parameter, the corresponding extension negotiation
        // response to the offer MUST NOT include the client_max_window_bits extension
        // parameter."
        if (response.clientMaxWindowBits() != ABSENT) {
            if (offer.clientMaxWindowBits() == ABSENT) {
                return "Parameter 'client_max_window_bits' in the response was not offered.";
            }
            if (offer.clientMaxWindowBits() > 0
                    && response.clientMaxWindowBits() > offer.clientMaxWindowBits()) {
                return "Parameter 'client_max_window_bits' in the response is larger than "
                        + "offered.";
            }
        }
        return null;
    }

    /**
     * Compresses a message once for sending to many connections ("encode once, send to many"):
     * raw DEFLATE with a fresh context and a window of 2^{@code windowBits} bytes, sync-flushed,
     * without the 4-octet tail (RFC 7692 section 7.2.1). The result does not depend on any
     * connection's history, so every peer whose window is at least as large decodes it alike.
     * Send it with RSV1 on connections whose
     * {@link PerMessageDeflateExtension#sharedCompressedWindowBits()} is {@code windowBits}, and
     * call {@link PerMessageDeflateExtension#afterSharedCompressedMessage()} on each afterwards.
     * {@code payload}'s position is unchanged. Any thread: the context is made for the call and
     * freed after it.
     */
    public static ByteBuffer compressStandalone(ByteBuffer payload, int level, int windowBits) {
        checkLevel(level);
        MessageEncoder encoder = windowBits == MAX_WINDOW_BITS ? new JdkDeflateEncoder(level)
                : new DeflateEncoder(windowBits, level, DeflateEncoder.DEFAULT_MEM_LEVEL);
        DeflateOutput out = new DeflateOutput(payload.remaining() / 2 + 64);
        try {
            encoder.compress(payload.duplicate(), out, Integer.MAX_VALUE);
        } finally {
            encoder.release();
        }
        int body = out.size() - 4;
        return ByteBuffer.wrap(body <= 0 ? new byte[1] : Arrays.copyOf(out.array(), body));
    }

    /** {@link #compressStandalone(ByteBuffer, int, int)} with a full 32 KiB window. */
    public static ByteBuffer compressStandalone(ByteBuffer payload, int level) {
        return compressStandalone(payload, level, MAX_WINDOW_BITS);
    }

    @Override
    public String toString() {
        return "PerMessageDeflate[" + ExtensionParameters.toHeader(offers())
                + ", compressionThreshold=" + compressionThreshold
                + ", compressionLevel=" + compressionLevel + ", mode=" + mode
                + (mode == CompressionMode.WINDOWED ? ", windowBits=" + windowBits + ", peerWindowBits=" + peerWindowBits
                        : "") + "]";
    }

    /** Builder of {@link PerMessageDeflate}. This class is not thread safe. */
    public static final class Builder {

        // The offers being built; the setters change the first one; never empty.
        private List<DeflateParameters> offers;
        // See PerMessageDeflate.compressionThreshold; >= 0.
        private int compressionThreshold = DEFAULT_COMPRESSION_THRESHOLD;
        // See PerMessageDeflate.compressionLevel; 1 to 9.
        private int compressionLevel = DEFAULT_COMPRESSION_LEVEL;
        // See PerMessageDeflate.mode.
        private CompressionMode mode = DEFAULT_MODE;
        // See PerMessageDeflate.windowBits; 9 to 15.
        private int windowBits = DEFAULT_WINDOW_BITS;
        // See PerMessageDeflate.peerWindowBits; 9 to 15.
        private int peerWindowBits = DEFAULT_PEER_WINDOW_BITS;

        private Builder() {
            // Like browsers: announce that the server may limit our window.
            offers = new ArrayList<>(List.of(
                    new DeflateParameters(false, false, ABSENT, NO_VALUE)));
        }

        private Builder(PerMessageDeflate from) {
            offers = new ArrayList<>(from.offers);
            compressionThreshold = from.compressionThreshold;
            compressionLevel = from.compressionLevel;
            mode = from.mode;
            windowBits = from.windowBits;
            peerWindowBits = from.peerWindowBits;
        }

        /**
         * Client: ask the server not to carry its LZ77 window over messages. Server: never carry
         * ours over (always announced in the response). Default false.
         */
        public Builder serverNoContextTakeover(boolean value) {
            DeflateParameters p = offers.get(0);
            return first(new DeflateParameters(value, p.clientNoContextTakeover(),
                    p.serverMaxWindowBits(), p.clientMaxWindowBits()));
        }

        /**
         * Client: never carry our LZ77 window over messages, and say so. Server: ask the client
         * not to (always in the response). Default false.
         */
        public Builder clientNoContextTakeover(boolean value) {
            DeflateParameters p = offers.get(0);
            return first(new DeflateParameters(p.serverNoContextTakeover(), value,
                    p.serverMaxWindowBits(), p.clientMaxWindowBits()));
        }

        /**
         * Client: ask the server to use at most 2^bits bytes of LZ77 window. Server: limit our
         * own window to that. 8 to 15; not set by default.
         */
        public Builder serverMaxWindowBits(int bits) {
            DeflateParameters p = offers.get(0);
            return first(new DeflateParameters(p.serverNoContextTakeover(),
                    p.clientNoContextTakeover(), checkWindowBits(bits), p.clientMaxWindowBits()));
        }

        /** Leaves {@code server_max_window_bits} out (the default). */
        public Builder noServerMaxWindowBits() {
            DeflateParameters p = offers.get(0);
            return first(new DeflateParameters(p.serverNoContextTakeover(),
                    p.clientNoContextTakeover(), ABSENT, p.clientMaxWindowBits()));
        }

        /**
         * Client: promise to use at most 2^bits bytes of LZ77 window. Server: ask clients that
         * offered {@code client_max_window_bits} to use at most that. 8 to 15.
         */
        public Builder clientMaxWindowBits(int bits) {
            DeflateParameters p = offers.get(0);
            return first(new DeflateParameters(p.serverNoContextTakeover(),
                    p.clientNoContextTakeover(), p.serverMaxWindowBits(), checkWindowBits(bits)));
        }

        /**
         * Client: offer {@code client_max_window_bits} without a value, letting the server limit
         * our window (the default). Server: no preference.
         */
        public Builder clientMaxWindowBitsWithoutValue() {
            DeflateParameters p = offers.get(0);
            return first(new DeflateParameters(p.serverNoContextTakeover(),
                    p.clientNoContextTakeover(), p.serverMaxWindowBits(), NO_VALUE));
        }

        /** Leaves {@code client_max_window_bits} out. */
        public Builder noClientMaxWindowBits() {
            DeflateParameters p = offers.get(0);
            return first(new DeflateParameters(p.serverNoContextTakeover(),
                    p.clientNoContextTakeover(), p.serverMaxWindowBits(), ABSENT));
        }

        /**
         * Client only: a further, less preferred offer after the configured one, e.g.
         * {@code permessage-deflate} without parameters. Throws IllegalArgumentException for a
         * bad element.
         */
        public Builder addFallbackOffer(ExtensionParameters element) {
            if (!NAME.equalsIgnoreCase(element.name())) {
                throw new IllegalArgumentException("Not a permessage-deflate element: '"
                        + ExtensionHeaderParser.truncate(element.name()) + "'.");
            }
            offers.add(DeflateParameters.parse(element));
            return this;
        }

        /** Messages with fewer payload bytes go uncompressed; default 1024; 0 or more. */
        public Builder compressionThreshold(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("Compression threshold must not be negative.");
            }
            compressionThreshold = bytes;
            return this;
        }

        /** The zlib compression level, 1 (fastest) to 9 (smallest); default 6. */
        public Builder compressionLevel(int level) {
            compressionLevel = checkLevel(level);
            return this;
        }

        /** What a server asks for beyond the offer, and where contexts live; default WINDOWED. */
        public Builder mode(CompressionMode value) {
            mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        /**
         * Our compressor's window in {@link CompressionMode#WINDOWED}: 9 to 15 bits (512 bytes to
         * 32 KiB); default {@value PerMessageDeflate#DEFAULT_WINDOW_BITS}.
         */
        public Builder windowBits(int bits) {
            windowBits = checkModeWindow(bits, "Compression window bits");
            return this;
        }

        /**
         * The window {@link CompressionMode#WINDOWED} asks of a client that offers
         * client_max_window_bits: 9 to 15 bits; default {@value PerMessageDeflate#DEFAULT_PEER_WINDOW_BITS}.
         */
        public Builder peerWindowBits(int bits) {
            peerWindowBits = checkModeWindow(bits, "Compression peer window bits");
            return this;
        }

        private static int checkModeWindow(int bits, String what) {
            if (bits < 9 || bits > MAX_WINDOW_BITS) {
                throw new IllegalArgumentException(what + " must be 9 to 15: " + bits + ".");
            }
            return bits;
        }

        public PerMessageDeflate build() {
            return new PerMessageDeflate(offers, compressionThreshold, compressionLevel, mode, windowBits, peerWindowBits);
        }

        private Builder first(DeflateParameters p) {
            offers.set(0, Objects.requireNonNull(p));
            return this;
        }

        private static int checkWindowBits(int bits) {
            if (!DeflateParameters.isWindowBits(bits)) {
                throw new IllegalArgumentException("Window bits must be 8 to 15: " + bits + ".");
            }
            return bits;
        }
    }

    /** Validates a zlib compression level, 1 to 9. */
    static int checkLevel(int level) {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("Compression level must be 1 to 9: " + level + ".");
        }
        return level;
    }
}
