package org.staplekit.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.staplekit.bc.JdkClient;
import org.staplekit.testkit.Pki;
import org.staplekit.tools.ServerProcess;

/**
 * Tomcat 11 embedded, configured as its users configure HTTPS (SSLHostConfig with a certificate
 * key store), with stapling from the embedding API {@link JdkStapling} in its main, in a child
 * JVM: TLS 1.2 {@code ocsp_multi} and TLS 1.3 carry the leaf's and the intermediate's responses,
 * and a revoked leaf is refused.
 */
@Timeout(180)
class TomcatEmbeddingTest {
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
    void staplesTheLeafAndTheIntermediateInTls12AndTls13() throws Exception {
        try (ServerProcess tomcat = ServerProcess.start(TomcatServer.class, List.of(),
                good.toString(), KeyStores.PASSWORD)) {
            JdkClient.Result tls12 = Servers.handshake(pki, tomcat.port(), "TLSv1.2");
            assertEquals("TLSv1.2", tls12.protocol);
            assertEquals(2, tls12.stapled(), "ocsp_multi: leaf and intermediate\n" + tomcat.log());
            assertTrue(tls12.statusResponses.get(0).length > 0);
            assertTrue(tls12.statusResponses.get(1).length > 0);
            assertTrue(tls12.response.startsWith("HTTP/1."), tls12.response);

            JdkClient.Result tls13 = Servers.handshake(pki, tomcat.port(), "TLSv1.3");
            assertEquals("TLSv1.3", tls13.protocol);
            assertEquals(2, tls13.stapled(), "leaf and intermediate entries\n" + tomcat.log());

            assertTrue(tomcat.log().contains("staplekit: stapling 1 chain(s)"), tomcat.log());
        }
    }

    @Test
    void aRevokedLeafIsRefusedByTheClient() throws Exception {
        try (ServerProcess tomcat = ServerProcess.start(TomcatServer.class, List.of(),
                revoked.toString(), KeyStores.PASSWORD)) {
            for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
                SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                        () -> Servers.handshake(pki, tomcat.port(), protocol));
                assertEquals(CertPathValidatorException.BasicReason.REVOKED,
                        JdkClient.validationFailure(e), protocol + ": " + e);
            }
        }
    }
}
