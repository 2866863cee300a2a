package dev.seed.websocket.protocol.deflate;

import java.nio.ByteBuffer;

/**
 * One compression context of permessage-deflate (RFC 7692 section 7.2.1): this library's
 * {@link DeflateEncoder}, whose memory follows its window, or {@link JdkDeflateEncoder}, the JDK's
 * zlib with its full window. Not thread safe.
 */
public interface MessageEncoder {

    /**
     * Compresses {@code input} from its position to its limit (the position ends at the limit),
     * appends the output to {@code out} and ends it with a sync flush ({@code 00 00 FF FF}).
     * Returns false, with the context reset, when this call's output would reach {@code limit}
     * bytes.
     */
    boolean compress(ByteBuffer input, DeflateOutput out, int limit);

    /** Forgets the window: the next output refers to nothing before it. */
    void reset();

    /** Frees the memory the context holds (implies {@link #reset()}); usable again afterwards. */
    void release();

    /** Bytes this context keeps between messages (native memory included, estimated). */
    long retainedBytes();
}
