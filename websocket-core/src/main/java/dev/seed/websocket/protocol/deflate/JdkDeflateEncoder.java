package dev.seed.websocket.protocol.deflate;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * {@link MessageEncoder} on the JDK's zlib: a 32 KiB window (15 bits) whatever the level, and
 * about 256 KiB of native memory from the first message until {@link #release()}. Not thread safe.
 */
public final class JdkDeflateEncoder implements MessageEncoder {

    /** zlib's deflate state at windowBits 15 and memLevel 8: window, prev, head and pending buffer. */
    private static final long NATIVE_BYTES = 268 * 1024;
    /** A consumed input is replaced by this, so zlib holds no reference to the caller's buffer. */
    private static final byte[] NO_INPUT = new byte[0];

    /** zlib level, 1 to 9; fixed. */
    private final int level;
    /** The zlib stream; null until the first message and after release(). */
    private Deflater deflater;

    public JdkDeflateEncoder(int level) {
        this.level = level;
    }

    @Override
    public boolean compress(ByteBuffer input, DeflateOutput out, int limit) {
        Deflater def = deflater;
        if (def == null) {
            def = deflater = new Deflater(level, true);
        }
        int start = out.size;
        def.setInput(input);
        try {
            out.ensure(input.remaining() / 2 + 64);
            while (true) {
                int room = out.buf.length - out.size;
                int n = def.deflate(out.buf, out.size, room, Deflater.SYNC_FLUSH);
                out.size += n;
                if (out.size - start >= limit) {
                    def.reset();
                    return false;
                }
                if (n < room) {
                    break; // with SYNC_FLUSH, output space left over means all input is flushed
                }
                out.ensure(Math.max(64, out.size - start));
            }
        } finally {
            def.setInput(NO_INPUT);
        }
        input.position(input.limit());
        return true;
    }

    @Override
    public void reset() {
        if (deflater != null) {
            deflater.reset();
        }
    }

    @Override
    public void release() {
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
    }

    @Override
    public long retainedBytes() {
        return deflater == null ? 0 : NATIVE_BYTES;
    }
}
