package dev.seed.websocket.protocol.deflate;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;

/**
 * One decompression context of permessage-deflate (RFC 7692 section 7.2.2), used as
 * {@link java.util.zip.Inflater} is: this library's {@link DeflateDecoder}, whose window is
 * 2^bits bytes, or {@link JdkDeflateDecoder}, the JDK's zlib with its 32 KiB window. Not thread
 * safe.
 */
public interface MessageDecoder {

    /** Sets the input; the buffer's position advances as bytes are consumed. */
    void setInput(ByteBuffer input);

    /** Sets the input: {@code len} bytes of {@code b} from {@code off}, referenced. */
    void setInput(byte[] b, int off, int len);

    /** Inflates into {@code out}; 0 only when the input is used up or the stream has ended. */
    int inflate(byte[] out, int off, int len) throws DataFormatException;

    /** Whether all the input was consumed. */
    boolean needsInput();

    /** Input bytes not yet consumed. */
    int getRemaining();

    /** Whether a final block was decoded to its end. */
    boolean finished();

    /** Starts a new stream with an empty window. */
    void reset();

    /** Frees the memory the context holds (implies {@link #reset()}); usable again afterwards. */
    void release();

    /** Bytes this context keeps between messages (native memory included, estimated). */
    long retainedBytes();
}
