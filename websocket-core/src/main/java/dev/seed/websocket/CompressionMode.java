package dev.seed.websocket;

/**
 * How permessage-deflate (RFC 7692) spends memory, per endpoint. What a mode changes is the
 * server's answer to an offer and where the compression state lives; every mode interoperates
 * with every RFC 7692 peer, and a peer's own request (a smaller window, no context takeover) is
 * always honoured on top of it.
 *
 * <table>
 *   <caption>State kept per compressed connection after traffic (measured: README, "Compression modes")</caption>
 *   <tr><th>mode</th><th>our compressor</th><th>our decompressor</th></tr>
 *   <tr><td>{@link #SHARED}</td><td>none: the event loop's, per message</td>
 *       <td>a 512-byte window (none when the client resets its context)</td></tr>
 *   <tr><td>{@link #WINDOWED}</td><td>its history, at most 2^bits bytes (16 KiB by default)</td>
 *       <td>the client's window, 2^peerBits bytes (4 KiB by default)</td></tr>
 *   <tr><td>{@link #FULL}</td><td>zlib, about 256 KiB</td><td>zlib, about 40 KiB</td></tr>
 * </table>
 */
public enum CompressionMode {

    /**
     * No context takeover in our direction (RFC 7692 section 7.1.1.1: the server answers
     * {@code server_no_context_takeover}, which a server may always add): each message is
     * compressed on its own by a compressor the event loop lends for that message. A client that
     * offers {@code client_no_context_takeover} has its messages inflated by a decompressor lent
     * from their first frame to their last; one that offers {@code client_max_window_bits} (every
     * browser, Node's ws, Python's websockets) is asked for a 512-byte window (section 7.1.2.2),
     * which is all its context costs us. {@code client_no_context_takeover} is never asked unasked:
     * a client may refuse a configuration it does not support (section 7), and Netty's does this
     * one by default. Near zero per connection; our messages do not refer back to earlier ones, so
     * repetitive traffic compresses less.
     */
    SHARED,

    /**
     * Context takeover with small LZ77 windows in both directions: the server answers
     * {@code server_max_window_bits} with its compressor's window bits and, when the client
     * offered it, {@code client_max_window_bits} with the peer window bits (RFC 7692 section
     * 7.1.2), and compresses and inflates with this library's own DEFLATE, whose memory follows
     * the window; between messages the compressor keeps only its history and rebuilds its hash
     * chains from it in the event loop's arrays. A client that offers no
     * {@code client_max_window_bits} keeps its 32 KiB window, and its messages need a decoder of
     * that size. The default.
     */
    WINDOWED,

    /**
     * The JDK's zlib with full 32 KiB windows and context takeover in both directions, unless the
     * peer asks otherwise: the best ratio on long repetitive conversations, at about 300 KiB of
     * native memory per connection.
     */
    FULL
}
