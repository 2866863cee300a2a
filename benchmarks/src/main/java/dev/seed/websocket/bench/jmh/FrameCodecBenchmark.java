package dev.seed.websocket.bench.jmh;

import dev.seed.websocket.protocol.FrameDecoder;
import dev.seed.websocket.protocol.FrameEncoder;
import dev.seed.websocket.protocol.FrameHandler;
import dev.seed.websocket.protocol.Masking;
import dev.seed.websocket.protocol.ProtocolConfig;
import dev.seed.websocket.protocol.ProtocolListener;
import dev.seed.websocket.protocol.ProtocolException;
import dev.seed.websocket.protocol.ProtocolOutput;
import dev.seed.websocket.protocol.Role;
import dev.seed.websocket.protocol.WebSocketProtocol;
import dev.seed.websocket.protocol.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Frame decode and encode, ours against Netty's {@code WebSocket08FrameDecoder} and
 * {@code WebSocket08FrameEncoder} called directly (no pipeline around them), frames per second.
 *
 * <ul>
 * <li>decode: one masked binary frame (a client's) from a direct buffer, as a server reads it:
 * header, unmask in place, payload handed on. Ours streams a view of the input; Netty produces a
 * frame object holding a buffer.</li>
 * <li>encode: a server's unmasked binary frame for a heap payload, through our engine's send
 * path (header plus payload, coalesced up to its threshold) and through Netty's encoder.</li>
 * <li>encodeMasked: a client's masked frame (payload copied and masked), ours and Netty's.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FrameCodecBenchmark {

    @Param({"8", "125", "16384", "1048576"})
    public int size;

    private ByteBuffer oursIn;
    private FrameDecoder decoder;
    private SinkHandler handler;

    private ByteBuf nettyIn;
    private NettyDecoder nettyDecoder;
    private ChannelHandlerContext nettyDecoderContext;
    private final List<Object> nettyOut = new ArrayList<>();

    private byte[] payload;
    private WebSocketProtocol serverEngine;
    private WebSocketProtocol clientEngine;
    private SinkOutput sink;
    private ByteBuf nettyPayload;
    private NettyEncoder nettyEncoder;
    private ChannelHandlerContext nettyEncoderContext;
    private NettyEncoder nettyMaskingEncoder;
    private ChannelHandlerContext nettyMaskingEncoderContext;

    private Blackhole blackhole;

    @Setup
    public void setup(Blackhole bh) {
        blackhole = bh;
        payload = Payloads.binary(size);
        byte[] frame = maskedFrame(payload);

        oursIn = ByteBuffer.allocateDirect(frame.length);
        oursIn.put(frame).clear();
        decoder = new FrameDecoder(Role.SERVER, 16L << 20);
        handler = new SinkHandler(bh);

        nettyIn = PooledByteBufAllocator.DEFAULT.directBuffer(frame.length);
        nettyIn.writeBytes(frame);
        nettyDecoder = new NettyDecoder();
        nettyDecoderContext = contextOf(nettyDecoder);

        sink = new SinkOutput(bh);
        ProtocolConfig config = ProtocolConfig.defaults();
        serverEngine = new WebSocketProtocol(Role.SERVER, config, List.of(), NoListener.INSTANCE, sink);
        clientEngine = new WebSocketProtocol(Role.CLIENT, config, List.of(), NoListener.INSTANCE, sink,
                () -> Payloads.MASK_KEY);
        nettyPayload = Unpooled.wrappedBuffer(payload);
        nettyEncoder = new NettyEncoder(false);
        nettyEncoderContext = contextOf(nettyEncoder);
        nettyMaskingEncoder = new NettyEncoder(true);
        nettyMaskingEncoderContext = contextOf(nettyMaskingEncoder);
    }

    @TearDown
    public void tearDown() {
        nettyIn.release();
    }

    /** A client's frame: FIN + binary, masked with {@link Payloads#MASK_KEY}. */
    static byte[] maskedFrame(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(WireFormat.headerLength(payload.length, true) + payload.length);
        FrameEncoder.writeHeader(b, WireFormat.B0_FLAG_FIN | WireFormat.OPCODE_BINARY, payload.length, true,
                Payloads.MASK_KEY);
        int start = b.position();
        b.put(payload);
        Masking.mask(b.duplicate().position(start), Payloads.MASK_KEY, 0);
        return b.array();
    }

    private static ChannelHandlerContext contextOf(io.netty.channel.ChannelHandler h) {
        EmbeddedChannel ch = new EmbeddedChannel(h);
        return ch.pipeline().context(h);
    }

    @Benchmark
    public void decode_ours() throws ProtocolException {
        // The payload is unmasked in place, so every other call sees it masked: same work.
        oursIn.clear();
        decoder.decode(oursIn, handler);
    }

    @Benchmark
    public void decode_netty() throws Exception {
        nettyIn.readerIndex(0);
        nettyDecoder.decodeOnce(nettyDecoderContext, nettyIn, nettyOut);
        releaseAll();
    }

    @Benchmark
    public void encode_ours() {
        serverEngine.sendBinary(ByteBuffer.wrap(payload));
    }

    @Benchmark
    public void encode_netty() throws Exception {
        WebSocketFrame f = new BinaryWebSocketFrame(nettyPayload.retainedDuplicate());
        nettyEncoder.encodeOnce(nettyEncoderContext, f, nettyOut);
        f.release();
        releaseAll();
    }

    @Benchmark
    public void encodeMasked_ours() {
        clientEngine.sendBinary(ByteBuffer.wrap(payload));
    }

    @Benchmark
    public void encodeMasked_netty() throws Exception {
        WebSocketFrame f = new BinaryWebSocketFrame(nettyPayload.retainedDuplicate());
        nettyMaskingEncoder.encodeOnce(nettyMaskingEncoderContext, f, nettyOut);
        f.release();
        releaseAll();
    }

    private void releaseAll() {
        for (int i = 0; i < nettyOut.size(); i++) {
            Object o = nettyOut.get(i);
            blackhole.consume(o);
            ReferenceCountUtil.release(o);
        }
        nettyOut.clear();
    }

    /** Netty's decoder with its protected decode step opened for a direct call. */
    static final class NettyDecoder extends WebSocket08FrameDecoder {
        NettyDecoder() {
            super(WebSocketDecoderConfig.newBuilder().expectMaskedFrames(true).allowExtensions(true)
                    .maxFramePayloadLength(16 << 20).build());
        }

        void decodeOnce(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            decode(ctx, in, out);
        }
    }

    /** Netty's encoder with its protected encode step opened for a direct call. */
    static final class NettyEncoder extends WebSocket08FrameEncoder {
        NettyEncoder(boolean mask) {
            super(mask);
        }

        void encodeOnce(ChannelHandlerContext ctx, WebSocketFrame f, List<Object> out) throws Exception {
            encode(ctx, f, out);
        }
    }

    /** Takes decoded payload chunks, as the engine would, without keeping them. */
    static final class SinkHandler implements FrameHandler {
        private final Blackhole bh;

        SinkHandler(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public void onDataFrameStart(int opcode, boolean fin, int rsv, long length) {
            bh.consume(length);
        }

        @Override
        public void onDataFramePayload(ByteBuffer chunk, boolean frameEnd) {
            bh.consume(chunk);
        }

        @Override
        public void onControlFrame(int opcode, int rsv, ByteBuffer payload) {
            bh.consume(payload);
        }
    }

    /** The engine's output: the buffers that would go to the socket, dropped. */
    static final class SinkOutput implements ProtocolOutput {
        private final Blackhole bh;

        SinkOutput(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public void write(ByteBuffer bytes) {
            bh.consume(bytes);
        }

        @Override
        public void closeTransport() {
        }
    }

    /** An engine listener for benchmarks that only send. */
    enum NoListener implements ProtocolListener {
        INSTANCE;

        @Override
        public void onText(String text) {
        }

        @Override
        public void onBinary(ByteBuffer data) {
        }

        @Override
        public void onPing(ByteBuffer data) {
        }

        @Override
        public void onPong(ByteBuffer data) {
        }

        @Override
        public void onCloseFrame(int code, String reason) {
        }

        @Override
        public void onProtocolError(ProtocolException error) {
        }
    }
}
