package org.staplekit.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.staplekit.CertificateChain;
import org.staplekit.CertificateReport;
import org.staplekit.StaplingEngine;
import org.staplekit.testkit.Pki;
import org.staplekit.tools.CommandPeers;
import org.staplekit.tools.JdkClientContext;
import org.staplekit.tools.NettyHttpServer;
import org.staplekit.tools.NettyStaplingServer;

/**
 * A Netty HTTPS server on netty-tcnative-boringssl-static with {@link StaplingSslContext}, in
 * this JVM, against OpenSSL's responders and real clients (the JDK's, openssl s_client, curl),
 * with Netty's leak detector at PARANOID throughout.
 */
@Timeout(90)
class StaplingSslContextTest {
    static {
        LeakRecorder.install();
    }

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Pki pki;
    private StaplingEngine engine;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        pki = Pki.start();
        engine = StaplingEngine.builder().build();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        engine.close();
        pki.close();
    }

    @AfterAll
    static void nothingLeaked() throws Exception {
        LeakRecorder.assertNoLeaks();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        closing.add(resource);
        return resource;
    }

    /** The tool's builder (OpenSSL, HTTP/2 ciphers, ALPN h2 and http/1.1) for these files. */
    private StaplingSslContext context(Path chain, Path key) throws Exception {
        return closeLater(StaplingSslContext.build(engine,
                NettyStaplingServer.builder(chain, key), chain));
    }

    private NettyHttpServer serve(SslContext context) throws Exception {
        return closeLater(new NettyHttpServer(context, LOOPBACK, 0));
    }

    private byte[] waitUntilHeld(StaplingSslContext context) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            Optional<byte[]> held = engine.heldLeafResponse(context.chain());
            if (held.isPresent()) {
                return held.get();
            }
            assertTrue(Instant.now().isBefore(deadline), "nothing held: " + engine.stats());
            Thread.sleep(20);
        }
    }

    @Test
    void theJdkClientGetsAndAcceptsTheLeafsResponseInTls12AndTls13() throws Exception {
        StaplingSslContext context = context(pki.pki().leafChain(), pki.pki().leafKey());
        NettyHttpServer server = serve(context);
        byte[] held = waitUntilHeld(context);
        SSLContext client = JdkClientContext.trustingLeafStaple(pki.root());
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            Peers.Jdk seen = Peers.jdk(client, server.port(), protocol);
            assertEquals(protocol, seen.protocol);
            assertArrayEquals(held, seen.statusResponses.get(0), protocol + ": the leaf's response");
            assertTrue(seen.answer.contains("hello from staplekit over HTTP/1.1"), seen.answer);
        }
    }

    @Test
    void opensslSClientShowsGoodAndCurlChecksTheStatusOverHttp1AndHttp2() throws Exception {
        StaplingSslContext context = context(pki.pki().leafChain(), pki.pki().leafKey());
        NettyHttpServer server = serve(context);
        waitUntilHeld(context);
        CommandPeers.Run sClient = CommandPeers.sClient(server.port(), pki.pki().root(), "localhost");
        assertTrue(sClient.output.contains("Cert Status: good"), sClient.toString());

        CommandPeers.Run http1 = CommandPeers.curl(server.port(), pki.pki().root(), false);
        assertEquals(0, http1.status, http1.toString());
        assertTrue(http1.output.contains("hello from staplekit over HTTP/1.1"), http1.toString());
        CommandPeers.Run http2 = CommandPeers.curl(server.port(), pki.pki().root(), true);
        assertEquals(0, http2.status, http2.toString());
        assertTrue(http2.output.contains("hello from staplekit over HTTP/2"), http2.toString());
    }

    @Test
    void curlRefusesARevokedLeaf() throws Exception {
        StaplingSslContext context = context(pki.pki().revokedChain(), pki.pki().revokedKey());
        NettyHttpServer server = serve(context);
        waitUntilHeld(context);
        CommandPeers.Run curl = CommandPeers.curl(server.port(), pki.pki().root(), false);
        assertNotEquals(0, curl.status, curl.toString());
        assertTrue(curl.output.contains("revocation reason"), curl.toString());
        CommandPeers.Run sClient = CommandPeers.sClient(server.port(), pki.pki().root(), "localhost");
        assertTrue(sClient.output.contains("Cert Status: revoked"), sClient.toString());
    }

    @Test
    void staplesContinueWithTheResponderDownAfterStart() throws Exception {
        StaplingSslContext context = context(pki.pki().leafChain(), pki.pki().leafKey());
        NettyHttpServer server = serve(context);
        byte[] held = waitUntilHeld(context);
        SSLContext client = JdkClientContext.trustingLeafStaple(pki.root());
        pki.pki().close();
        for (int i = 0; i < 3; i++) {
            Peers.Jdk seen = Peers.jdk(client, server.port(), "TLSv1.3");
            assertArrayEquals(held, seen.statusResponses.get(0), "handshake " + i);
        }
        CommandPeers.Run curl = CommandPeers.curl(server.port(), pki.pki().root(), false);
        assertEquals(0, curl.status, curl.toString());
    }

    @Test
    void anOrsFileIsStapledFromTheFirstHandshakeWithEveryResponderDown() throws Exception {
        // An operator's response file beside a copy of the chain, then every responder down.
        Path directory = Files.createTempDirectory("staplekit-netty-ors");
        Path chain = Files.copy(pki.pki().leafChain(), directory.resolve("chain.pem"));
        Path key = Files.copy(pki.pki().leafKey(), directory.resolve("key.pem"));
        Path root = Files.copy(pki.pki().root(), directory.resolve("root.pem"),
                StandardCopyOption.REPLACE_EXISTING);
        try (StaplingEngine fetching = StaplingEngine.builder().build();
                CertificateChain parsed = fetching.parseChain(pki.leafChain())) {
            CertificateReport leaf =
                    fetching.check(parsed, Duration.ofSeconds(20)).get(0);
            Files.write(directory.resolve("chain.pem.ors"), leaf.response().orElseThrow());
        }
        pki.pki().close();

        StaplingSslContext context = context(chain, key);
        NettyHttpServer server = serve(context);
        Peers.Jdk seen = Peers.jdk(JdkClientContext.trustingLeafStaple(
                Pki.certificates(root).get(0)), server.port(), "TLSv1.2");
        assertArrayEquals(Files.readAllBytes(directory.resolve("chain.pem.ors")),
                seen.statusResponses.get(0), "the first handshake staples the .ors");
        for (String name : List.of("chain.pem.ors", "chain.pem", "key.pem", "root.pem")) {
            Files.deleteIfExists(directory.resolve(name));
        }
        Files.deleteIfExists(directory);
    }

    @Test
    void sniServesEachNameItsChainAndStapleWithTheApplicationsSettings() throws Exception {
        // The application's own builders: the JDK default ciphers, optional client certificates.
        StaplingSslContext good = closeLater(StaplingSslContext.build(engine,
                SslContextBuilder.forServer(pki.pki().leafChain().toFile(), pki.pki().leafKey().toFile())
                        .sslProvider(SslProvider.OPENSSL).clientAuth(ClientAuth.OPTIONAL),
                pki.pki().leafChain()));
        StaplingSslContext revoked = closeLater(StaplingSslContext.build(engine,
                SslContextBuilder.forServer(pki.pki().revokedChain().toFile(),
                        pki.pki().revokedKey().toFile()).sslProvider(SslProvider.OPENSSL_REFCNT),
                pki.pki().revokedChain()));
        NettyHttpServer server = closeLater(new NettyHttpServer(
                new DomainWildcardMappingBuilder<SslContext>(good)
                        .add("good.test", good).add("revoked.test", revoked).build(),
                LOOPBACK, 0));
        assertEquals(3, engine.stats().certificates().size(),
                "both leaves and their intermediate: " + engine.stats());
        waitUntilHeld(good);
        waitUntilHeld(revoked);

        CommandPeers.Run toGood = CommandPeers.sClient(server.port(), pki.pki().root(), "good.test");
        assertTrue(toGood.output.contains("Cert Status: good"), toGood.toString());
        CommandPeers.Run toRevoked = CommandPeers.sClient(server.port(), pki.pki().root(), "revoked.test");
        assertTrue(toRevoked.output.contains("Cert Status: revoked"), toRevoked.toString());
        String goodSerial = good.chain().certificates().get(0).getSerialNumber().toString(16);
        String revokedSerial = revoked.chain().certificates().get(0).getSerialNumber().toString(16);
        assertNotEquals(goodSerial, revokedSerial);
    }

    @Test
    void nothingIsStapledWhenNothingIsHeldAndClosingUnregisters() throws Exception {
        // A leaf whose responder is down from the start: nothing held, nothing handed over.
        pki.pki().close();
        StaplingSslContext context = StaplingSslContext.build(engine,
                SslContextBuilder.forServer(pki.pki().leafChain().toFile(), pki.pki().leafKey().toFile())
                        .sslProvider(SslProvider.OPENSSL_REFCNT), pki.pki().leafChain());
        try (NettyHttpServer server = new NettyHttpServer(context, LOOPBACK, 0)) {
            CommandPeers.Run sClient = CommandPeers.sClient(server.port(), pki.pki().root(), "localhost");
            assertTrue(sClient.output.contains("OCSP response: no response sent"), sClient.toString());
            SSLEngine sslEngine = context.newEngine(ByteBufAllocator.DEFAULT);
            assertTrue(sslEngine instanceof ReferenceCountedOpenSslEngine);
            ReferenceCountUtil.release(sslEngine);
        }
        assertEquals(0, engine.stats().staplesServed());
        assertEquals(2, engine.stats().misses(), "asked for each engine, held nothing");
        context.close();
        context.close();
        assertTrue(engine.stats().certificates().isEmpty(), "unregistered: " + engine.stats());
    }

    @Test
    void aClosedEngineIsRefusedAndTheBuiltContextReleased() throws Exception {
        StaplingEngine closed = StaplingEngine.builder().build();
        closed.close();
        // OPENSSL_REFCNT contexts are tracked by the leak detector: one not released is reported.
        for (int i = 0; i < 3; i++) {
            SslContextBuilder builder = SslContextBuilder.forServer(pki.pki().leafChain().toFile(),
                    pki.pki().leafKey().toFile()).sslProvider(SslProvider.OPENSSL_REFCNT);
            assertThrows(IllegalStateException.class,
                    () -> StaplingSslContext.build(closed, builder, pki.pki().leafChain()));
        }
    }

    @Test
    void aJdkProviderBuilderIsRefused() throws Exception {
        SslContextBuilder jdk = SslContextBuilder.forServer(pki.pki().leafChain().toFile(),
                pki.pki().leafKey().toFile()).sslProvider(SslProvider.JDK);
        assertThrows(RuntimeException.class,
                () -> StaplingSslContext.build(engine, jdk, pki.pki().leafChain()));
        assertTrue(engine.stats().certificates().isEmpty(), "nothing registered");
    }
}
