package dev.seed.websocket.bench.jmh;

import dev.seed.websocket.protocol.handshake.HandshakeException;
import dev.seed.websocket.protocol.handshake.HttpRequest;
import dev.seed.websocket.protocol.handshake.HttpRequestParser;
import dev.seed.websocket.protocol.handshake.ServerHandshake;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The server side of the opening handshake (RFC 6455 section 4.2) for a browser-like request,
 * handshakes per second.
 *
 * <ul>
 * <li>parse: the HTTP request head only; ours against Netty's {@code HttpRequestDecoder}.</li>
 * <li>handshake: parse, validate, compute Sec-WebSocket-Accept and produce the 101 response
 * bytes; ours against Netty's {@code HttpServerCodec}, {@code HttpObjectAggregator} and
 * {@code WebSocketServerProtocolHandler} in a fresh embedded channel (Netty builds that pipeline
 * for every connection).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandshakeBenchmark {

    static final String REQUEST = "GET /echo HTTP/1.1\r\n"
            + "Host: 127.0.0.1:8080\r\n"
            + "Connection: Upgrade\r\n"
            + "Pragma: no-cache\r\n"
            + "Cache-Control: no-cache\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/126.0 Safari/537.36\r\n"
            + "Upgrade: websocket\r\n"
            + "Origin: http://127.0.0.1:8080\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Accept-Language: en-US,en;q=0.9\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "\r\n";

    private byte[] request;
    private ServerHandshake handshake;
    private EmbeddedChannel nettyParser;

    @Setup
    public void setup() {
        request = REQUEST.getBytes(StandardCharsets.US_ASCII);
        handshake = ServerHandshake.builder().build();
        nettyParser = new EmbeddedChannel(new HttpRequestDecoder());
    }

    @TearDown
    public void tearDown() {
        nettyParser.finishAndReleaseAll();
    }

    @Benchmark
    public HttpRequest parse_ours() throws HandshakeException {
        return new HttpRequestParser(16 * 1024).parse(ByteBuffer.wrap(request));
    }

    @Benchmark
    public void parse_netty(Blackhole bh) {
        nettyParser.writeInbound(Unpooled.wrappedBuffer(request));
        Object m;
        while ((m = nettyParser.readInbound()) != null) {
            bh.consume(m);
            ReferenceCountUtil.release(m);
        }
    }

    @Benchmark
    public ByteBuffer handshake_ours() throws HandshakeException {
        HttpRequest r = new HttpRequestParser(16 * 1024).parse(ByteBuffer.wrap(request));
        return handshake.accept(r, List.of(), false).responseBytes();
    }

    @Benchmark
    public void handshake_netty(Blackhole bh) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(65536),
                new WebSocketServerProtocolHandler("/echo"));
        ch.writeInbound(Unpooled.wrappedBuffer(request));
        Object m;
        while ((m = ch.readOutbound()) != null) {
            if (m instanceof ByteBuf b) {
                bh.consume(b.readableBytes());
            }
            ReferenceCountUtil.release(m);
        }
        ch.finishAndReleaseAll();
    }
}
