package org.staplekit.bench;

import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.nio.file.Path;
import org.staplekit.tools.NettyHttpServer;
import org.staplekit.tools.NettyStaplingServer;

/**
 * NettyStaplingServer's server without staplekit, for {@code bench/netty}'s "no stapling" row:
 * the same builder (OpenSSL, HTTP/2 ciphers, ALPN) and HTTP server, no engine, OCSP off.
 *
 * <pre>
 * PlainNettyServer CHAIN.pem KEY.pem
 * </pre>
 *
 * Prints {@code listening on PORT} (a free port on 127.0.0.1) once ready.
 */
public final class PlainNettyServer {
    private PlainNettyServer() {}

    public static void main(String[] args) throws Exception {
        SslContext context = NettyStaplingServer.builder(Path.of(args[0]), Path.of(args[1])).build();
        NettyHttpServer server = new NettyHttpServer(context, InetAddress.getLoopbackAddress(), 0);
        System.out.println("listening on " + server.port());
        System.out.flush();
        server.awaitClose();
    }
}
