package dev.seed.websocket.protocol.extension;

import java.util.List;
import java.util.Optional;

/**
 * Negotiates one extension in the opening handshake (RFC 6455 section 9.1) and creates the
 * per-connection {@link Extension}. Configured once per server or client and shared by every
 * connection: implementations are immutable and thread safe.
 */
public interface ExtensionFactory {

    /** The extension's registered name, e.g. {@code permessage-deflate}. */
    String name();

    /** Client side: the offers to send, most preferred first (each element has this name). */
    List<ExtensionParameters> offers();

    /**
     * Client side: the server accepted with {@code response} (an element with this name).
     * Returns the extension, or throws {@link ExtensionNegotiationException} when the response is
     * not one the client may accept (RFC 7692 section 7.1: "the client MUST Fail the WebSocket
     * Connection").
     */
    Extension accept(ExtensionParameters response) throws ExtensionNegotiationException;

    /**
     * Server side: the client's offers of this extension, in the client's order of preference.
     * Returns the extension for the first acceptable offer (its {@link Extension#parameters()} go
     * into the response), or empty to decline them all. Invalid offers are declined, not fatal.
     */
    Optional<Extension> negotiate(List<ExtensionParameters> offers);
}
