package org.staplekit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.management.MBeanServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.staplekit.testkit.Pki;

/**
 * The local responder through the Java API: real HTTP requests, answered from what the engine
 * holds for a registered chain, counted in the statistics and the MBean.
 */
@Timeout(60)
class LocalResponderTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static Pki pki;
    private static StaplingEngine engine;
    private static CertificateChain chain;
    private static List<X509Certificate> certificates;

    @BeforeAll
    static void start() throws Exception {
        pki = Pki.start();
        engine = StaplingEngine.builder().build();
        certificates = pki.leafChain();
        chain = engine.parseChain(certificates);
        engine.register(chain);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!engine.stats().certificates().stream().limit(2)
                .allMatch(c -> c.status().isPresent())) {
            assertTrue(System.nanoTime() < deadline, "the chain's responses never arrived: "
                    + engine.stats());
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        engine.unregister(chain);
        chain.close();
        engine.close();
        pki.close();
    }

    @Test
    void answersARegisteredCertificateWithWhatAHandshakeStaples() throws Exception {
        try (LocalResponder responder = engine.startResponder(ANY_LOOPBACK_PORT)) {
            assertNotEquals(0, responder.address().getPort(), "a free port was chosen");
            assertEquals("http://127.0.0.1:" + responder.address().getPort() + "/",
                    responder.uri().toString());
            long answeredBefore = engine.stats().responder().answered();
            Staple staple = engine.staple(new ClientStatusRequest(Pki.JDK_STATUS_REQUEST,
                    Pki.JDK_STATUS_REQUEST_V2, TlsVersion.TLS_1_2, false), chain).orElseThrow();

            byte[] leafRequest = OcspRequests.request(certificates.get(0), certificates.get(1));
            OcspRequests.Answer leaf = OcspRequests.get(responder.uri(), leafRequest);
            assertEquals(200, leaf.httpStatus);
            assertEquals(0, leaf.ocspStatus(), "successful");
            assertArrayEquals(staple.ocspResponses().get(0), leaf.body);

            byte[] intermediateRequest =
                    OcspRequests.request(certificates.get(1), certificates.get(2));
            OcspRequests.Answer intermediate =
                    OcspRequests.post(responder.uri(), intermediateRequest);
            assertEquals(200, intermediate.httpStatus);
            assertArrayEquals(staple.ocspResponses().get(1), intermediate.body);

            assertEquals(answeredBefore + 2, engine.stats().responder().answered());
        }
    }

    @Test
    void answersUnauthorizedForACertificateItHoldsNothingFor() throws Exception {
        List<X509Certificate> revoked = pki.revokedChain();
        try (LocalResponder responder = engine.startResponder(ANY_LOOPBACK_PORT)) {
            long before = engine.stats().responder().unauthorized();
            OcspRequests.Answer answer = OcspRequests.get(responder.uri(),
                    OcspRequests.request(revoked.get(0), revoked.get(1)));
            assertEquals(200, answer.httpStatus);
            assertEquals(6, answer.ocspStatus(), "unauthorized");
            assertEquals(before + 1, engine.stats().responder().unauthorized());
        }
    }

    @Test
    void countsMalformedRequestsAndShowsTheCountersInTheMBean() throws Exception {
        try (LocalResponder responder = engine.startResponder(ANY_LOOPBACK_PORT);
                JmxRegistration registration = engine.registerMBean("local-responder-test")) {
            long before = engine.stats().responder().malformed();
            OcspRequests.Answer answer = OcspRequests.getPath(responder.uri(), "not-base64!");
            assertTrue(answer.httpStatus >= 400 || answer.ocspStatus() == 1,
                    "refused: HTTP " + answer.httpStatus);
            ResponderStats stats = engine.stats().responder();
            assertEquals(before + 1, stats.malformed());
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            assertEquals(stats.malformed(),
                    server.getAttribute(registration.name(), "ResponderMalformed"));
            assertEquals(stats.answered(),
                    server.getAttribute(registration.name(), "ResponderAnswered"));
            assertEquals(stats.unauthorized(),
                    server.getAttribute(registration.name(), "ResponderUnauthorized"));
            assertEquals(stats.droppedConnections(),
                    server.getAttribute(registration.name(), "ResponderDroppedConnections"));
        }
    }

    @Test
    void closingStopsListeningAndABusyPortIsAClearError() throws Exception {
        LocalResponder responder = engine.startResponder(ANY_LOOPBACK_PORT);
        InetSocketAddress taken = responder.address();
        IOException busy = assertThrows(IOException.class, () -> engine.startResponder(taken));
        assertTrue(busy.getMessage().startsWith("cannot listen on " + taken.getAddress()
                .getHostAddress() + ":" + taken.getPort()), busy.getMessage());
        responder.close();
        responder.close();
        assertTrue(responder.isClosed());
        byte[] request = OcspRequests.request(certificates.get(0), certificates.get(1));
        assertThrows(ConnectException.class, () -> OcspRequests.get(responder.uri(), request));
    }

    @Test
    void anUnresolvedAddressIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.startResponder(InetSocketAddress.createUnresolved("localhost", 0)));
        assertTrue(e.getMessage().contains("unresolved"), e.getMessage());
    }

    @Test
    void addressesPrintedByTheLibraryAreParsed() {
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080),
                LocalResponder.parse("127.0.0.1:8080"));
        assertEquals(9, LocalResponder.parse("[::1]:9").getPort());
        assertThrows(IllegalStateException.class, () -> LocalResponder.parse("nothing"));
    }
}
