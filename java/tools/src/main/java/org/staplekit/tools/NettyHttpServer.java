package org.staplekit.tools;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.netty.util.ReferenceCountUtil;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A Netty HTTPS server answering every request, over HTTP/1.1 or HTTP/2 (ALPN {@code h2}), with
 * a short text naming the protocol. Each
 * HTTP/1.1 response closes its connection, as {@link BcStaplingServer}'s do. The TLS contexts
 * stay the caller's.
 */
public final class NettyHttpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NettyHttpServer.class.getName());

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final Channel channel;

    /** Serves {@code context} on {@code address:port} (0: any free port). */
    public NettyHttpServer(SslContext context, InetAddress address, int port)
            throws InterruptedException {
        this(address, port, channel -> context.newHandler(channel.alloc()));
    }

    /**
     * Serves, on {@code address:port}, the context each client's SNI name maps to (Netty's
     * {@link SniHandler}).
     */
    public NettyHttpServer(Mapping<? super String, ? extends SslContext> contexts,
            InetAddress address, int port) throws InterruptedException {
        this(address, port, channel -> new SniHandler(contexts));
    }

    private NettyHttpServer(InetAddress address, int port, Function<Channel, ChannelHandler> tls)
            throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(tls.apply(channel), new Negotiation());
                    }
                });
        try {
            this.channel = bootstrap.bind(new InetSocketAddress(address, port)).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            shutdown();
            throw e;
        }
    }

    /** The port bound. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Completes when the server channel closes. */
    public void awaitClose() throws InterruptedException {
        channel.closeFuture().sync();
    }

    /** Stops accepting and shuts the event loops down, waiting for them. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        shutdown();
    }

    private void shutdown() {
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static ByteBuf body(ChannelHandlerContext ctx, String protocol) {
        // What was stapled cannot be read back from a server's OpenSSL engine
        // (getOcspResponse is for clients): the clients see it.
        String text = "hello from staplekit over " + protocol + "\n";
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    /** After the handshake: HTTP/2 for {@code h2}, else HTTP/1.1. */
    private static final class Negotiation extends ApplicationProtocolNegotiationHandler {
        Negotiation() {
            super(ApplicationProtocolNames.HTTP_1_1);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new Http2Answer());
            } else {
                ctx.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 * 1024),
                        new Http1Answer());
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.DEBUG, "handshake with {0} failed: {1}", ctx.channel().remoteAddress(),
                    cause.toString());
            ctx.close();
        }
    }

    private static final class Http1Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK, body(ctx, "HTTP/1.1"));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.DEBUG, "HTTP/1.1 connection failed: {0}", cause.toString());
            ctx.close();
        }
    }

    private static final class Http2Answer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                boolean requestEnds = message instanceof Http2HeadersFrame
                        && ((Http2HeadersFrame) message).isEndStream()
                        || message instanceof Http2DataFrame && ((Http2DataFrame) message).isEndStream();
                if (requestEnds) {
                    Http2FrameStream stream = ((Http2StreamFrame) message).stream();
                    DefaultHttp2Headers headers = new DefaultHttp2Headers();
                    headers.status(HttpResponseStatus.OK.codeAsText())
                            .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
                    ctx.write(new DefaultHttp2HeadersFrame(headers).stream(stream));
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(body(ctx, "HTTP/2"), true).stream(stream));
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.DEBUG, "HTTP/2 connection failed: {0}", cause.toString());
            ctx.close();
        }
    }
}
