package org.staplekit.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.staplekit.CertificateChain;
import org.staplekit.CertificateReport;
import org.staplekit.StaplingEngine;
import org.staplekit.bc.JdkClient;
import org.staplekit.testkit.Pki;
import org.staplekit.tools.ServerProcess;

/**
 * Netty with its JDK provider and the agent while the upstream responders are down: staples go
 * on after they stop, a server restarted during the outage staples its first handshake from
 * {@code staplekit.stapling.cacheDir}, and a server started with every responder down staples
 * the operator's response files ({@code staplekit.stapling.responseFile}). Each test has a PKI
 * of its own, since it stops or slows the responders. And what a slow upstream does to Netty's
 * event loop, with the JDK's stapling alone and with the agent (reported, not asserted).
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

    /**
     * Netty runs the SSLEngine's handshake work on the event loop, and the JDK fetches a response
     * it does not hold inside the handshake: with one event loop thread and the upstream taking
     * 1 s, a client that asks for no status, connecting 200 ms after one that does, waits for
     * that fetch when the JDK staples alone, not with the agent. The times are reported (one
     * run, not a benchmark); the staples are asserted.
     */
    @Test
    void reportsWhatASlowUpstreamDoesToTheEventLoop(TestReporter reporter) throws Exception {
        try (Pki pki = Pki.startInProcess()) {
            Path good = KeyStores.good(pki.pki());
            List<String> oneLoop = List.of("-Dio.netty.eventLoopThreads=1");
            List<String> jdkAlone = new ArrayList<>(oneLoop);
            jdkAlone.addAll(List.of("-Djdk.tls.server.enableStatusRequestExtension=true",
                    "-Djavax.net.ssl.keyStore=" + good,
                    "-Djavax.net.ssl.keyStorePassword=" + KeyStores.PASSWORD));
            List<String> withAgent = Servers.withAgent(good, oneLoop.toArray(new String[0]));
            try (ServerProcess alone = ServerProcess.start(NettyJdkServer.class, jdkAlone);
                    ServerProcess agent = ServerProcess.start(NettyJdkServer.class, withAgent)) {
                for (ServerProcess server : List.of(alone, agent)) {
                    // Warm: TLS once without status, so neither figure is a cold JVM's.
                    assertEquals(0, JdkClient.handshake(Servers.clientWithoutStatusRequest(pki),
                            server.port(), "TLSv1.3").stapled());
                }
                pki.pki().delayResponses(Duration.ofSeconds(1));
                for (ServerProcess server : List.of(alone, agent)) {
                    String name = server == alone ? "JDK stapling alone" : "JDK + staplekit agent";
                    ExecutorService clients = Executors.newFixedThreadPool(2);
                    try {
                        SSLContext asking = Servers.client(pki);
                        SSLContext notAsking = Servers.clientWithoutStatusRequest(pki);
                        long start = System.nanoTime();
                        Future<JdkClient.Result> first = clients.submit(
                                () -> JdkClient.handshake(asking, server.port(), "TLSv1.3"));
                        Thread.sleep(200);
                        long secondStart = System.nanoTime();
                        Future<Double> second = clients.submit(() -> {
                            assertEquals(0, JdkClient.handshake(notAsking, server.port(),
                                    "TLSv1.3").stapled());
                            return (System.nanoTime() - secondStart) / 1e6;
                        });
                        assertEquals(2, first.get().stapled(), name + "\n" + server.log());
                        double firstMillis = (System.nanoTime() - start) / 1e6;
                        reporter.publishEntry(name + ", upstream 1 s, one event loop",
                                String.format("client asking for status %.0f ms (2 stapled);"
                                        + " client asking none, 200 ms later, %.0f ms",
                                        firstMillis, second.get()));
                    } finally {
                        clients.shutdownNow();
                    }
                }
            }
        }
    }
}
