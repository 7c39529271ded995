package org.staplekit.agent;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
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
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;

/**
 * Netty 4.2 serving HTTPS with its JDK provider ({@code SslProvider.JDK}: SunJSSE's
 * {@code SSLEngine}), configured the way its users configure it: a {@code KeyManagerFactory}
 * from a key store, {@code SslContextBuilder.forServer(keyManagerFactory)}, ALPN offering
 * {@code h2} then {@code http/1.1}, and an {@code ApplicationProtocolNegotiationHandler} that
 * sets up HTTP/2 or HTTP/1.1. Every request is answered {@code 200} with {@code netty-jdk <ALPN
 * protocol>}. Nothing here knows about stapling: the agent ({@code -javaagent:}) does it. Run in
 * a child JVM by the tests; prints {@code listening on PORT}.
 *
 * <p>Arguments: the key store and its password; without them, the key store named by
 * {@code javax.net.ssl.keyStore} and {@code javax.net.ssl.keyStorePassword}.
 */
public final class NettyJdkServer {
    private NettyJdkServer() {}

    public static void main(String[] args) throws Exception {
        serve(SslContextBuilder.forServer(keyManagers(args)));
    }

    /**
     * Builds {@code tls} with the JDK provider and ALPN ({@code h2}, then {@code http/1.1}),
     * serves HTTP/1.1 and HTTP/2 on 127.0.0.1 with it and prints {@code listening on PORT}.
     */
    static void serve(SslContextBuilder tls) throws Exception {
        SslContext context = tls
                .sslProvider(SslProvider.JDK)
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(context.newHandler(channel.alloc()),
                                new Negotiation());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        System.out.println("listening on " + ((InetSocketAddress) server.localAddress()).getPort());
        server.closeFuture().sync();
    }

    /** The key store of the arguments, or of the javax.net.ssl properties. */
    private static KeyManagerFactory keyManagers(String[] args) throws Exception {
        String path = args.length > 0 ? args[0] : System.getProperty("javax.net.ssl.keyStore");
        char[] password = (args.length > 1 ? args[1]
                : System.getProperty("javax.net.ssl.keyStorePassword", "")).toCharArray();
        if (path == null) {
            throw new IllegalArgumentException(
                    "no key store: give one as an argument or set javax.net.ssl.keyStore");
        }
        // PKCS12 or JKS, told from the content.
        KeyStore store = KeyStore.getInstance(new File(path), password);
        KeyManagerFactory factory =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory;
    }

    /** After the handshake: HTTP/2 when ALPN chose {@code h2}, else HTTP/1.1. */
    private static final class Negotiation extends ApplicationProtocolNegotiationHandler {
        Negotiation() {
            super(ApplicationProtocolNames.HTTP_1_1);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext context, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                context.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                        new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel stream) {
                                stream.pipeline().addLast(
                                        new Http2StreamFrameToHttpObjectCodec(true),
                                        new HttpObjectAggregator(64 * 1024),
                                        new Hello(protocol));
                            }
                        }));
            } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
                context.pipeline().addLast(new HttpServerCodec(),
                        new HttpObjectAggregator(64 * 1024), new Hello(protocol));
            } else {
                throw new IllegalStateException("unexpected ALPN protocol " + protocol);
            }
        }
    }

    /** Answers every request with 200 and the ALPN protocol it came over. */
    private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String protocol;

        Hello(String protocol) {
            this.protocol = protocol;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK, Unpooled.copiedBuffer("netty-jdk " + protocol + "\n",
                            StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
            HttpUtil.setContentLength(response, response.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            context.writeAndFlush(response).addListener(keepAlive
                    ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
        }
    }
}
