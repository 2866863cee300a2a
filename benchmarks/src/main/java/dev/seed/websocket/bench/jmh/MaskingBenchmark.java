package dev.seed.websocket.bench.jmh;

import dev.seed.websocket.protocol.Masking;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * RFC 6455 section 5.3 unmasking in place, bytes per second on one core. The reference is the
 * byte-at-a-time loop the RFC describes; the JDK has no equivalent and Netty's is private to its
 * frame decoder (measured inside {@link FrameCodecBenchmark}'s decode of large frames).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MaskingBenchmark {

    @Param({"16384", "1048576"})
    public int size;

    private byte[] heap;
    private ByteBuffer direct;
    private byte[] key;

    @Setup
    public void setup() {
        heap = Payloads.binary(size);
        direct = ByteBuffer.allocateDirect(size);
        direct.put(heap).clear();
        key = ByteBuffer.allocate(4).putInt(Payloads.MASK_KEY).array();
    }

    @Benchmark
    public byte[] unmask_ours_heap() {
        Masking.mask(heap, 0, heap.length, Payloads.MASK_KEY, 0);
        return heap;
    }

    @Benchmark
    public ByteBuffer unmask_ours_direct() {
        Masking.mask(direct, Payloads.MASK_KEY, 0);
        return direct;
    }

    /** Section 5.3 as written: octet i XOR key octet i mod 4. */
    @Benchmark
    public byte[] unmask_bytewise_heap() {
        byte[] a = heap;
        byte[] k = key;
        for (int i = 0; i < a.length; i++) {
            a[i] ^= k[i & 3];
        }
        return a;
    }
}
