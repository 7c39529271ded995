package org.staplekit;

import static java.util.stream.Collectors.toList;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.staplekit.testkit.Pki;

/** The Java API over real responses from OpenSSL's responders. */
@Timeout(60)
class EngineTest {
    private static Pki pki;
    private static StaplingEngine engine;
    private static CertificateChain chain;

    @BeforeAll
    static void start() throws Exception {
        pki = Pki.start();
        engine = StaplingEngine.builder().build();
        chain = engine.parseChain(pki.leafChain());
    }

    @AfterAll
    static void stop() throws Exception {
        chain.close();
        engine.close();
        pki.close();
    }

    private static Staple staple(byte[] v1, byte[] v2, TlsVersion version) throws Exception {
        return engine.staple(new ClientStatusRequest(v1, v2, version, false), chain).orElseThrow();
    }

    /** The uint24 length at {@code offset}. */
    private static int u24(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) << 16 | (bytes[offset + 1] & 0xFF) << 8 | bytes[offset + 2] & 0xFF;
    }

    @Test
    void ocspMultiCarriesTheLeafAndTheIntermediate() throws Exception {
        Staple staple = staple(Pki.JDK_STATUS_REQUEST, Pki.JDK_STATUS_REQUEST_V2, TlsVersion.TLS_1_2);
        assertEquals(Optional.of(StatusExtension.STATUS_REQUEST_V2), staple.serverHelloExtension());
        assertTrue(staple.isOcspMulti());
        assertFalse(staple.isTls13());
        List<byte[]> responses = staple.ocspResponses();
        assertEquals(3, responses.size());
        assertTrue(responses.get(0).length > 0 && responses.get(1).length > 0);
        assertEquals(0, responses.get(2).length);
        byte[] message = staple.certificateStatus().orElseThrow();
        assertEquals(2, message[0], "ocsp_multi");
        assertEquals(message.length - 4, u24(message, 1), "list length");
        assertEquals(responses.get(0).length, u24(message, 4), "first entry is the leaf's");
        assertEquals(3 * 3 + responses.get(0).length + responses.get(1).length, message.length - 4);
        assertTrue(staple.certificateEntries().isEmpty());
        assertEquals("status_request_v2 with ocsp_multi, responses for 2 of 3 certificates",
                staple.toString());
    }

    @Test
    void statusRequestAloneStaplesTheLeaf() throws Exception {
        Staple staple = staple(Pki.JDK_STATUS_REQUEST, null, TlsVersion.TLS_1_2);
        assertEquals(Optional.of(StatusExtension.STATUS_REQUEST), staple.serverHelloExtension());
        assertFalse(staple.isOcspMulti());
        byte[] message = staple.certificateStatus().orElseThrow();
        assertEquals(1, message[0], "ocsp");
        assertEquals(1, staple.ocspResponses().size());
        assertEquals(message.length - 4, staple.ocspResponses().get(0).length);
        assertEquals("status_request with ocsp, the leaf's response", staple.toString());
    }

    @Test
    void tls13GivesEachEntryWithAnIssuerItsResponse() throws Exception {
        Staple staple = staple(Pki.JDK_STATUS_REQUEST, Pki.JDK_STATUS_REQUEST_V2, TlsVersion.TLS_1_3);
        assertTrue(staple.isTls13());
        assertEquals(Optional.empty(), staple.serverHelloExtension());
        assertEquals(Optional.empty(), staple.certificateStatus());
        List<byte[]> entries = staple.certificateEntries();
        List<byte[]> responses = staple.ocspResponses();
        assertEquals(3, entries.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(1, entries.get(i)[0], "status_type ocsp");
            assertEquals(responses.get(i).length, u24(entries.get(i), 1));
        }
        assertEquals(0, entries.get(2).length);
    }

    @Test
    void nothingIsStapledWhenTheServerFlagIsOff() throws Exception {
        Properties off = new Properties();
        off.setProperty("jdk.tls.server.enableStatusRequestExtension", "false");
        try (StaplingEngine disabled = StaplingEngine.builder().properties(off).build()) {
            assertEquals(Optional.empty(), disabled.staple(new ClientStatusRequest(
                    Pki.JDK_STATUS_REQUEST, Pki.JDK_STATUS_REQUEST_V2, TlsVersion.TLS_1_2, false),
                    chain));
        }
    }

    @Test
    void checkReportsEachCertificate() throws Exception {
        List<CertificateReport> reports = engine.check(chain, Duration.ofSeconds(10));
        assertEquals(3, reports.size());
        CertificateReport leaf = reports.get(0);
        assertEquals(CertificateReport.Outcome.GOOD, leaf.outcome(), leaf.toString());
        assertEquals("CN=staplekit test leaf", leaf.subject());
        assertEquals(Optional.of(pki.pki().intermediateResponderUrl()), leaf.responder());
        Instant next = leaf.nextUpdate().orElseThrow();
        assertTrue(next.isAfter(Instant.now().plusSeconds(3000)), next.toString());
        assertTrue(leaf.detail().startsWith("good, signed by CN=staplekit test intermediate OCSP"),
                leaf.detail());
        assertTrue(leaf.response().orElseThrow().length > 0);
        assertEquals(CertificateReport.Outcome.GOOD, reports.get(1).outcome());
        assertEquals(Optional.of(pki.pki().rootResponderUrl()), reports.get(1).responder());
        CertificateReport root = reports.get(2);
        assertEquals(CertificateReport.Outcome.SKIPPED, root.outcome());
        assertEquals("not asked: self-signed certificate", root.detail());
        assertEquals(Optional.empty(), root.response());

        try (CertificateChain revoked = engine.parseChain(pki.revokedChain())) {
            CertificateReport report = engine.check(revoked, Duration.ofSeconds(10)).get(0);
            assertEquals(CertificateReport.Outcome.REVOKED, report.outcome(), report.toString());
            assertTrue(report.detail().startsWith("revoked at "), report.detail());
        }
    }

    @Test
    void registeringFetchesInTheBackgroundAndUnregisteringStopsIt() throws Exception {
        Properties cacheOnly = new Properties();
        cacheOnly.setProperty("jdk.tls.stapling.responseTimeout", "0");
        try (StaplingEngine fresh = StaplingEngine.builder().properties(cacheOnly).build();
                CertificateChain parsed = fresh.parseChain(pki.leafChain())) {
            ClientStatusRequest multi = new ClientStatusRequest(Pki.JDK_STATUS_REQUEST,
                    Pki.JDK_STATUS_REQUEST_V2, TlsVersion.TLS_1_2, false);
            assertEquals(Optional.empty(), fresh.staple(multi, parsed), "nothing cached yet");
            assertEquals(List.of(), fresh.stats().certificates());
            fresh.register(parsed);
            Instant deadline = Instant.now().plusSeconds(10);
            Optional<Staple> staple = fresh.staple(multi, parsed);
            while (!staple.map(s -> s.toString().contains("2 of 3")).orElse(false)) {
                assertTrue(Instant.now().isBefore(deadline), "register never fetched");
                Thread.sleep(20);
                staple = fresh.staple(multi, parsed);
            }
            List<CertificateStats> registered = fresh.stats().certificates();
            assertEquals(List.of("CN=staplekit test leaf", "CN=staplekit test intermediate CA"),
                    registered.stream().map(CertificateStats::subject).collect(toList()),
                    "the root is self-signed: not registered");

            fresh.unregister(parsed);
            assertEquals(List.of(), fresh.stats().certificates());
        }
    }
}
