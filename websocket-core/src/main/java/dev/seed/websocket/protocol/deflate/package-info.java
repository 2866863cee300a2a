/**
 * DEFLATE (RFC 1951) in Java with a window of 2^9 to 2^15 bytes that the memory really follows:
 * {@link dev.seed.websocket.protocol.deflate.DeflateEncoder} (LZ77 over hash chains sized by the
 * window, fixed, dynamic and stored blocks, a sync flush per message) and
 * {@link dev.seed.websocket.protocol.deflate.DeflateDecoder} (a resumable inflater whose window
 * buffer is 2^bits bytes). {@code java.util.zip} keeps a 32 KiB window whatever was negotiated;
 * permessage-deflate (RFC 7692 section 7.1.2) lets both ends agree on smaller ones, and these
 * classes are what makes a small agreement a small footprint. JDK only.
 */
package dev.seed.websocket.protocol.deflate;
