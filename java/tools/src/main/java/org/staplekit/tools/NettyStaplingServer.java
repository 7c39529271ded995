package org.staplekit.tools;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.staplekit.StaplingEngine;
import org.staplekit.netty.StaplingSslContext;

/**
 * An HTTPS server on Netty with the OpenSSL/BoringSSL provider (netty-tcnative) that staples
 * through the engine ({@link StaplingSslContext}), serving HTTP/1.1 and HTTP/2 (ALPN
 * {@code h2}); each answer names the protocol.
 *
 * <pre>
 * java -cp 'lib/*' org.staplekit.tools.NettyStaplingServer --cert CHAIN.pem --key KEY.pem --port N
 *     [--properties FILE] [--bind ADDRESS] [--jmx-name NAME]
 * </pre>
 *
 * <p>Options, properties, {@code CHAIN.pem.ors}, the MBean and the {@code listening on PORT}
 * line are those of {@link BcStaplingServer}.
 */
public final class NettyStaplingServer {
    private static final System.Logger LOG = System.getLogger(NettyStaplingServer.class.getName());

    private NettyStaplingServer() {}

    /**
     * The server builder the tool uses: the chain and key from PEM files, the OpenSSL provider,
     * HTTP/2's ciphers, and ALPN offering {@code h2} then {@code http/1.1}.
     */
    public static SslContextBuilder builder(Path chainPem, Path keyPem) {
        return SslContextBuilder.forServer(chainPem.toFile(), keyPem.toFile())
                .sslProvider(SslProvider.OPENSSL)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
    }

    /** Runs the tool; see the class comment. Exit status 2 for bad arguments. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args, System.err);
        if (options == null) {
            System.exit(2);
            return;
        }
        StaplingEngine engine = ServerTool.engine(options);
        Path chainFile = Paths.get(options.get("--cert"));
        Path keyFile = Paths.get(options.get("--key"));
        StaplingSslContext context = StaplingSslContext.build(engine, builder(chainFile, keyFile),
                chainFile);
        ServerTool.logRegistered(LOG, chainFile);
        InetAddress address = InetAddress.getByName(options.getOrDefault("--bind", "127.0.0.1"));
        NettyHttpServer server = new NettyHttpServer(context, address,
                Integer.parseInt(options.get("--port")));
        ServerTool.registerMBean(LOG, engine, context.chain(), options, server.port());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            context.close();
            engine.close();
        }));
        ServerTool.ready(server.port());
        server.awaitClose();
    }

    /** The options, or null after printing why they are wrong. */
    static Map<String, String> options(String[] args, PrintStream err) {
        return ServerTool.options("NettyStaplingServer", args, err);
    }
}
