package org.staplekit.bc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Security;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.staplekit.tools.JdkClientContext;

/**
 * The JDK's own TLS client (SunJSSE) as the peer: it asks for status with both extensions (TLS
 * 1.2) or {@code status_request} (TLS 1.3), and checks revocation with a
 * {@link PKIXRevocationChecker} (NO_FALLBACK, every certificate, not only the leaf), which uses
 * the stapled responses.
 */
public final class JdkClient {
    static {
        // Only the explicit checker below checks revocation; the default OCSP path stays off.
        Security.setProperty("ocsp.enable", "false");
    }

    private JdkClient() {}

    /** What a completed handshake showed the client. */
    public static final class Result {
        /** The negotiated protocol, e.g. {@code TLSv1.3}. */
        public final String protocol;
        /** {@code ExtendedSSLSession.getStatusResponses()}. */
        public final List<byte[]> statusResponses;
        /** What the server answered to a request. */
        public final String response;

        Result(String protocol, List<byte[]> statusResponses, String response) {
            this.protocol = protocol;
            this.statusResponses = statusResponses;
            this.response = response;
        }

        /** How many status responses are non-empty. */
        public int stapled() {
            int n = 0;
            for (byte[] response : statusResponses) {
                n += response.length > 0 ? 1 : 0;
            }
            return n;
        }
    }

    /** An SSLContext trusting {@code root}, checking revocation when {@code checkRevocation}. */
    public static SSLContext context(X509Certificate root, boolean checkRevocation)
            throws GeneralSecurityException, IOException {
        return JdkClientContext.trusting(root, checkRevocation);
    }

    /** Connects to 127.0.0.1:port with only {@code protocol} enabled and completes a handshake. */
    public static Result handshake(SSLContext context, int port, String protocol) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(20_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
            ExtendedSSLSession session = (ExtendedSSLSession) socket.getSession();
            List<byte[]> responses = new ArrayList<>(session.getStatusResponses());
            // Reads the server's answer so the connection ends cleanly on both sides.
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(session.getProtocol(), responses, answer);
        }
    }

    /** The reason of a CertPathValidatorException in {@code e}'s causes, or null. */
    public static CertPathValidatorException.Reason validationFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathValidatorException) {
                return ((CertPathValidatorException) t).getReason();
            }
        }
        return null;
    }
}
