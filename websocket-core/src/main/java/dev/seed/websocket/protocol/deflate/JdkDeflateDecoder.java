package dev.seed.websocket.protocol.deflate;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * {@link MessageDecoder} on the JDK's zlib: a 32 KiB window, enough for every window a peer may
 * use, and about 40 KiB of native memory from the first message until {@link #release()}. Not
 * thread safe.
 */
public final class JdkDeflateDecoder implements MessageDecoder {

    /** zlib's inflate state with its 32 KiB window. */
    private static final long NATIVE_BYTES = 40 * 1024;

    /** The zlib stream; null until first used and after release(). */
    private Inflater inflater;

    private Inflater inflater() {
        Inflater inf = inflater;
        if (inf == null) {
            inf = inflater = new Inflater(true);
        }
        return inf;
    }

    @Override
    public void setInput(ByteBuffer input) {
        inflater().setInput(input);
    }

    @Override
    public void setInput(byte[] b, int off, int len) {
        inflater().setInput(b, off, len);
    }

    @Override
    public int inflate(byte[] out, int off, int len) throws DataFormatException {
        return inflater().inflate(out, off, len);
    }

    @Override
    public boolean needsInput() {
        return inflater == null || inflater.needsInput();
    }

    @Override
    public int getRemaining() {
        return inflater == null ? 0 : inflater.getRemaining();
    }

    @Override
    public boolean finished() {
        return inflater != null && inflater.finished();
    }

    @Override
    public void reset() {
        if (inflater != null) {
            inflater.reset();
        }
    }

    @Override
    public void release() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }

    @Override
    public long retainedBytes() {
        return inflater == null ? 0 : NATIVE_BYTES;
    }
}
