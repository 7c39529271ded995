package org.staplekit.bc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.tls.CertificateStatusRequest;
import org.bouncycastle.tls.CertificateStatusType;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.OCSPStatusRequest;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.staplekit.CertificateChain;
import org.staplekit.CertificateStats;
import org.staplekit.StaplingEngine;
import org.staplekit.testkit.Pki;
import org.staplekit.tools.Pem;

/**
 * The nonce flood (issue 11, finding 1) with real sockets and real bytes: Bouncy Castle TLS
 * clients that put an RFC 8954 nonce in their {@code status_request} drive hundreds of handshakes
 * at Bouncy Castle servers of one engine, one for a registered chain and one for a chain that is
 * not registered, while the in-process responder counts what reaches it.
 */
@Timeout(120)
class NonceFloodTest {
    private static final System.Logger LOG = System.getLogger(NonceFloodTest.class.getName());

    /** Client-driven fetches allowed per certificate per minute. */
    private static final int BUDGET_PER_MINUTE = 6;
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(1);
    /** Slow enough that unbounded fetches pile up behind one another. */
    private static final Duration RESPONDER_DELAY = Duration.ofMillis(300);
    /** Short, so the registered chain must be refreshed several times during the flood. */
    private static final Duration VALIDITY = Duration.ofSeconds(3);
    private static final Duration WARM_UP = Duration.ofSeconds(2);
    private static final Duration FLOOD = Duration.ofSeconds(8);
    private static final int CLIENTS = 8;

    @Test
    void nonceHandshakesStayWithinTheBudgetAndTheRegisteredChainStaysFresh(
            TestReporter reporter) throws Exception {
        assertTrue(heapIsPreTouched(), "resident memory would count heap pages the JVM touches"
                + " as it grows; run with -Xms equal to -Xmx and -XX:+AlwaysPreTouch (gradle/junit.gradle"
                + " does), not " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        try (Pki pki = Pki.startInProcess();
                StaplingEngine engine = StaplingEngine.builder()
                        .property("jdk.tls.stapling.responseTimeout",
                                Long.toString(RESPONSE_TIMEOUT.toMillis()))
                        .property("staplekit.stapling.retryDelay", "500")
                        .property("staplekit.stapling.nonceFetchesPerMinute",
                                Integer.toString(BUDGET_PER_MINUTE))
                        .build();
                CertificateChain registered = engine.parseChain(pki.leafChain());
                CertificateChain unregistered = engine.parseChain(pki.revokedChain());
                Server registeredServer = new Server(engine, registered,
                        Pem.privateKey(pki.pki().leafKey()));
                Server unregisteredServer = new Server(engine, unregistered,
                        Pem.privateKey(pki.pki().revokedKey()))) {
            assertTrue(engine.configurationWarnings().isEmpty(),
                    engine.configurationWarnings().toString());
            pki.pki().setValidity(VALIDITY);
            engine.register(registered, pki.pki().leafChain());
            RegisteredChainTest.awaitGood(engine, 2);
            pki.pki().delayResponses(RESPONDER_DELAY);

            long requestsBefore = pki.pki().requestCount();
            long refreshesBefore = refreshes(engine, -1);
            long leafRefreshesBefore = refreshes(engine, 0);
            Instant start = Instant.now();
            AtomicLong handshakes = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running = new ArrayList<>();
            Instant end = start.plus(WARM_UP).plus(FLOOD);
            for (int c = 0; c < CLIENTS; c++) {
                int port = (c % 2 == 0 ? registeredServer : unregisteredServer).port();
                int client = c;
                running.add(clients.submit(() -> {
                    long n = 0;
                    while (Instant.now().isBefore(end)) {
                        try {
                            nonceHandshake(port, client, n++);
                            handshakes.incrementAndGet();
                        } catch (IOException e) {
                            failures.incrementAndGet();
                            LOG.log(Level.DEBUG, "handshake failed", e);
                        }
                    }
                    return null;
                }));
            }
            // Both TLS stacks and the JIT settle during the warm-up; RSS is compared after it. The
            // heap is fixed and pre-touched (see heapIsPreTouched), so what grows is native
            // memory the flood keeps: the engine, its queues, the JNI layer, thread stacks.
            Thread.sleep(WARM_UP.toMillis());
            long rssBefore = rssKib();
            int lapsed = 0;
            while (Instant.now().isBefore(end)) {
                CertificateStats leaf = engine.stats().certificates().get(0);
                if (!leaf.nextUpdate().map(n -> n.isAfter(Instant.now())).orElse(false)) {
                    lapsed++;
                }
                Thread.sleep(100);
            }
            for (Future<?> f : running) {
                f.get();
            }
            clients.shutdown();
            Duration elapsed = Duration.between(start, Instant.now());
            long rssGrowth = rssKib() - rssBefore;
            long requestsAtEnd = pki.pki().requestCount() - requestsBefore;
            // Fetches still queued would go on asking after their handshakes gave up.
            Thread.sleep(2000);
            long requests = pki.pki().requestCount() - requestsBefore;
            long refreshed = refreshes(engine, -1) - refreshesBefore;
            long leafRefreshed = refreshes(engine, 0) - leafRefreshesBefore;
            Duration longest = Duration.ofNanos(Math.max(registeredServer.longestStapleNanos.get(),
                    unregisteredServer.longestStapleNanos.get()));
            String figures = handshakes + " handshakes (" + failures + " failed) in "
                    + elapsed.toMillis() + " ms; upstream requests " + requestsAtEnd
                    + " at the end, " + requests + " 2 s later; registered chain refreshed "
                    + refreshed + " times (leaf " + leafRefreshed + "); longest staple decision "
                    + longest.toMillis() + " ms; RSS growth " + rssGrowth
                    + " KiB; held response lapsed in " + lapsed + " samples";
            reporter.publishEntry("nonce flood", figures);
            LOG.log(Level.INFO, "nonce flood: {0}", figures);

            assertTrue(handshakes.get() >= 100, figures);
            assertEquals(0, failures.get(), figures);
            // Three certificates can be fetched for clients (leaf, revoked leaf, intermediate):
            // a full bucket each, refilled at the budget's rate; the rest are refreshes.
            double minutes = (elapsed.toMillis() + 2000) / 60_000.0;
            long perCertificate = BUDGET_PER_MINUTE + (long) Math.ceil(BUDGET_PER_MINUTE * minutes);
            assertTrue(requests <= 3 * perCertificate + refreshed + 2,
                    "over the budget of " + perCertificate + " per certificate: " + figures);
            assertTrue(leafRefreshed >= 2, "the registered leaf was not refreshed: " + figures);
            assertEquals(0, lapsed, "the held response reached its nextUpdate: " + figures);
            assertTrue(longest.compareTo(RESPONSE_TIMEOUT.plusSeconds(2)) < 0, figures);
            assertTrue(rssGrowth < 64 * 1024, figures);
        }
    }

    /**
     * Whether every page of the heap was touched at start and the heap cannot grow, so that RSS
     * growth is native memory alone.
     */
    private static boolean heapIsPreTouched() {
        List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        String initial = null;
        String maximum = null;
        for (String argument : arguments) {
            if (argument.startsWith("-Xms")) {
                initial = argument.substring(4);
            } else if (argument.startsWith("-Xmx")) {
                maximum = argument.substring(4);
            }
        }
        return arguments.contains("-XX:+AlwaysPreTouch") && initial != null
                && initial.equals(maximum);
    }

    /** Background fetches of registered certificate {@code index}, or of all of them (-1). */
    private static long refreshes(StaplingEngine engine, int index) {
        List<CertificateStats> certificates = engine.stats().certificates();
        return (index < 0 ? certificates : certificates.subList(index, index + 1)).stream()
                .flatMap(c -> c.fetches().values().stream())
                .mapToLong(Long::longValue)
                .sum();
    }

    private static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }

