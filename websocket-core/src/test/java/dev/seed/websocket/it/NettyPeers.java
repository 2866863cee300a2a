package dev.seed.websocket.it;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyStore;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/** A Netty 4.2 echo server and a Netty client, built from Netty's own websocketx handlers. */
final class NettyPeers {

    static final int MAX = 64 * 1024 * 1024;

    private NettyPeers() {
    }

    private static KeyStore keyStore() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(TestTls.keyStoreFile())) {
            ks.load(in, TestTls.password().toCharArray());
        }
        return ks;
    }

    /** A running Netty echo server on 127.0.0.1. */
    static final class Server implements AutoCloseable {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final Channel channel;
        final CompletableFuture<String> lastClose = new CompletableFuture<>();

        Server(boolean deflate, boolean tls) throws Exception {
            SslContext ssl = null;
            if (tls) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore(), TestTls.password().toCharArray());
                ssl = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build();
            }
            SslContext sslContext = ssl;
            channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            if (sslContext != null) {
                                p.addLast(sslContext.newHandler(ch.alloc()));
                            }
                            p.addLast(new HttpServerCodec());
                            p.addLast(new HttpObjectAggregator(65536));
                            if (deflate) {
                                p.addLast(new WebSocketServerCompressionHandler(MAX));
                            }
                            p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                    .websocketPath("/echo").allowExtensions(true).maxFramePayloadLength(MAX)
                                    .handleCloseFrames(false).build()));
                            p.addLast(new WebSocketFrameAggregator(MAX));
                            p.addLast(new SimpleChannelInboundHandler<WebSocketFrame>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
                                    if (f instanceof TextWebSocketFrame t) {
                                        ctx.writeAndFlush(new TextWebSocketFrame(t.content().retain()));
                                    } else if (f instanceof BinaryWebSocketFrame b) {
                                        ctx.writeAndFlush(new BinaryWebSocketFrame(b.content().retain()));
                                    } else if (f instanceof PingWebSocketFrame ping) {
                                        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                                    } else if (f instanceof CloseWebSocketFrame c) {
                                        lastClose.complete(c.statusCode() + " " + c.reasonText());
                                        ctx.writeAndFlush(new CloseWebSocketFrame(c.statusCode(), c.reasonText()))
                                                .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                                    }
                                }
                            });
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        }

        int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A connected Netty client that queues what it receives. */
    static final class Client implements AutoCloseable {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> handshake = new CompletableFuture<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        final Channel channel;

        Client(URI uri, boolean deflate, boolean tls) throws Exception {
            SslContext ssl = null;
            if (tls) {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(keyStore());
                ssl = SslContextBuilder.forClient().trustManager(tmf).sslProvider(SslProvider.JDK).build();
            }
            SslContext sslContext = ssl;
            channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            if (sslContext != null) {
                                p.addLast(sslContext.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                            }
                            p.addLast(new HttpClientCodec());
                            p.addLast(new HttpObjectAggregator(65536));
                            if (deflate) {
                                p.addLast(new WebSocketClientCompressionHandler(MAX));
                            }
                            p.addLast(new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(
                                    uri, WebSocketVersion.V13, null, true, new DefaultHttpHeaders(), MAX), false, false));
                            p.addLast(new WebSocketFrameAggregator(MAX));
                            p.addLast(new SimpleChannelInboundHandler<WebSocketFrame>() {
                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                                    if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                                        handshake.complete(null);
                                    }
                                    super.userEventTriggered(ctx, evt);
                                }

                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
                                    if (f instanceof TextWebSocketFrame t) {
                                        received.add(t.text());
                                    } else if (f instanceof BinaryWebSocketFrame b) {
                                        byte[] bytes = new byte[b.content().readableBytes()];
                                        b.content().getBytes(b.content().readerIndex(), bytes);
                                        received.add(bytes);
                                    } else if (f instanceof PongWebSocketFrame pong) {
                                        received.add("pong:" + pong.content().toString(java.nio.charset.StandardCharsets.UTF_8));
                                    } else if (f instanceof CloseWebSocketFrame c) {
                                        closed.complete(c.statusCode() + " " + c.reasonText());
                                    }
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    closed.complete("tcp closed");
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    handshake.completeExceptionally(cause);
                                    ctx.close();
                                }
                            });
                        }
                    })
                    .connect(uri.getHost(), uri.getPort()).sync().channel();
            handshake.get(10, TimeUnit.SECONDS);
        }

        void sendText(String text) {
            channel.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
        }

        void sendBinary(byte[] bytes) {
            channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))).syncUninterruptibly();
        }

        /** A message in fragments: the first frame, then continuations. */
        void sendFragmentedText(String... parts) {
            for (int i = 0; i < parts.length; i++) {
                boolean last = i == parts.length - 1;
                ByteBuf buf = Unpooled.copiedBuffer(parts[i], java.nio.charset.StandardCharsets.UTF_8);
                WebSocketFrame f = i == 0 ? new TextWebSocketFrame(last, 0, buf)
                        : new io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame(last, 0, buf);
                channel.writeAndFlush(f).syncUninterruptibly();
            }
        }

        /** A binary message in fragments: the first frame, then continuations. */
        void sendFragmentedBinary(byte[]... parts) {
            for (int i = 0; i < parts.length; i++) {
                boolean last = i == parts.length - 1;
                ByteBuf buf = Unpooled.wrappedBuffer(parts[i]);
                WebSocketFrame f = i == 0 ? new BinaryWebSocketFrame(last, 0, buf)
                        : new io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame(last, 0, buf);
                channel.writeAndFlush(f).syncUninterruptibly();
            }
        }

        void ping(String payload) {
            channel.writeAndFlush(new PingWebSocketFrame(Unpooled.copiedBuffer(payload, java.nio.charset.StandardCharsets.UTF_8)))
                    .syncUninterruptibly();
        }

        void sendClose(int code, String reason) {
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).syncUninterruptibly();
        }

        Object next() throws InterruptedException {
            Object o = received.poll(10, TimeUnit.SECONDS);
            if (o == null) {
                throw new AssertionError("no message within 10 s");
            }
            return o;
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
