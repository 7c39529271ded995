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
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.staplekit.bc.JdkClient;
import org.staplekit.testkit.Pki;
import org.staplekit.tools.ServerProcess;

/**
 * Jetty with the agent when the upstream responder is slow or gone: the first handshake is
 * stapled without waiting for it (compared with the JDK's own stapling, same run), staples go
 * on after the responder stops, and a server restarted during the outage staples its first
 * handshake from {@code staplekit.stapling.cacheDir}. Each test has a PKI of its own, since it
 * stops the responder.
 */
@Timeout(180)
class OutageTest {
    @Test
    void theFirstHandshakeIsStapledWhileTheResponderTakes300Ms(TestReporter reporter)
            throws Exception {
        try (Pki pki = Pki.startInProcess()) {
            Path good = KeyStores.good(pki.pki());
            pki.pki().delayResponses(Duration.ofMillis(300));
            try (ServerProcess withAgent = ServerProcess.start(JettyServer.class,
                    Servers.withAgent(good), good.toString(), KeyStores.PASSWORD);
                    ServerProcess jdkAlone = ServerProcess.start(JettyServer.class,
                            List.of("-Djdk.tls.server.enableStatusRequestExtension=true"),
                            good.toString(), KeyStores.PASSWORD)) {
                // Both servers and the client run TLS once without status first, so the
                // figures below are the stapling's, not a cold JVM's.
                for (ServerProcess server : List.of(withAgent, jdkAlone)) {
                    JdkClient.Result warm = JdkClient.handshake(
                            Servers.clientWithoutStatusRequest(pki), server.port(), "TLSv1.2");
                    assertEquals(0, warm.stapled(), "no status asked, none stapled");
                }
                long start = System.nanoTime();
                JdkClient.Result agent = Servers.handshake(pki, withAgent.port(), "TLSv1.2");
                double agentMillis = (System.nanoTime() - start) / 1e6;
                start = System.nanoTime();
                JdkClient.Result jdk = Servers.handshake(pki, jdkAlone.port(), "TLSv1.2");
                double jdkMillis = (System.nanoTime() - start) / 1e6;

                assertEquals(2, agent.stapled(), "the agent's first handshake is stapled\n"
                        + withAgent.log());
                start = System.nanoTime();
                JdkClient.Result agentSecond = Servers.handshake(pki, withAgent.port(), "TLSv1.2");
                double agentSecondMillis = (System.nanoTime() - start) / 1e6;
                start = System.nanoTime();
                JdkClient.Result jdkSecond = Servers.handshake(pki, jdkAlone.port(), "TLSv1.2");
                double jdkSecondMillis = (System.nanoTime() - start) / 1e6;
                reporter.publishEntry("second handshake (new client), JDK alone / with agent",
                        String.format("%.1f ms (%d stapled) / %.1f ms (%d stapled)",
                                jdkSecondMillis, jdkSecond.stapled(), agentSecondMillis,
                                agentSecond.stapled()));
                reporter.publishEntry("first stapled handshake, upstream 300 ms, JDK stapling alone",
                        String.format("%.1f ms, %d of 3 stapled", jdkMillis, jdk.stapled()));
                reporter.publishEntry("first stapled handshake, upstream 300 ms, JDK + staplekit agent",
                        String.format("%.1f ms, %d of 3 stapled", agentMillis, agent.stapled()));
                reporter.publishEntry("ratio JDK alone / with agent",
                        String.format("%.1f", jdkMillis / agentMillis));
            }
        }
    }

    @Test
    void staplesGoOnAfterTheResponderStops() throws Exception {
        try (Pki pki = Pki.startInProcess()) {
            Path good = KeyStores.good(pki.pki());
            // The JDK keeps an answer 1 s, then asks the local responder again.
            try (ServerProcess jetty = ServerProcess.start(JettyServer.class,
                    Servers.withAgent(good, "-Djdk.tls.stapling.cacheLifetime=1"),
                    good.toString(), KeyStores.PASSWORD)) {
                assertEquals(2, Servers.handshake(pki, jetty.port(), "TLSv1.3").stapled());
                long requests = pki.pki().requestCount();
                pki.pki().close();
                Thread.sleep(2500);
                for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
                    assertEquals(2, Servers.handshake(pki, jetty.port(), protocol).stapled(),
                            protocol + " after the outage began\n" + jetty.log());
                }
                assertTrue(jetty.log().contains("jdk.tls.stapling.cacheLifetime=1"),
                        jetty.log());
                assertTrue(requests >= 2, "the engine asked upstream: " + requests);
            }
        }
    }

    @Test
    void aServerRestartedDuringAnOutageStaplesItsFirstHandshake(@TempDir Path temporary)
            throws Exception {
        Path cacheDir = Files.createDirectory(temporary.resolve("cache"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (Pki pki = Pki.startInProcess()) {
            Path good = KeyStores.good(pki.pki());
            List<String> options = Servers.withAgent(good,
                    "-Dstaplekit.stapling.cacheDir=" + cacheDir);
            try (ServerProcess first = ServerProcess.start(JettyServer.class, options,
                    good.toString(), KeyStores.PASSWORD)) {
                assertEquals(2, Servers.handshake(pki, first.port(), "TLSv1.2").stapled());
            }
            try (Stream<Path> kept = Files.list(cacheDir)) {
                assertEquals(2, kept.count(), "the leaf's and the intermediate's responses");
            }
            pki.pki().close();
            try (ServerProcess second = ServerProcess.start(JettyServer.class, options,
                    good.toString(), KeyStores.PASSWORD)) {
                JdkClient.Result result = Servers.handshake(pki, second.port(), "TLSv1.3");
                assertEquals(2, result.stapled(), "first handshake after the restart\n"
                        + second.log());
                assertTrue(second.log().contains("(cache-dir)"), second.log());
            }
        }
    }
}
