package org.staplekit.agent;

import java.io.IOException;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The JDK client offering an ALPN protocol (such as {@code h2}): completes a handshake only, as
 * the staples are all it looks at; the context decides how revocation is checked
 * ({@link Servers#client}: on the staples alone, so a handshake without them fails).
 */
final class AlpnClient {
    private AlpnClient() {}

    /** What the handshake showed the client. */
    static final class Result {
        final String protocol;
        final String applicationProtocol;
        final int stapled;

        Result(String protocol, String applicationProtocol, int stapled) {
            this.protocol = protocol;
            this.applicationProtocol = applicationProtocol;
            this.stapled = stapled;
        }
    }

    /** Connects to 127.0.0.1:port offering {@code alpn} on {@code protocol} alone. */
    static Result handshake(SSLContext context, int port, String protocol, String alpn)
            throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost",
                port)) {
            socket.setSoTimeout(20_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {protocol});
            parameters.setApplicationProtocols(new String[] {alpn});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            ExtendedSSLSession session = (ExtendedSSLSession) socket.getSession();
            int stapled = 0;
            for (byte[] response : session.getStatusResponses()) {
                stapled += response.length > 0 ? 1 : 0;
            }
            return new Result(session.getProtocol(), socket.getApplicationProtocol(), stapled);
        }
    }
}
