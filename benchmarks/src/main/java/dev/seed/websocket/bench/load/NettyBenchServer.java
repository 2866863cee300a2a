package dev.seed.websocket.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Netty 4.2 server the load benchmark compares with, built from Netty's own websocketx
 * handlers the way its examples do: HttpServerCodec, HttpObjectAggregator, (compression),
 * WebSocketServerProtocolHandler, WebSocketFrameAggregator, then an echo handler that writes in
 * channelRead and flushes once in channelReadComplete (Netty's echo example), and a broadcast
 * handler that writes to a ChannelGroup and flushes the group once per read. One event loop
 * accepts and serves, as ours does.
 */
final class NettyBenchServer implements BenchServer.Running {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup broadcastGroup = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    private final Channel channel;

    NettyBenchServer(boolean deflate) throws InterruptedException {
        channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast(new HttpServerCodec());
                        p.addLast(new HttpObjectAggregator(65536));
                        if (deflate) {
                            p.addLast(new WebSocketServerCompressionHandler(BenchServer.MAX_MESSAGE));
                        }
                        p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                .websocketPath("/").checkStartsWith(true).allowExtensions(deflate)
                                .maxFramePayloadLength(BenchServer.MAX_MESSAGE).build()));
                        p.addLast(new WebSocketFrameAggregator(BenchServer.MAX_MESSAGE));
                        p.addLast(new Handler());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Echo or broadcast, chosen by the path of the handshake. One instance per channel. */
    private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
        private boolean broadcast;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
                broadcast = hc.requestUri().startsWith("/broadcast");
                if (broadcast) {
                    broadcastGroup.add(ctx.channel());
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (broadcast) {
                if (frame instanceof TextWebSocketFrame t) {
                    broadcastGroup.write(new TextWebSocketFrame(t.content().retain()));
                }
                return;
            }
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                ctx.write(frame.retain());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (broadcast) {
                broadcastGroup.flush();
            } else {
                ctx.flush();
            }
        }
    }

    @Override
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
