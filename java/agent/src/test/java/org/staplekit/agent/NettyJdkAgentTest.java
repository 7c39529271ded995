package org.staplekit.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.staplekit.bc.JdkClient;
import org.staplekit.testkit.Pki;
import org.staplekit.tools.ServerProcess;

/**
 * Netty 4.2 with its JDK provider ({@link NettyJdkServer}: {@code SslProvider.JDK}, HTTP/1.1
 * and h2 over ALPN) started in a child JVM with {@code -javaagent:staplekit-agent.jar} and the
 * JVM's key store properties, against three real clients: the JDK client checking revocation on
 * staples only gets the leaf's and the intermediate's responses in TLS 1.2 ({@code ocsp_multi})
 * and TLS 1.3 and refuses a revoked leaf; {@code openssl s_client -status} prints the leaf's
 * staple; {@code curl --cert-status} succeeds for the good leaf, over HTTP/1.1 and HTTP/2, and
 * fails for the revoked one. One server JVM per chain, shared by the tests; and a server built
 * from PEM files, which the agent cannot read, with the embedding API ({@link JdkStapling}).
 */
@Timeout(180)
class NettyJdkAgentTest {
    private static Pki pki;
    private static Path root;
    /** The good chain, from the javax.net.ssl properties (no arguments). */
    private static ServerProcess good;
    /** The revoked chain, from the arguments (the agent reads the same file's properties). */
    private static ServerProcess revoked;

    @BeforeAll
    static void start() throws Exception {
        pki = Pki.startInProcess();
        root = pki.pki().root();
        Path goodStore = KeyStores.good(pki.pki());
        Path revokedStore = KeyStores.revoked(pki.pki());
        good = ServerProcess.start(NettyJdkServer.class, Servers.withAgent(goodStore));
        revoked = ServerProcess.start(NettyJdkServer.class, Servers.withAgent(revokedStore),
                revokedStore.toString(), KeyStores.PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (ServerProcess server : new ServerProcess[] {good, revoked}) {
                if (server != null) {
                    server.close();
                }
            }
        } finally {
            if (pki != null) {
                pki.close();
            }
        }
    }

    @Test
    void staplesTheLeafAndTheIntermediateInTls12AndTls13(TestReporter reporter) throws Exception {
        JdkClient.Result tls12 = Servers.handshake(pki, good.port(), "TLSv1.2");
        assertEquals("TLSv1.2", tls12.protocol);
        assertEquals(2, tls12.stapled(), "ocsp_multi: leaf and intermediate\n" + good.log());
        assertTrue(tls12.statusResponses.get(0).length > 0, "the leaf's comes first");
        assertTrue(tls12.statusResponses.get(1).length > 0, "then the intermediate's");
        assertTrue(tls12.response.startsWith("HTTP/1.1 200 OK"), tls12.response);
        assertTrue(tls12.response.endsWith("netty-jdk http/1.1\n"), tls12.response);

        JdkClient.Result tls13 = Servers.handshake(pki, good.port(), "TLSv1.3");
        assertEquals("TLSv1.3", tls13.protocol);
        assertEquals(2, tls13.stapled(), "leaf and intermediate entries\n" + good.log());

        String log = good.log();
        assertTrue(log.contains("staplekit: stapling 1 chain(s) for the JDK's TLS server"), log);
        assertTrue(log.contains("2 of 2 certificate(s) with a response to staple"), log);
        log.lines().filter(l -> l.contains("staplekit: stapling")).forEach(
                l -> reporter.publishEntry("agent", l));
    }

    @Test
    void aRevokedLeafIsRefusedByTheJdkClient() {
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                    () -> Servers.handshake(pki, revoked.port(), protocol));
            assertEquals(CertPathValidatorException.BasicReason.REVOKED,
                    JdkClient.validationFailure(e), protocol + ": " + e);
        }
    }

    @Test
    void opensslSClientShowsTheLeafsStaple() throws Exception {
        for (String protocol : List.of("-tls1_2", "-tls1_3")) {
            Peers.Run run = Peers.sClient(root, good.port(), protocol);
            assertEquals(0, run.exitStatus, protocol + " " + run);
            assertTrue(run.output.contains("OCSP Response Status: successful"),
                    protocol + " " + run);
            assertTrue(run.output.contains("Cert Status: good"), protocol + " " + run);
            assertTrue(run.output.contains("Verify return code: 0 (ok)"), protocol + " " + run);

            Peers.Run revokedRun = Peers.sClient(root, revoked.port(), protocol);
            assertTrue(revokedRun.output.contains("Cert Status: revoked"),
                    protocol + " " + revokedRun);
        }
    }

    @Test
    void curlChecksTheStapleOfTheGoodAndOfTheRevokedLeaf() throws Exception {
        for (String protocol : List.of("--tlsv1.2", "--tlsv1.3")) {
            // --tls-max pins the protocol curl offers to the one asked for.
            String max = protocol.equals("--tlsv1.2") ? "1.2" : "1.3";
            Peers.Run ok = Peers.curl(root, good.port(), "--http1.1", protocol, "--tls-max", max);
            assertEquals(0, ok.exitStatus, protocol + " " + ok);
            assertTrue(ok.output.contains("netty-jdk http/1.1\nversion 1.1"), protocol + " " + ok);

            Peers.Run refused = Peers.curl(root, revoked.port(), "--http1.1", protocol,
                    "--tls-max", max);
            // 91: CURLE_SSL_INVALIDCERTSTATUS, the stapled status is not good.
            assertEquals(91, refused.exitStatus, protocol + " " + refused);
            assertTrue(refused.output.contains("SSL certificate revocation reason: keyCompromise"),
                    protocol + " " + refused);
        }
    }

    @Test
    void anHttp2ConnectionGetsTheStaplesToo() throws Exception {
        Peers.Run curl = Peers.curl(root, good.port(), "--http2");
        assertEquals(0, curl.exitStatus, curl.toString());
        assertTrue(curl.output.contains("netty-jdk h2\nversion 2"), curl.toString());
        Peers.Run revokedCurl = Peers.curl(root, revoked.port(), "--http2");
        assertNotEquals(0, revokedCurl.exitStatus, revokedCurl.toString());

        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            AlpnClient.Result h2 = AlpnClient.handshake(Servers.client(pki), good.port(),
                    protocol, "h2");
            assertEquals("h2", h2.applicationProtocol, protocol);
            assertEquals(protocol, h2.protocol);
            assertEquals(2, h2.stapled, protocol + ": leaf and intermediate over h2\n"
                    + good.log());
        }
    }

    @Test
    void theEmbeddingApiStaplesForAServerBuiltFromPemFiles() throws Exception {
        try (ServerProcess server = ServerProcess.start(NettyJdkEmbeddingServer.class, List.of(),
                pki.pki().leafChain().toString(), pki.pki().leafKey().toString())) {
            for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
                assertEquals(2, Servers.handshake(pki, server.port(), protocol).stapled(),
                        protocol + "\n" + server.log());
            }
            Peers.Run curl = Peers.curl(root, server.port(), "--http2");
            assertEquals(0, curl.exitStatus, curl.toString());
            assertTrue(server.log().contains("2 of 2 certificate(s) with a response to staple"),
                    server.log());
        }
    }
}
