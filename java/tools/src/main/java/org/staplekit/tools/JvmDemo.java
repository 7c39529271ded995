package org.staplekit.tools;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Security;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.staplekit.CertificateChain;
import org.staplekit.NativeLibrary;
import org.staplekit.StaplingEngine;
import org.staplekit.testkit.TestPki;

/**
 * The JVM path, end to end and offline: a generated PKI with OpenSSL's own OCSP responders, a
 * Bouncy Castle server stapling through the engine, and the JDK's own client checking
 * revocation on the staples alone (a {@code PKIXRevocationChecker} with NO_FALLBACK), in TLS 1.2
 * with {@code ocsp_multi} and in TLS 1.3, then against a revoked leaf. Prints what each side saw.
 * Then, when {@code -Dstaplekit.agentJar} names the agent jar, {@link AgentDemo}: a stock JDK
 * server with the JDK's own stapling and with the agent, side by side, through a slow then
 * stopped upstream responder and a restart. Needs {@code openssl} on the PATH. Run with
 * {@code gradle demo}.
 */
public final class JvmDemo {
    private JvmDemo() {}

    /** Runs the demo; exits non-zero if a step does not go as described. */
    public static void main(String[] args) throws Exception {
        // Short log lines, and from the engine only what matters here (warnings, e.g. REVOKED).
        System.setProperty("java.util.logging.SimpleFormatter.format", "    log %4$s: %5$s%6$s%n");
        java.util.logging.Logger.getLogger("org.staplekit.native")
                .setLevel(java.util.logging.Level.WARNING);
        Security.setProperty("ocsp.enable", "false");
        Path dir = Files.createTempDirectory("staplekit-jvm-demo");
        try (TestPki pki = TestPki.start(dir)) {
            say("PKI: root -> intermediate -> leaf, generated in " + dir);
            say("OCSP: OpenSSL responders for the root at " + pki.rootResponderUrl()
                    + " and the intermediate at " + pki.intermediateResponderUrl());
            say("engine: native library from " + NativeLibrary.origin());
            X509Certificate root = Pem.certificates(pki.root()).get(0);
            boolean ok = true;
            try (StaplingEngine engine = StaplingEngine.builder().build()) {
                ok &= serve(engine, pki.leafChain(), pki.leafKey(), root, "good leaf", true);
                ok &= serve(engine, pki.revokedChain(), pki.revokedKey(), root, "revoked leaf",
                        false);
            }
            String agentJar = System.getProperty("staplekit.agentJar");
            if (agentJar != null) {
                ok &= AgentDemo.run(Path.of(agentJar),
                        Files.createDirectory(dir.resolve("agent-demo")));
            }
            say(ok ? "demo finished: every step went as expected" : "demo FAILED (see above)");
            if (!ok) {
                System.exit(1);
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** Serves one chain and connects in TLS 1.2 and 1.3; true if the outcome was as expected. */
    private static boolean serve(StaplingEngine engine, Path chainFile, Path keyFile,
            X509Certificate root, String name, boolean good) throws Exception {
        List<X509Certificate> certificates = Pem.certificates(chainFile);
        boolean ok = true;
        try (CertificateChain chain = engine.parseChain(certificates);
                BcStaplingServer server = new BcStaplingServer(engine, chain,
                        Pem.privateKey(keyFile), InetAddress.getLoopbackAddress(), 0)) {
            say("");
            say("Bouncy Castle server on 127.0.0.1:" + server.port() + " with the " + name
                    + "'s chain (" + certificates.size() + " certificates)");
            for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
                ok &= connect(server.port(), protocol, root, good);
            }
        }
        return ok;
    }

    private static boolean connect(int port, String protocol, X509Certificate root, boolean good)
            throws Exception {
        try (SSLSocket socket = (SSLSocket) JdkClientContext.trusting(root, true).getSocketFactory()
                .createSocket("localhost", port)) {
            socket.setSoTimeout(20_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
            ExtendedSSLSession session = (ExtendedSSLSession) socket.getSession();
            List<byte[]> responses = new ArrayList<>(session.getStatusResponses());
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String stapled = answer.substring(answer.lastIndexOf("stapled ") + 8).trim();
            say("  " + protocol + ": server stapled " + stapled);
            say("  " + protocol + ": JDK client got " + describe(responses)
                    + "; its revocation check passed on the staples");
            return good;
        } catch (SSLHandshakeException e) {
            CertPathValidatorException.Reason reason = reason(e);
            say("  " + protocol + ": JDK client refused the handshake: "
                    + (reason == null ? e.getMessage() : reason));
            return !good && reason == CertPathValidatorException.BasicReason.REVOKED;
        }
    }

    /** "3 status responses: leaf GOOD, intermediate GOOD, root none". */
    private static String describe(List<byte[]> responses) throws IOException, OCSPException {
        String[] names = {"leaf", "intermediate", "root"};
        StringBuilder out = new StringBuilder(responses.size() + " status responses:");
        for (int i = 0; i < responses.size(); i++) {
            String name = i < names.length ? names[i] : "certificate " + i;
            out.append(i == 0 ? " " : ", ").append(name).append(' ')
                    .append(responses.get(i).length == 0 ? "none" : status(responses.get(i)));
        }
        return out.toString();
    }

    private static String status(byte[] der) throws IOException, OCSPException {
        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(der).getResponseObject();
        SingleResp single = basic.getResponses()[0];
        Object status = single.getCertStatus();
        if (status == null) {
            return "GOOD";
        }
        return status instanceof RevokedStatus ? "REVOKED" : "UNKNOWN";
    }

    private static CertPathValidatorException.Reason reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathValidatorException) {
                return ((CertPathValidatorException) t).getReason();
            }
        }
        return null;
    }

    private static void say(String line) {
        System.out.println(line);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
