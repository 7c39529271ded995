package org.staplekit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.tls.TlsServer;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.staplekit.CertificateChain;
import org.staplekit.ClientStatusRequest;
import org.staplekit.EngineStats;
import org.staplekit.MalformedStatusRequestException;
import org.staplekit.OcspStatus;
import org.staplekit.StaplingEngine;
import org.staplekit.StaplingException;
import org.staplekit.TlsVersion;
import org.staplekit.bc.PlainTlsServer;
import org.staplekit.bc.StaplingTlsServer;

/**
 * A benchmark server on 127.0.0.1, started fresh: one of the four {@link ServerKind}s (a JDK
 * {@code SSLServerSocket} with its own new {@link SSLContext}, so its stapling cache starts
 * empty, or a Bouncy Castle server with, for staplekit, its own new engine), or one of the
 * {@link Decomposition}'s Bouncy Castle servers. Every server answers each connection the same
 * way (handshake, read a request up to its empty line, write a short answer, close), one thread
 * per connection, and counts the CPU time its connection threads spend.
 */
abstract class BenchServer implements AutoCloseable {
    /** Set while a JDK SSLContext is built: the property is read by its constructor. */
    static final String JDK_SERVER_STAPLING = "jdk.tls.server.enableStatusRequestExtension";
    private static final byte[] ANSWER = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Whether a staplekit server registers its chain at start (as BcStaplingServer does). */
    enum Start {
        REGISTERED,
        UNREGISTERED
    }

    final ServerKind kind;
    private final ServerSocket socket;
    private final ExecutorService connections;
    private final Thread acceptor;
    private final LongAdder served = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder cpuNanos = new LongAdder();
    /** The CPU time a Bouncy Castle server's timed hooks took, added up. */
    private final LongAdder hookNanos = new LongAdder();
    private final AtomicReference<Exception> lastFailure = new AtomicReference<>();

