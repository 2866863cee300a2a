package dev.seed.websocket.bench.jmh;

import dev.seed.websocket.protocol.ProtocolException;
import dev.seed.websocket.protocol.WireFormat;
import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.ExtensionParameters;
import dev.seed.websocket.protocol.extension.PerMessageDeflate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * permessage-deflate (RFC 7692) of a JSON message, server side with context takeover (the
 * default of both): compress one outgoing message, inflate one incoming message. Ours against
 * Netty's permessage-deflate encoder and decoder (in an embedded channel, as Netty runs them) and
 * against the bare JDK {@link Deflater}/{@link Inflater} calls both are built on.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DeflateBenchmark {

    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    @Param({"1024", "16384"})
    public int size;

    private byte[] json;
    /** The message compressed on its own (no back-references before it), without the tail. */
    private byte[] compressed;

    private Extension ours;
    private Extension.PayloadSink oursSink;
    private EmbeddedChannel nettyEncoder;
    private EmbeddedChannel nettyDecoder;
    private Deflater jdkDeflater;
    private Inflater jdkInflater;
    private byte[] jdkOut;

    @Setup
    public void setup(Blackhole bh) {
        json = Payloads.json(size);
        compressed = compressStandalone(json);
        ours = serverExtension();
        oursSink = bh::consume;
        WebSocketServerExtension netty = new PerMessageDeflateServerExtensionHandshaker(0)
                .handshakeExtension(new WebSocketExtensionData("permessage-deflate", Map.of()));
        nettyEncoder = new EmbeddedChannel(netty.newExtensionEncoder());
        nettyDecoder = new EmbeddedChannel(netty.newExtensionDecoder());
        jdkDeflater = new Deflater(6, true);
        jdkInflater = new Inflater(true);
        jdkOut = new byte[size * 2 + 64];
    }

    @TearDown
    public void tearDown() {
        ours.close();
        nettyEncoder.finishAndReleaseAll();
        nettyDecoder.finishAndReleaseAll();
        jdkDeflater.end();
        jdkInflater.end();
    }

    /** Our server-side extension as negotiated for a plain "permessage-deflate" offer. */
    static Extension serverExtension() {
        return PerMessageDeflate.builder().compressionThreshold(0).build()
                .negotiate(List.of(ExtensionParameters.of("permessage-deflate"))).orElseThrow();
    }

    static byte[] compressStandalone(byte[] data) {
        ByteBuffer c = PerMessageDeflate.compressStandalone(ByteBuffer.wrap(data), 6);
        byte[] b = new byte[c.remaining()];
        c.get(b);
        return b;
    }

    /** Compressed size over original size for each implementation, one message in a fresh context. */
    public static String ratios(int size) {
        byte[] data = Payloads.json(size);
        ByteBuffer oursOut = serverExtension().encode(WireFormat.OPCODE_TEXT, ByteBuffer.wrap(data));
        WebSocketServerExtension netty = new PerMessageDeflateServerExtensionHandshaker(0)
                .handshakeExtension(new WebSocketExtensionData("permessage-deflate", Map.of()));
        EmbeddedChannel ch = new EmbeddedChannel(netty.newExtensionEncoder());
        ch.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(data)));
        WebSocketFrame f = ch.readOutbound();
        int nettySize = f.content().readableBytes();
        f.release();
        ch.finishAndReleaseAll();
        return String.format("%d B JSON -> ours %d B (%.3f), Netty %d B (%.3f)", size,
                oursOut.remaining(), oursOut.remaining() / (double) size, nettySize, nettySize / (double) size);
    }

    @Benchmark
    public ByteBuffer compress_ours() {
        return ours.encode(WireFormat.OPCODE_TEXT, ByteBuffer.wrap(json));
    }

    @Benchmark
    public void compress_netty(Blackhole bh) {
        nettyEncoder.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(json)));
        WebSocketFrame f = nettyEncoder.readOutbound();
        bh.consume(f.content().readableBytes());
        f.release();
    }

    @Benchmark
    public int compress_jdk() {
        jdkDeflater.setInput(json);
        int n = jdkDeflater.deflate(jdkOut, 0, jdkOut.length, Deflater.SYNC_FLUSH);
        return n - TAIL.length;
    }

    @Benchmark
    public void inflate_ours() throws ProtocolException {
        ours.decode(ByteBuffer.wrap(compressed), true, oursSink);
    }

    @Benchmark
    public void inflate_netty(Blackhole bh) {
        ByteBuf in = Unpooled.wrappedBuffer(compressed);
        nettyDecoder.writeInbound(new TextWebSocketFrame(true, WireFormat.B0_FLAG_RSV1 >> 4, in));
        WebSocketFrame f = nettyDecoder.readInbound();
        bh.consume(f.content().readableBytes());
        f.release();
    }

    @Benchmark
    public int inflate_jdk() throws DataFormatException {
        jdkInflater.setInput(compressed);
        int n = jdkInflater.inflate(jdkOut);
        jdkInflater.setInput(TAIL);
        n += jdkInflater.inflate(jdkOut, n, jdkOut.length - n);
        return n;
    }
}
