package org.staplekit.netty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** The real clients the tests run against the server: the JDK's, OpenSSL's s_client, curl. */
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

    /** A finished process: its exit status and what it printed (stdout and stderr). */
    static final class Run {
        final int status;
        final String output;

        Run(int status, String output) {
            this.status = status;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + status + ":\n" + output;
        }
    }

    /** {@code openssl s_client -status} to 127.0.0.1:port with SNI {@code serverName}. */
    static Run sClient(int port, Path caFile, String serverName) throws Exception {
        return run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-status",
                "-servername", serverName, "-CAfile", caFile.toString()));
    }

    /** {@code curl --cert-status} for https://localhost:port/, over HTTP/2 when {@code http2}. */
    static Run curl(int port, Path caFile, boolean http2) throws Exception {
        return run(List.of("curl", "--silent", "--show-error", "--max-time", "20",
                "--cert-status", "--cacert", caFile.toString(),
                http2 ? "--http2" : "--http1.1", "https://localhost:" + port + "/"));
    }

    private static Run run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                in.transferTo(output);
            } catch (IOException ignored) {
                // The process is gone; what was read is kept.
            }
        });
        pump.start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        pump.join(5_000);
        return new Run(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    }
}
