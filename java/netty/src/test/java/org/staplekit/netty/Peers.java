package org.staplekit.netty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** The JDK's TLS client as a peer (s_client and curl: {@link org.staplekit.tools.CommandPeers}). */
final class Peers {
    static {
        // Only the explicit revocation checker checks revocation; the default OCSP path stays off.
        Security.setProperty("ocsp.enable", "false");
    }

    private Peers() {}

    /** What a JDK client's handshake saw. */
    static final class Jdk {
        final String protocol;
        final List<byte[]> statusResponses;
        final String answer;

        Jdk(String protocol, List<byte[]> statusResponses, String answer) {
            this.protocol = protocol;
            this.statusResponses = statusResponses;
            this.answer = answer;
        }
    }

    /** A JDK handshake to 127.0.0.1:port with only {@code protocol}, then one HTTP request. */
    static Jdk jdk(SSLContext context, int port, String protocol) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(
                SocketFactory.getDefault().createSocket("127.0.0.1", port), "localhost", port,
                true)) {
            socket.setSoTimeout(20_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {protocol});
            parameters.setServerNames(List.of(new SNIHostName("localhost")));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            ExtendedSSLSession session = (ExtendedSSLSession) socket.getSession();
            List<byte[]> responses = new ArrayList<>(session.getStatusResponses());
            socket.getOutputStream().write(
                    "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Jdk(session.getProtocol(), responses, answer);
        }
    }
}
