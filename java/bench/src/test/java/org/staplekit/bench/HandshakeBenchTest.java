package org.staplekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handshake benchmark's parts, with tiny counts: each of its four servers staples as it is
 * configured, through the benchmark's own client, and its first-handshake measurement sees what
 * the benchmark reports (the JDK waits for a slow responder; a registered chain does not).
 */
@Timeout(60)
class HandshakeBenchTest {
    private static final Duration DELAY = Duration.ofMillis(300);

    private BenchPki pki;
    private Measurements measure;

    @BeforeEach
    void start() throws Exception {
        pki = BenchPki.start();
        measure = new Measurements(pki, new BenchClient(pki.root()));
    }

    @AfterEach
    void stop() throws Exception {
        pki.close();
    }

    @Test
    void eachServerStaplesAsConfiguredInBothProtocols() throws Exception {
        BenchClient client = new BenchClient(pki.root());
        for (ServerKind kind : ServerKind.values()) {
            try (BenchServer server = BenchServer.start(kind, pki, BenchServer.Start.REGISTERED)) {
                server.awaitHeldMillis(10_000);
                for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
                    assertEquals(kind.stapling ? 2 : 0, client.connect(server.port(), protocol)
                            .stapled, kind.label() + ", " + protocol);
                }
                Measurements.Rate rate =
                        measure.rate(server, "TLSv1.3", Duration.ofMillis(100), 1);
                assertTrue(rate.perSecond > 0, kind.label());
                assertTrue(server.served() >= 3, kind.label() + " served " + server.served());
                assertEquals(0, server.failed(), kind.label() + ": " + server.lastFailure());
                assertTrue(server.cpuNanos() > 0, kind.label());
            }
        }
    }

    @Test
    void theDecompositionServersSendResponsesOnlyWhereTheySaySo() throws Exception {
        BenchClient client = new BenchClient(pki.root());
        for (Decomposition part : Decomposition.values()) {
            try (BenchServer server = BenchServer.startDecomposed(pki, part)) {
                assertEquals(part.sendsResponses ? 2 : 0,
                        client.connect(server.port(), "TLSv1.3").stapled, part.label);
                assertEquals(part.sendsResponses ? 2 : 0, server.expectedStaples());
            }
        }
    }

    @Test
    void theJdkWaitsForASlowResponderAndARegisteredChainDoesNot() throws Exception {
        // Loads both stacks' classes first, so the timed handshakes compare waits, not loading.
        measure.first(ServerKind.JDK_STAPLING, "TLSv1.3", BenchServer.Start.REGISTERED, true);
        measure.first(ServerKind.STAPLEKIT, "TLSv1.3", BenchServer.Start.REGISTERED, true);
        pki.delayResponses(DELAY);
        // first() also fails if a server staples other than as configured.
        Measurements.First jdk = measure.first(ServerKind.JDK_STAPLING, "TLSv1.3",
                BenchServer.Start.REGISTERED, true);
        assertTrue(jdk.millis >= DELAY.toMillis(), "the JDK's took " + jdk.millis + " ms");

        Measurements.First registered = measure.first(ServerKind.STAPLEKIT, "TLSv1.3",
                BenchServer.Start.REGISTERED, true);
        assertTrue(registered.heldAfterMillis >= DELAY.toMillis() - 5,
                "held after " + registered.heldAfterMillis + " ms");
        assertEquals(2, registered.stapled);
        assertTrue(registered.millis < jdk.millis, "registered " + registered.millis
                + " ms, not under the JDK's " + jdk.millis + " ms");

        Measurements.First unregistered = measure.first(ServerKind.STAPLEKIT, "TLSv1.2",
                BenchServer.Start.UNREGISTERED, false);
        assertTrue(unregistered.millis >= DELAY.toMillis(),
                "an unregistered chain's first handshake fetches: " + unregistered.millis);
        assertEquals(2, unregistered.stapled, "leaf and intermediate in the ocsp_multi list");
    }

    @Test
    void steadyStateRoundsMeasureEachPairBackToBack() {
        for (int r = 0; r < 8; r++) {
            ServerKind[] order = HandshakeBench.pairedOrder(r);
            assertEquals(EnumSet.allOf(ServerKind.class), EnumSet.copyOf(Arrays.asList(order)));
            assertEquals(order[0].other(), order[1], "round " + r);
            assertEquals(order[2].other(), order[3], "round " + r);
        }
        assertTrue(HandshakeBench.pairedOrder(0)[0].stapling);
        assertTrue(!HandshakeBench.pairedOrder(2)[0].stapling, "the pair's order alternates");
        assertTrue(HandshakeBench.pairedOrder(0)[0].stack
                != HandshakeBench.pairedOrder(1)[0].stack, "the stacks' order alternates");
    }

    @Test
    void settingsComeFromTheEnvironmentAndRefuseNonsense() {
        Settings defaults = Settings.fromEnvironment(Map.of());
        assertEquals(7, defaults.repeats);
        assertEquals(Duration.ofMillis(300), defaults.delay);
        assertTrue(defaults.runs('a') && defaults.runs('b') && defaults.runs('c'));
        assertTrue(!defaults.runs('d'), "the decomposition runs only when asked for");
        Settings some = Settings.fromEnvironment(Map.of("BENCH_SECONDS", "0.5",
                "BENCH_PARTS", "c", "BENCH_PROTOCOL", "TLSv1.2"));
        assertEquals(Duration.ofMillis(500), some.slice);
        assertTrue(some.runs('c') && !some.runs('a'));
        assertEquals("TLSv1.2", some.protocol);
        assertThrows(IllegalArgumentException.class,
                () -> Settings.fromEnvironment(Map.of("BENCH_REPEATS", "0")));
        assertThrows(IllegalArgumentException.class,
                () -> Settings.fromEnvironment(Map.of("BENCH_SECONDS", "-1")));
        assertThrows(IllegalArgumentException.class,
                () -> Settings.fromEnvironment(Map.of("BENCH_PARTS", "a,e")));
        assertThrows(IllegalArgumentException.class,
                () -> Settings.fromEnvironment(Map.of("BENCH_PROTOCOL", "TLSv1.1")));
    }
}
