package org.staplekit.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
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
 * Jetty 12, configured as its users configure HTTPS, started in a child JVM with
 * {@code -javaagent:staplekit-agent.jar} and the JVM's key store properties: the JDK client
 * checking revocation on staples only gets the leaf's and the intermediate's responses in TLS
 * 1.2 ({@code ocsp_multi}) and TLS 1.3, and refuses a revoked leaf.
 */
@Timeout(180)
class JettyAgentTest {
    private static Pki pki;
    private static Path good;
    private static Path revoked;

    @BeforeAll
    static void start() throws Exception {
        pki = Pki.startInProcess();
        good = KeyStores.good(pki.pki());
        revoked = KeyStores.revoked(pki.pki());
    }

    @AfterAll
    static void stop() throws Exception {
        pki.close();
    }

    @Test
    void staplesTheLeafAndTheIntermediateInTls12AndTls13(TestReporter reporter)
            throws Exception {
        try (ServerProcess jetty = ServerProcess.start(JettyServer.class,
                Servers.withAgent(good), good.toString(), KeyStores.PASSWORD)) {
            JdkClient.Result tls12 = Servers.handshake(pki, jetty.port(), "TLSv1.2");
            assertEquals("TLSv1.2", tls12.protocol);
            assertEquals(2, tls12.stapled(), "ocsp_multi: leaf and intermediate\n" + jetty.log());
            assertTrue(tls12.statusResponses.get(0).length > 0, "the leaf's comes first");
            assertTrue(tls12.statusResponses.get(1).length > 0, "then the intermediate's");
            assertTrue(tls12.response.startsWith("HTTP/1."), tls12.response);

            JdkClient.Result tls13 = Servers.handshake(pki, jetty.port(), "TLSv1.3");
            assertEquals("TLSv1.3", tls13.protocol);
            assertEquals(2, tls13.stapled(), "leaf and intermediate entries\n" + jetty.log());
            assertTrue(tls13.statusResponses.get(0).length > 0);
            assertTrue(tls13.statusResponses.get(1).length > 0);

            String log = jetty.log();
            assertTrue(log.contains("staplekit: stapling 1 chain(s) for the JDK's TLS server"),
                    log);
            log.lines().filter(l -> l.contains("staplekit: stapling")).forEach(
                    l -> reporter.publishEntry("agent", l));
            assertTrue(log.contains("jdk.tls.stapling.responderOverride=true"), log);
            assertTrue(log.contains("jdk.tls.stapling.cacheLifetime=30"), log);
            assertTrue(log.contains("MBean org.staplekit:type=StaplingEngine,name=staplekit-agent"),
                    log);
            assertTrue(log.contains("2 of 2 certificate(s) with a response to staple"), log);
        }
    }

    @Test
    void theAgentsPropertiesFileNamesTheKeyStoreRelativeToItself() throws Exception {
        Path properties = Files.writeString(good.resolveSibling("stapling.properties"),
                "staplekit.stapling.keyStores=" + good.getFileName() + "\n"
                        + "staplekit.stapling.keyStorePassword=" + KeyStores.PASSWORD + "\n");
        try (ServerProcess jetty = ServerProcess.start(JettyServer.class,
                List.of("-javaagent:" + Servers.agentJar() + "=" + properties),
                good.toString(), KeyStores.PASSWORD)) {
            JdkClient.Result result = Servers.handshake(pki, jetty.port(), "TLSv1.2");
            assertEquals(2, result.stapled(), jetty.log());
            assertTrue(jetty.log().contains("from " + good + " (staplekit.stapling.keyStores)"),
                    jetty.log());
        }
    }

    @Test
    void aRevokedLeafIsRefusedByTheClient() throws Exception {
        try (ServerProcess jetty = ServerProcess.start(JettyServer.class,
                Servers.withAgent(revoked), revoked.toString(), KeyStores.PASSWORD)) {
            for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
                SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                        () -> Servers.handshake(pki, jetty.port(), protocol));
                assertEquals(CertPathValidatorException.BasicReason.REVOKED,
                        JdkClient.validationFailure(e), protocol + ": " + e);
            }
        }
    }

    @Test
    void theApplicationStartsWhenTheAgentCannotStaple() throws Exception {
        try (ServerProcess jetty = ServerProcess.start(JettyServer.class, List.of(
                "-javaagent:" + Servers.agentJar(),
                "-Djavax.net.ssl.keyStore=" + good,
                "-Djavax.net.ssl.keyStorePassword=wrong"), good.toString(), KeyStores.PASSWORD)) {
            JdkClient.Result result = JdkClient.handshake(JdkClient.context(pki.root(), false),
                    jetty.port(), "TLSv1.3");
            assertEquals(0, result.stapled());
            String log = jetty.log();
            assertTrue(log.contains("staplekit agent: not stapling: key store " + good), log);
        }
    }
}