    /** One full handshake whose status_request carries a nonce unique to it. */
    private static void nonceHandshake(int port, int client, long n) throws IOException {
        byte[] nonce = new byte[16];
        for (int i = 0; i < 8; i++) {
            nonce[i] = (byte) (client >>> (8 * (7 - i)));
            nonce[8 + i] = (byte) (n >>> (8 * (7 - i)));
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            TlsClientProtocol protocol =
                    new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
            protocol.connect(new NonceClient(nonce));
            protocol.close();
        }
    }

    /** Bouncy Castle's client asking for OCSP stapling with a nonce; trusts any server. */
    private static final class NonceClient extends DefaultTlsClient {
        private final byte[] nonce;

        NonceClient(byte[] nonce) {
            super(new JcaTlsCryptoProvider().create(new SecureRandom()));
            this.nonce = nonce;
        }

        @Override
        protected CertificateStatusRequest getCertificateStatusRequest() {
            try {
                // RFC 8954: the extension's value is the DER of an OCTET STRING holding the nonce.
                Extension extension = new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce,
                        false, new DEROctetString(nonce).getEncoded());
                return new CertificateStatusRequest(CertificateStatusType.ocsp,
                        new OCSPStatusRequest(new Vector<>(), new Extensions(extension)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) {
                    // The flood is about load, not trust: any server certificate will do.
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) {
                    return null;
                }
            };
        }
    }

    /**
     * A {@link StaplingTlsServer} on 127.0.0.1 serving connections side by side, as a real
     * server does, and keeping the longest time the engine took to decide a staple.
     */
    private static final class Server implements AutoCloseable {
        private final JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(new SecureRandom());
        private final ServerSocket socket =
                new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        private final ExecutorService workers = Executors.newFixedThreadPool(CLIENTS);
        private final Thread acceptor = new Thread(this::accept, "nonce-flood-acceptor");
        private final StaplingEngine engine;
        private final CertificateChain chain;
        private final PrivateKey key;
        final AtomicLong longestStapleNanos = new AtomicLong();

        Server(StaplingEngine engine, CertificateChain chain, PrivateKey key) throws IOException {
            this.engine = engine;
            this.chain = chain;
            this.key = key;
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    workers.execute(() -> serve(client));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket client) {
            try (Socket c = client) {
                c.setSoTimeout(20_000);
                TlsServerProtocol protocol =
                        new TlsServerProtocol(c.getInputStream(), c.getOutputStream());
                protocol.accept(new TimedServer());
                protocol.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "connection failed", e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            try {
                acceptor.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workers.shutdownNow();
        }

        /** Times the engine's staple decision, which getServerExtensions makes. */
        private final class TimedServer extends StaplingTlsServer {
            TimedServer() {
                super(crypto, engine, chain, key);
            }

            @Override
            @SuppressWarnings("rawtypes")
            public Hashtable getServerExtensions() throws IOException {
                long begun = System.nanoTime();
                try {
                    return super.getServerExtensions();
                } finally {
                    longestStapleNanos.accumulateAndGet(System.nanoTime() - begun, Math::max);
                }
            }
        }
    }
}
