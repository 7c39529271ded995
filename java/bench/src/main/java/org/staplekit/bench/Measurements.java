package org.staplekit.bench;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.staplekit.StaplingException;

/** The measurements of the handshake benchmark, each on servers of {@link BenchServer}. */
final class Measurements {
    /** How long a registered chain may take to be held before the run gives up. */
    private static final long HELD_TIMEOUT_MILLIS = 20_000;

    private final BenchPki pki;
    private final BenchClient client;

    Measurements(BenchPki pki, BenchClient client) {
        this.pki = pki;
        this.client = client;
    }

    /** Staples the client gets from a server that staples: leaf and intermediate. */
    static int expectedStaples(ServerKind kind) {
        return kind.stapling ? 2 : 0;
    }

    /** One fresh start and its first handshake. */
    static final class First {
        /** The first handshake, connect to handshake done. */
        final double millis;
        /** Staples the client got. */
        final int stapled;
        /** staplekit with a registered chain: how long after start its responses were held. */
        final long heldAfterMillis;

        First(double millis, int stapled, long heldAfterMillis) {
            this.millis = millis;
            this.stapled = stapled;
            this.heldAfterMillis = heldAfterMillis;
        }
    }

    /**
     * Starts a fresh server of {@code kind} and times its first handshake. With
     * {@code awaitHeld}, a staplekit server with a registered chain first waits until its
     * responses are held (the others do not wait).
     *
     * @throws IllegalStateException if the handshake stapled other than as configured (unless
     *     staplekit was not waited for: it then staples what it holds, possibly nothing)
     */
    First first(ServerKind kind, String protocol, BenchServer.Start start, boolean awaitHeld)
            throws IOException, GeneralSecurityException, StaplingException,
            InterruptedException {
        try (BenchServer server = BenchServer.start(kind, pki, start)) {
            long held = awaitHeld ? server.awaitHeldMillis(HELD_TIMEOUT_MILLIS) : 0;
            BenchClient.Result result = client.connect(server.port(), protocol);
            boolean checked = awaitHeld || start == BenchServer.Start.UNREGISTERED
                    || kind != ServerKind.STAPLEKIT;
            if (checked && result.stapled != expectedStaples(kind)) {
                throw new IllegalStateException(kind.label() + ", " + protocol + ": "
                        + result.stapled + " staples, expected " + expectedStaples(kind));
            }
            return new First(result.handshakeNanos / 1e6, result.stapled, held);
        }
    }

    /** One steady-state measurement. */
    static final class Rate {
        /** Completed connections (full handshake and one request) per second. */
        final double perSecond;
        /** CPU time of the server's connection threads per connection, in microseconds. */
        final double serverCpuMicros;
        /** Of that, the Bouncy Castle hooks' (see {@link BenchServer#hookNanos()}). */
        final double hookMicros;

        Rate(double perSecond, double serverCpuMicros, double hookMicros) {
            this.perSecond = perSecond;
            this.serverCpuMicros = serverCpuMicros;
            this.hookMicros = hookMicros;
        }
    }

    /**
     * Runs {@code clients} threads, each connecting to {@code server} one connection after
     * another, for {@code length}.
     *
     * @throws IllegalStateException if a connection failed or stapled other than as configured
     */
    Rate rate(BenchServer server, String protocol, Duration length, int clients)
            throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(clients, runnable -> {
            Thread thread = new Thread(runnable, "bench-client");
            thread.setDaemon(true);
            return thread;
        });
        try {
            long servedBefore = server.served();
            long cpuBefore = server.cpuNanos();
            long hooksBefore = server.hookNanos();
            long start = System.nanoTime();
            long deadline = start + length.toNanos();
            int expected = server.expectedStaples();
            List<Future<Long>> counts = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                counts.add(threads.submit(() -> {
                    long n = 0;
                    while (System.nanoTime() < deadline) {
                        BenchClient.Result result = client.connect(server.port(), protocol);
                        if (result.stapled != expected) {
                            throw new IllegalStateException(server.label() + ": "
                                    + result.stapled + " staples, expected " + expected);
                        }
                        n++;
                    }
                    return n;
                }));
            }
            long total = 0;
            for (Future<Long> count : counts) {
                try {
                    total += count.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(server.label() + ": a client failed: "
                            + e.getCause(), e.getCause());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // The server may still be closing the last connections: let it count them.
            long servedTarget = servedBefore + total;
            long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.served() < servedTarget && System.nanoTime() < wait) {
                Thread.sleep(1);
            }
            if (server.failed() > 0) {
                throw new IllegalStateException(server.label() + ": " + server.failed()
                        + " connections failed, the last with " + server.lastFailure(),
                        server.lastFailure());
            }
            long served = server.served() - servedBefore;
            double cpu = served == 0 ? 0 : (server.cpuNanos() - cpuBefore) / 1e3 / served;
            double hooks =
                    served == 0 ? 0 : (server.hookNanos() - hooksBefore) / 1e3 / served;
            return new Rate(total / seconds, cpu, hooks);
        } finally {
            threads.shutdownNow();
        }
    }
}
