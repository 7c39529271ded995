package org.staplekit.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.staplekit.CertificateChain;
import org.staplekit.CertificateReport;
import org.staplekit.StaplingEngine;
import org.staplekit.testkit.Pki;
import org.staplekit.tools.ServerProcess;

/**
 * Netty with its JDK provider and the agent while the upstream responders are down: staples go
 * on after they stop, a server restarted during the outage staples its first handshake from
 * {@code staplekit.stapling.cacheDir}, and a server started with every responder down staples
 * the operator's response files ({@code staplekit.stapling.responseFile}). Each test has a PKI
 * of its own, since it stops the responders.
 */
@Timeout(180)
class NettyJdkOutageTest {
    @Test
    void staplesGoOnThroughAnOutageAndAcrossARestart(@TempDir Path temporary) throws Exception {
        Path cacheDir = Files.createDirectory(temporary.resolve("cache"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (Pki pki = Pki.startInProcess()) {
            Path good = KeyStores.good(pki.pki());
            // The JDK keeps an answer 1 s, then asks the local responder again.
            List<String> options = Servers.withAgent(good, "-Djdk.tls.stapling.cacheLifetime=1",
                    "-Dstaplekit.stapling.cacheDir=" + cacheDir);
            try (ServerProcess first = ServerProcess.start(NettyJdkServer.class, options)) {
                assertEquals(2, Servers.handshake(pki, first.port(), "TLSv1.3").stapled(),
                        first.log());
                pki.pki().close();
                Thread.sleep(2500);
                for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
                    assertEquals(2, Servers.handshake(pki, first.port(), protocol).stapled(),
                            protocol + " after the outage began\n" + first.log());
                }
                Peers.Run curl = Peers.curl(pki.pki().root(), first.port(), "--http2");
                assertEquals(0, curl.exitStatus, "during the outage " + curl);
                assertTrue(first.log().contains("jdk.tls.stapling.cacheLifetime=1"),
                        first.log());
            }
            try (Stream<Path> kept = Files.list(cacheDir)) {
                assertEquals(2, kept.count(), "the leaf's and the intermediate's responses");
            }
            try (ServerProcess second = ServerProcess.start(NettyJdkServer.class, options)) {
                assertFirstHandshakesStapled(pki, second, "first handshakes after the restart");
                assertTrue(second.log().contains("(cache-dir)"), second.log());
            }
        }
    }

    @Test
    void staplesTheOperatorsResponseFilesWithEveryResponderDown(@TempDir Path temporary)
            throws Exception {
        try (Pki pki = Pki.startInProcess()) {
            Path good = KeyStores.good(pki.pki());
            // What an operator's job would fetch (openssl ocsp -respout): DER, one per file.
            Path leaf = temporary.resolve("leaf.ors");
            Path intermediate = temporary.resolve("intermediate.ors");
            try (StaplingEngine engine = StaplingEngine.builder().build();
                    CertificateChain chain = engine.parseChain(pki.leafChain())) {
                List<CertificateReport> reports = engine.check(chain, Duration.ofSeconds(10));
                Files.write(leaf, reports.get(0).response().orElseThrow());
                Files.write(intermediate, reports.get(1).response().orElseThrow());
            }
            pki.pki().close();

            try (ServerProcess server = ServerProcess.start(NettyJdkServer.class,
                    Servers.withAgent(good,
                            "-Dstaplekit.stapling.responseFile=" + leaf + "," + intermediate))) {
                assertFirstHandshakesStapled(pki, server, "every responder down");
                assertTrue(server.log().contains("2 of 2 certificate(s) with a response to staple"),
                        server.log());
                assertTrue(server.log().contains("(static-file)"), server.log());
                Peers.Run sClient = Peers.sClient(pki.pki().root(), server.port(), "-tls1_3");
                assertTrue(sClient.output.contains("Cert Status: good"), sClient.toString());
            }
        }
    }

    /** The server's first handshakes, TLS 1.2 then 1.3, staple leaf and intermediate. */
    private static void assertFirstHandshakesStapled(Pki pki, ServerProcess server, String when)
            throws Exception {
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            assertEquals(2, Servers.handshake(pki, server.port(), protocol).stapled(),
                    protocol + ", " + when + "\n" + server.log());
        }
    }
}
