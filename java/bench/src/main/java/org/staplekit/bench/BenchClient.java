package org.staplekit.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.staplekit.tools.JdkClientContext;

/**
 * The one client of every measurement: the JDK's own TLS client (SunJSSE {@link SSLSocket}),
 * which asks for status ({@code status_request}, and {@code status_request_v2} with
 * {@code ocsp_multi} when TLS 1.2 is enabled). It does not check revocation, so servers that do
 * not staple are served alike; it counts the staples it got.
 *
 * <p>Every handshake is a full one: each connection names a host of its own (SNI), and the JDK
 * client looks for a session to resume by host and port, so it never offers one.
 */
final class BenchClient {
    private static final byte[] REQUEST =
            "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final SSLSocketFactory factory;
    private final AtomicLong connections = new AtomicLong();

    /** What one connection showed. */
    static final class Result {
        /** From before the TCP connect until the client's handshake returned. */
        final long handshakeNanos;
        /** How many non-empty status responses the client received. */
        final int stapled;

        Result(long handshakeNanos, int stapled) {
            this.handshakeNanos = handshakeNanos;
            this.stapled = stapled;
        }
    }

    BenchClient(X509Certificate root) throws GeneralSecurityException, IOException {
        SSLContext context = JdkClientContext.trusting(root, false);
        // Sessions are never resumed (see above); this only bounds what the cache keeps.
        context.getClientSessionContext().setSessionCacheSize(64);
        this.factory = context.getSocketFactory();
    }

    /**
     * Connects to 127.0.0.1:{@code port} with only {@code protocol} enabled, completes a full
     * handshake, sends a request and reads the answer to its end.
     */
    Result connect(int port, String protocol) throws IOException {
        String host = "c" + connections.incrementAndGet() + ".bench.invalid";
        long start = System.nanoTime();
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.setSoTimeout(20_000);
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 20_000);
        } catch (IOException e) {
            plain.close();
            throw e;
        }
        try (SSLSocket socket = (SSLSocket) factory.createSocket(plain, host, port, true)) {
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
            long handshake = System.nanoTime() - start;
            int stapled = 0;
            for (byte[] response : ((ExtendedSSLSession) socket.getSession())
                    .getStatusResponses()) {
                stapled += response.length > 0 ? 1 : 0;
            }
            socket.getOutputStream().write(REQUEST);
            socket.getOutputStream().flush();
            byte[] answer = socket.getInputStream().readAllBytes();
            if (answer.length == 0) {
                throw new IOException("the server on port " + port + " answered nothing");
            }
            return new Result(handshake, stapled);
        }
    }
}