    private BenchServer(ServerKind kind, ServerSocket socket) {
        this.kind = kind;
        // Threads named after the server, so that profiles tell the servers apart.
        this.connections = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "bench-server-" + kind);
            thread.setDaemon(true);
            return thread;
        });
        this.socket = socket;
        this.acceptor = new Thread(this::accept, "bench-server-accept");
        acceptor.setDaemon(true);
    }

    /** Starts a fresh server of {@code kind}; {@code start} matters for staplekit only. */
    static BenchServer start(ServerKind kind, BenchPki pki, Start start)
            throws IOException, GeneralSecurityException, StaplingException {
        BenchServer server;
        switch (kind) {
            case JDK_STAPLING:
            case JDK_PLAIN:
                server = new Jdk(kind, jdkContext(pki, kind.stapling));
                break;
            case STAPLEKIT:
                server = new Staplekit(pki, start);
                break;
            default:
                server = new BcPlain(pki);
                break;
        }
        // Started once fully built, so connection threads see every field set.
        server.acceptor.start();
        return server;
    }

    /** Starts a fresh server of the decomposition (part d), its chain registered and held. */
    static BenchServer startDecomposed(BenchPki pki, Decomposition part)
            throws IOException, StaplingException, InterruptedException {
        BenchServer server = new Decomposed(pki, part);
        server.acceptor.start();
        return server;
    }

    /**
     * Waits until {@code engine} holds a GOOD response for every certificate registered, and
     * returns how long that took.
     *
     * @throws IllegalStateException if that takes longer than {@code timeoutMillis}
     */
    static long awaitHeld(StaplingEngine engine, long timeoutMillis)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            EngineStats stats = engine.stats();
            if (!stats.certificates().isEmpty() && stats.certificates().stream()
                    .allMatch(c -> c.status().filter(OcspStatus.GOOD::equals).isPresent())) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the engine holds no GOOD responses after "
                        + timeoutMillis + " ms: " + stats);
            }
            Thread.sleep(1);
        }
    }

    /**
     * A new server SSLContext with stapling on or off. SunJSSE reads
     * {@value #JDK_SERVER_STAPLING} in the SSLContextImpl constructor (JDK 17), so the property
     * is set only while the context is made, and each context keeps its own setting.
     */
    static synchronized SSLContext jdkContext(BenchPki pki, boolean stapling)
            throws GeneralSecurityException, IOException {
        String before = System.getProperty(JDK_SERVER_STAPLING);
        System.setProperty(JDK_SERVER_STAPLING, Boolean.toString(stapling));
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(pki.keyManagers(), null, null);
            return context;
        } finally {
            if (before == null) {
                System.clearProperty(JDK_SERVER_STAPLING);
            } else {
                System.setProperty(JDK_SERVER_STAPLING, before);
            }
        }
    }

    /** The port bound. */
    int port() {
        return socket.getLocalPort();
    }

    /** Staples the client should get from this server. */
    int expectedStaples() {
        return Measurements.expectedStaples(kind);
    }

    /** The server, as error messages name it. */
    String label() {
        return kind.label();
    }

    /** Connections served to the end so far. */
    long served() {
        return served.sum();
    }

    /** Connections that failed so far; {@link #lastFailure()} says why. */
    long failed() {
        return failed.sum();
    }

    /** The last connection failure, or null. */
    Exception lastFailure() {
        return lastFailure.get();
    }

    /** CPU time the connection threads spent so far, in nanoseconds. */
    long cpuNanos() {
        return cpuNanos.sum();
    }

    /**
     * Of {@link #cpuNanos()}, what the Bouncy Castle servers' two hooks around the engine's
     * calls took ({@code processClientExtensions}, {@code getServerExtensions}; with and without
     * staplekit): the difference is the engine's calls as a handshake makes them. Zero for the
     * JDK's servers.
     */
    long hookNanos() {
        return hookNanos.sum();
    }

    /**
     * For staplekit with a registered chain: waits until the engine holds a GOOD response for
     * every registered certificate, and returns how long that took; zero for the others.
     *
     * @throws IllegalStateException if that takes longer than {@code timeoutMillis}
     */
    long awaitHeldMillis(long timeoutMillis) throws InterruptedException {
        return 0;
    }

    /** Serves one accepted connection: handshake, request, answer. */
    abstract void serve(Socket client) throws IOException;

    private void accept() {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException closed) {
                return;
            }
            connections.execute(() -> connection(client));
        }
    }

    private void connection(Socket client) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        try (Socket closing = client) {
            closing.setTcpNoDelay(true);
            closing.setSoTimeout(20_000);
            serve(closing);
            served.increment();
        } catch (IOException | RuntimeException e) {
            failed.increment();
            lastFailure.set(e);
        } finally {
            cpuNanos.add(THREADS.getCurrentThreadCpuTime() - cpu);
        }
    }

    /** Reads a request up to its empty line (or the end) and writes the answer. */
    static void exchange(InputStream in, OutputStream out) throws IOException {
        // Counts the bytes of "\r\n\r\n" seen in a row; reads no further than that.
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1
                    : b == '\r' ? 1 : 0;
        }
        out.write(ANSWER);
        out.flush();
    }

    /** Stops accepting and waits briefly for connections in progress. */
    @Override
    public void close() throws IOException {
        socket.close();
        connections.shutdown();
        try {
            acceptor.join(5_000);
            connections.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SunJSSE: an SSLServerSocket from a context of its own. */
    private static final class Jdk extends BenchServer {
        Jdk(ServerKind kind, SSLContext context) throws IOException {
            super(kind, context.getServerSocketFactory()
                    .createServerSocket(0, 128, InetAddress.getLoopbackAddress()));
        }

        @Override
        void serve(Socket client) throws IOException {
            SSLSocket tls = (SSLSocket) client;
            tls.startHandshake();
            exchange(tls.getInputStream(), tls.getOutputStream());
        }
    }

    /** Bouncy Castle over a plain ServerSocket; subclasses say which TlsServer. */
    private abstract static class Bc extends BenchServer {
        final JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(new SecureRandom());

        Bc(ServerKind kind) throws IOException {
            super(kind, new ServerSocket(0, 128, InetAddress.getLoopbackAddress()));
        }

        abstract TlsServer tlsServer();

        @Override
        void serve(Socket client) throws IOException {
            TlsServerProtocol protocol =
                    new TlsServerProtocol(client.getInputStream(), client.getOutputStream());
            protocol.accept(tlsServer());
            exchange(protocol.getInputStream(), protocol.getOutputStream());
            protocol.close();
        }
    }

    /** Bouncy Castle stapling through a new engine of its own (the project's defaults). */
    private static final class Staplekit extends Bc {
        private final StaplingEngine engine;
        private final CertificateChain chain;
        private final BenchPki pki;
        private final boolean registered;

        Staplekit(BenchPki pki, Start start) throws IOException, StaplingException {
            super(ServerKind.STAPLEKIT);
            this.pki = pki;
            this.engine = StaplingEngine.builder().build();
            this.chain = engine.parseChain(pki.chain());
            this.registered = start == Start.REGISTERED;
            if (registered) {
                // As BcStaplingServer does at start-up: fetched in the background, kept fresh.
                engine.register(chain, pki.chainFile());
            }
        }

        @Override
        TlsServer tlsServer() {
            return new TimedStapling(this);
        }

        @Override
        long awaitHeldMillis(long timeoutMillis) throws InterruptedException {
            if (!registered) {
                return 0;
            }
            return awaitHeld(engine, timeoutMillis);
        }

        @Override
        public void close() throws IOException {
            super.close();
            chain.close();
            engine.close();
        }
    }

    /**
     * The CPU time of the calls {@code hooks} makes, added to {@link #hookNanos}. Reading the
     * thread's CPU clock costs about a microsecond, the same on both Bouncy Castle servers.
     */
    final <T> T timed(Hook<T> hook) throws IOException {
        long start = THREADS.getCurrentThreadCpuTime();
        try {
            return hook.call();
        } finally {
            hookNanos.add(THREADS.getCurrentThreadCpuTime() - start);
        }
    }

    /** A hook's call to its superclass. */
    @FunctionalInterface
    interface Hook<T> {
        T call() throws IOException;
    }

    /**
     * StaplingTlsServer, counting the CPU time of the two hooks that call the engine
     * ({@code select} while reading the ClientHello, {@code staple} before the ServerHello).
     */
    private static final class TimedStapling extends StaplingTlsServer {
        private final Staplekit server;

        TimedStapling(Staplekit server) {
            super(server.crypto, server.engine, server.chain, server.pki.key());
            this.server = server;
        }

        @Override
        @SuppressWarnings("rawtypes")
        public void processClientExtensions(Hashtable clientExtensions) throws IOException {
            server.timed(() -> {
                super.processClientExtensions(clientExtensions);
                return null;
            });
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Hashtable getServerExtensions() throws IOException {
            return server.timed(super::getServerExtensions);
        }
    }

    /** PlainTlsServer, counting the CPU time of the same two hooks. */
    private static final class TimedPlain extends PlainTlsServer {
        private final BcPlain server;

        TimedPlain(BcPlain server) {
            super(server.crypto, server.pki.chain(), server.pki.key());
            this.server = server;
        }

        @Override
        @SuppressWarnings("rawtypes")
        public void processClientExtensions(Hashtable clientExtensions) throws IOException {
            server.timed(() -> {
                super.processClientExtensions(clientExtensions);
                return null;
            });
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Hashtable getServerExtensions() throws IOException {
            return server.timed(super::getServerExtensions);
        }
    }

    /**
     * A server of the decomposition: PlainTlsServer calling the engine as StaplingTlsServer does
     * and dropping the result, or sending a copy of the responses without the engine, or
     * StaplingTlsServer itself (in TLS 1.3).
     */
    private static final class Decomposed extends Bc {
        private static final byte[] JDK_STATUS_REQUEST = {1, 0, 0, 0, 0};

        private final Decomposition part;
        private final BenchPki pki;
        private final StaplingEngine engine;
        private final CertificateChain chain;
        private final List<byte[]> entries;

        Decomposed(BenchPki pki, Decomposition part)
                throws IOException, StaplingException, InterruptedException {
            super(part.sendsResponses ? ServerKind.STAPLEKIT : ServerKind.BC_PLAIN);
            this.part = part;
            this.pki = pki;
            this.engine = StaplingEngine.builder().build();
            this.chain = engine.parseChain(pki.chain());
            engine.register(chain, pki.chainFile());
            awaitHeld(engine, 20_000);
            try {
                this.entries = engine.staple(new ClientStatusRequest(JDK_STATUS_REQUEST, null,
                        TlsVersion.TLS_1_3, false), chain).orElseThrow().certificateEntries();
            } catch (MalformedStatusRequestException e) {
                throw new IllegalStateException("the JDK's status_request is well formed", e);
            }
        }

        @Override
        int expectedStaples() {
            return part.sendsResponses ? 2 : 0;
        }

        @Override
        String label() {
            return part.label;
        }

        @Override
        TlsServer tlsServer() {
            if (part == Decomposition.STAPLEKIT) {
                return new StaplingTlsServer(crypto, engine, chain, pki.key());
            }
            return new Partial();
        }

        @Override
        public void close() throws IOException {
            super.close();
            chain.close();
            engine.close();
        }

        /** PlainTlsServer with the engine's calls or the responses' bytes, not both. */
        private final class Partial extends PlainTlsServer {
            private byte[] statusRequest;
            private byte[] statusRequestV2;

            Partial() {
                super(crypto, pki.chain(), pki.key());
            }

            @Override
            @SuppressWarnings("rawtypes")
            public void processClientExtensions(Hashtable clientExtensions) throws IOException {
                statusRequest = TlsUtils.getExtensionData(clientExtensions,
                        TlsExtensionsUtils.EXT_status_request);
                statusRequestV2 = TlsUtils.getExtensionData(clientExtensions,
                        TlsExtensionsUtils.EXT_status_request_v2);
                if (part.callsEngine) {
                    try {
                        engine.select(request(), chain.size());
                    } catch (MalformedStatusRequestException e) {
                        throw new IOException(e);
                    }
                }
                super.processClientExtensions(clientExtensions);
            }

            @Override
            @SuppressWarnings("rawtypes")
            public Hashtable getServerExtensions() throws IOException {
                if (part.callsEngine) {
                    try {
                        // Used as StaplingTlsServer uses it: its entries, copied.
                        engine.staple(request(), chain).orElseThrow().certificateEntries();
                    } catch (MalformedStatusRequestException e) {
                        throw new IOException(e);
                    }
                }
                return super.getServerExtensions();
            }

            @Override
            protected byte[] entryStatus(int index) {
                return part.sendsResponses && index < entries.size() ? entries.get(index) : null;
            }

            private ClientStatusRequest request() {
                return new ClientStatusRequest(statusRequest, statusRequestV2,
                        TlsVersion.fromWire(context.getServerVersion().getFullVersion()), false);
            }
        }
    }

    /** Bouncy Castle without the engine. */
    private static final class BcPlain extends Bc {
        private final BenchPki pki;

        BcPlain(BenchPki pki) throws IOException {
            super(ServerKind.BC_PLAIN);
            this.pki = pki;
        }

        @Override
        TlsServer tlsServer() {
            return new TimedPlain(this);
        }
    }
}
