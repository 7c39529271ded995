package org.staplekit.bc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.staplekit.OcspStatus.GOOD;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.staplekit.CertificateChain;
import org.staplekit.CertificateStats;
import org.staplekit.EngineStats;
import org.staplekit.OcspStatus;
import org.staplekit.testkit.Pki;
import org.staplekit.ResponseSource;
import org.staplekit.StaplingEngine;
import org.staplekit.tools.Pem;

/**
 * Registered chains through a Bouncy Castle server and the JDK's client: their responses are at
 * hand before the first handshake, and {@link StaplingEngine#stats()} says so. The responder is
 * the project's own, in this process, so that its answers can be delayed.
 */
@Timeout(60)
class RegisteredChainTest {
    /** How long the responder takes to answer in the timing test. */
    private static final Duration DELAY = Duration.ofSeconds(2);

    private Pki pki;

    @BeforeEach
    void startPki() throws Exception {
        pki = Pki.startInProcess();
    }

    @AfterEach
    void stopPki() throws Exception {
        pki.close();
    }

    private static StaplingEngine engine() throws Exception {
        StaplingEngine engine = StaplingEngine.builder().build();
        assertTrue(engine.configurationWarnings().isEmpty(),
                engine.configurationWarnings().toString());
        return engine;
    }

    private PrivateKey leafKey() throws Exception {
        return Pem.privateKey(pki.pki().leafKey());
    }

    /** A fresh client (no session to resume) that accepts only stapled GOOD statuses. */
    private SSLContext client() throws Exception {
        return JdkClient.context(pki.root(), true);
    }

    /** Waits until every registered certificate of {@code engine} has a GOOD response held. */
    static EngineStats awaitGood(StaplingEngine engine, int certificates) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        while (true) {
            EngineStats stats = engine.stats();
            List<CertificateStats> held = stats.certificates();
            if (held.size() == certificates
                    && held.stream().allMatch(c -> c.status().equals(Optional.of(GOOD)))) {
                return stats;
            }
            assertTrue(Instant.now().isBefore(deadline), "no GOOD responses held: " + stats);
            Thread.sleep(20);
        }
    }

    private static Duration timed(SSLContext client, int port, JdkClient.Result[] result)
            throws Exception {
        long start = System.nanoTime();
        result[0] = JdkClient.handshake(client, port, "TLSv1.3");
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void aRegisteredChainsFirstHandshakeDoesNotWaitForASlowResponder(TestReporter reporter)
            throws Exception {
        try (StaplingEngine registered = engine();
                StaplingEngine unregistered = engine();
                StaplingEngine warmUp = engine();
                CertificateChain registeredChain = registered.parseChain(pki.leafChain());
                CertificateChain unregisteredChain = unregistered.parseChain(pki.leafChain());
                CertificateChain warmUpChain = warmUp.parseChain(pki.leafChain());
                LoopbackServer registeredServer =
                        new LoopbackServer(registered, registeredChain, leafKey());
                LoopbackServer unregisteredServer =
                        new LoopbackServer(unregistered, unregisteredChain, leafKey());
                LoopbackServer warmUpServer = new LoopbackServer(warmUp, warmUpChain, leafKey())) {
            registered.register(registeredChain, pki.pki().leafChain());
            awaitGood(registered, 2);
            // The JVM's first handshake loads and compiles much of both TLS stacks: done here, on
            // an engine neither measurement uses, so both measured handshakes start warm.
            assertEquals(2,
                    JdkClient.handshake(client(), warmUpServer.port(), "TLSv1.3").stapled());

            pki.pki().delayResponses(DELAY);
            SSLContext first = client();
            SSLContext second = client();
            JdkClient.Result[] result = new JdkClient.Result[1];
            Duration fast = timed(first, registeredServer.port(), result);
            assertEquals(2, result[0].stapled(), "the registered chain staples what it holds");
            Duration slow = timed(second, unregisteredServer.port(), result);
            assertEquals(2, result[0].stapled(), "the other chain waited for the responder");
            reporter.publishEntry("first handshake, registered chain", fast.toMillis() + " ms");
            reporter.publishEntry("first handshake, unregistered chain", slow.toMillis() + " ms");

            assertTrue(fast.multipliedBy(2).compareTo(slow) < 0, "registered " + fast.toMillis()
                    + " ms is not under half of unregistered " + slow.toMillis() + " ms");
            assertEquals(0, registered.stats().misses(), "every look-up found a response");
            assertEquals(2, unregistered.stats().misses(), "leaf and intermediate were fetched");
        }
    }

    @Test
    void statsCountHandshakesAndDescribeEachRegisteredCertificate() throws Exception {
        X509Certificate leafCertificate = pki.leafChain().get(0);
        try (StaplingEngine engine = engine();
                CertificateChain chain = engine.parseChain(pki.leafChain());
                LoopbackServer server = new LoopbackServer(engine, chain, leafKey())) {
            engine.register(chain, pki.pki().leafChain());
            EngineStats before = awaitGood(engine, 2);
            assertEquals(0, before.hits());
            assertEquals(0, before.staplesServed());
            assertEquals(Map.of("good", 2L), before.fetches(),
                    "leaf and intermediate fetched once");

            assertEquals(2, JdkClient.handshake(client(), server.port(), "TLSv1.2").stapled());
            assertEquals(2, JdkClient.handshake(client(), server.port(), "TLSv1.3").stapled());

            EngineStats after = engine.stats();
            assertEquals(4, after.hits(), "leaf and intermediate, twice: " + after);
            assertEquals(0, after.misses());
            assertEquals(2, after.staplesServed());
            assertEquals(Map.of("good", 2L), after.fetches(), "handshakes fetched nothing");
            assertEquals(2, after.certificates().size());

            CertificateStats leaf = after.certificates().get(0);
            Instant now = Instant.now();
            assertEquals("CN=staplekit test leaf", leaf.subject());
            assertEquals(leafCertificate.getSerialNumber(), new BigInteger(leaf.serialHex(), 16));
            assertEquals(Optional.of(pki.pki().intermediateResponderUrl()), leaf.responder());
            assertEquals(Optional.of(OcspStatus.GOOD), leaf.status());
            assertEquals(Optional.of(ResponseSource.FETCHED), leaf.source());
            assertTrue(leaf.thisUpdate().orElseThrow().isBefore(now), leaf.toString());
            assertTrue(leaf.nextUpdate().orElseThrow().isAfter(now), leaf.toString());
            assertTrue(leaf.nextRefresh().orElseThrow().isAfter(now), leaf.toString());
            assertTrue(leaf.nextRefresh().get().isBefore(leaf.nextUpdate().get()),
                    "renewed before it goes stale");
            assertTrue(leaf.lastFetch().orElseThrow().isBefore(now.plusMillis(1)));
            assertEquals(Optional.empty(), leaf.lastError());
            assertEquals(0, leaf.consecutiveFailures());
            assertEquals(Map.of("good", 1L), leaf.fetches());
            assertEquals(2, leaf.hits());
            assertEquals(0, leaf.misses());
            assertEquals(2, leaf.staplesServed());

            CertificateStats intermediate = after.certificates().get(1);
            assertEquals(pki.leafChain().get(1).getSerialNumber(),
                    new BigInteger(intermediate.serialHex(), 16));
            assertEquals(Optional.of(OcspStatus.GOOD), intermediate.status());
        }
    }
}
