package dev.seed.websocket.protocol.extension;

import dev.seed.websocket.CompressionMode;
import java.util.ArrayList;
import java.util.List;

/** Builds extension factories from configuration written in header syntax. */
public final class Extensions {

    private Extensions() {
    }

    /**
     * Reads configured extensions. Each string holds one or more comma-separated elements in the
     * RFC 6455 section 9.1 syntax, e.g. {@code permessage-deflate; client_max_window_bits}.
     * Several {@code permessage-deflate} elements make one factory whose client offers are all of
     * them, in order (RFC 7692 section 5: "The order of elements is important as it specifies the
     * client's preference"). Throws IllegalArgumentException for bad syntax, an unknown extension
     * or a bad parameter.
     *
     * @param compressionThreshold messages with fewer payload bytes go uncompressed
     */
    public static List<ExtensionFactory> fromConfig(List<String> elements,
            int compressionThreshold) {
        return fromConfig(elements, compressionThreshold, PerMessageDeflate.DEFAULT_MODE,
                PerMessageDeflate.DEFAULT_WINDOW_BITS, PerMessageDeflate.DEFAULT_PEER_WINDOW_BITS);
    }

    /**
     * As {@link #fromConfig(List, int)}, permessage-deflate in {@code mode}, with our compressor's
     * {@code windowBits} and the {@code peerWindowBits} asked of clients (9 to 15) for
     * {@link CompressionMode#WINDOWED}.
     */
    public static List<ExtensionFactory> fromConfig(List<String> elements,
            int compressionThreshold, CompressionMode mode, int windowBits, int peerWindowBits) {
        List<ExtensionParameters> deflate = new ArrayList<>();
        for (String header : elements) {
            for (ExtensionParameters element : ExtensionParameters.parseHeader(header)) {
                if (!PerMessageDeflate.NAME.equals(element.name())) {
                    throw new IllegalArgumentException("Unknown extension '"
                            + ExtensionHeaderParser.truncate(element.name())
                            + "': the supported extension is permessage-deflate.");
                }
                deflate.add(element);
            }
        }
        List<ExtensionFactory> factories = new ArrayList<>();
        if (!deflate.isEmpty()) {
            factories.add(PerMessageDeflate.fromConfig(deflate, compressionThreshold, mode, windowBits, peerWindowBits));
        }
        return List.copyOf(factories);
    }
}
