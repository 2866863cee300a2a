package dev.seed.websocket.bench.jmh;

import dev.seed.websocket.protocol.Utf8Validator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
 * UTF-8 validation (RFC 6455 section 8.1) of a 16 KiB text message, ASCII or mixed scripts.
 * References: the JDK's strict decoder (CodingErrorAction.REPORT: decodes and validates), the
 * JDK's {@code new String(bytes, UTF_8)} (decodes, replaces bad input: no validation), and
 * Netty's {@code ByteBufUtil.isText(buf, UTF_8)}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Utf8Benchmark {

    @Param({"ascii", "mixed"})
    public String text;

    @Param({"16384"})
    public int size;

    private byte[] bytes;
    private ByteBuffer direct;
    private ByteBuf nettyBuf;
    private CharsetDecoder strict;
    private CharBuffer chars;

    @Setup
    public void setup() {
        bytes = text.equals("ascii") ? Payloads.ascii(size) : Payloads.mixedUtf8(size);
        direct = ByteBuffer.allocateDirect(bytes.length);
        direct.put(bytes).clear();
        nettyBuf = Unpooled.wrappedBuffer(bytes);
        strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        chars = CharBuffer.allocate(bytes.length);
        if (!Utf8Validator.isValid(bytes, 0, bytes.length)) {
            throw new IllegalStateException("test text is not valid UTF-8");
        }
    }

    @Benchmark
    public boolean validate_ours_heap() {
        return Utf8Validator.isValid(bytes, 0, bytes.length);
    }

    @Benchmark
    public boolean validate_ours_direct() {
        return Utf8Validator.isValid(direct);
    }

    @Benchmark
    public boolean validate_jdkStrictDecoder() {
        strict.reset();
        chars.clear();
        CoderResult r = strict.decode(ByteBuffer.wrap(bytes), chars, true);
        return !r.isError();
    }

    /** Decoding only: what a String costs without any validation (bad input becomes U+FFFD). */
    @Benchmark
    public String validate_jdkNewStringNoCheck() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Benchmark
    public boolean validate_netty() {
        return ByteBufUtil.isText(nettyBuf, StandardCharsets.UTF_8);
    }
}
