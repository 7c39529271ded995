package org.staplekit.bench;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.staplekit.CertificateChain;
import org.staplekit.StaplingEngine;
import org.staplekit.tools.NettyStaplingServer;
import org.staplekit.tools.ServerProcess;

/**
 * {@code bench/netty}: Netty on OpenSSL/BoringSSL (netty-tcnative-boringssl-static), with and
 * without staplekit.
 *
 * <ul>
 *   <li>(a) Full handshakes per second, one JDK client thread ({@link BenchClient}: fresh
 *       sessions, one HTTP/1.1 request each), against two servers in child JVMs started the way
 *       users run them: {@code NettyStaplingServer} and the same server without stapling
 *       ({@link PlainNettyServer}); rounds alternate between them.
 *   <li>(b) What stapling adds per connection in the server: {@code heldLeafResponse} then
 *       {@code setOcspResponse} on one OpenSSL engine, timed in batches in this JVM (no JMH),
 *       median ns per connection.
 * </ul>
 */
public final class NettyBench {
    enum Kind {
        STAPLING("Netty OpenSSL + staplekit (NettyStaplingServer)"),
        PLAIN("Netty OpenSSL, no stapling");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private NettyBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        int seconds = Integer.parseInt(env.getOrDefault("BENCH_SECONDS", "3"));
        int rounds = Integer.parseInt(env.getOrDefault("BENCH_ROUNDS", "3"));
        int warmupSeconds = Integer.parseInt(env.getOrDefault("BENCH_WARMUP_SECONDS", "5"));
        int batches = Integer.parseInt(env.getOrDefault("BENCH_BATCHES", "200"));
        int batchSize = Integer.parseInt(env.getOrDefault("BENCH_BATCH_SIZE", "1000"));
        String protocol = env.getOrDefault("BENCH_PROTOCOL", "TLSv1.3");

        try (BenchPki pki = BenchPki.start()) {
            String chain = pki.chainFile().toString();
            String key = pki.chainFile().resolveSibling("leaf.key").toString();
            Map<Kind, List<Double>> perSecond = new EnumMap<>(Kind.class);
            Map<Kind, Integer> stapled = new EnumMap<>(Kind.class);
            try (ServerProcess stapling = ServerProcess.start(NettyStaplingServer.class, List.of(),
                    "--cert", chain, "--key", key, "--port", "0");
                    ServerProcess plain = ServerProcess.start(PlainNettyServer.class, List.of(),
                            chain, key)) {
                Map<Kind, Integer> ports = new EnumMap<>(Kind.class);
                ports.put(Kind.STAPLING, stapling.port());
                ports.put(Kind.PLAIN, plain.port());
                BenchClient client = new BenchClient(pki.root());
                waitUntilStapled(client, stapling.port(), protocol);
                for (Kind kind : Kind.values()) {
                    stapled.put(kind, client.connect(ports.get(kind), protocol).stapled);
                    AgentBench.run(client, ports.get(kind), protocol, warmupSeconds);
                }
                for (int round = 0; round < rounds; round++) {
                    for (Kind kind : Kind.values()) {
                        double rate = AgentBench.run(client, ports.get(kind), protocol, seconds);
                        perSecond.computeIfAbsent(kind, k -> new ArrayList<>()).add(rate);
                        System.err.printf("(a) %s, round %d: %.0f handshakes/s%n", kind.label,
                                round + 1, rate);
                    }
                }
            }
            double[] perCall = engineCall(pki, batches, batchSize);
            report(protocol, seconds, rounds, perSecond, stapled, batches, batchSize, perCall);
        }
    }

    private static void waitUntilStapled(BenchClient client, int port, String protocol)
            throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (client.connect(port, protocol).stapled == 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("NettyStaplingServer never stapled");
            }
            Thread.sleep(50);
        }
    }

    /** ns per heldLeafResponse + setOcspResponse, one figure per batch. */
    private static double[] engineCall(BenchPki pki, int batches, int batchSize) throws Exception {
        try (StaplingEngine engine = StaplingEngine.builder().build();
                CertificateChain chain = engine.parseChain(pki.chain())) {
            engine.register(chain, pki.chainFile());
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (engine.heldLeafResponse(chain).isEmpty()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("nothing held: " + engine.stats());
                }
                Thread.sleep(20);
            }
            SslContext context = SslContextBuilder.forServer(pki.key(), pki.chain())
                    .sslProvider(SslProvider.OPENSSL_REFCNT).enableOcsp(true).build();
            ReferenceCountedOpenSslEngine sslEngine =
                    (ReferenceCountedOpenSslEngine) context.newEngine(ByteBufAllocator.DEFAULT);
            try {
                double[] perCall = new double[batches];
                for (int b = 0; b < batches; b++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < batchSize; i++) {
                        Optional<byte[]> held = engine.heldLeafResponse(chain);
                        sslEngine.setOcspResponse(held.orElseThrow());
                    }
                    perCall[b] = (System.nanoTime() - start) / (double) batchSize;
                }
                engine.unregister(chain);
                return perCall;
            } finally {
                ReferenceCountUtil.release(sslEngine);
                ReferenceCountUtil.release(context);
            }
        }
    }

    private static void report(String protocol, int seconds, int rounds,
            Map<Kind, List<Double>> perSecond, Map<Kind, Integer> stapled, int batches,
            int batchSize, double[] perCall) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%n### (a) Full handshakes per second (%s, one JDK client thread,"
                + " %d rounds of %d s, median [min, max])%n%n", protocol, rounds, seconds));
        out.append("| server | handshakes/s | vs no stapling | certificates stapled |\n");
        out.append("|---|---|---|---|\n");
        double plain = Stats.of(perSecond.get(Kind.PLAIN)).median;
        for (Kind kind : Kind.values()) {
            Stats s = Stats.of(perSecond.get(kind));
            out.append(String.format("| %s | %.0f [%.0f, %.0f] | %.2f | %d |%n", kind.label,
                    s.median, s.min, s.max, s.median / plain, stapled.get(kind)));
        }
        Stats call = Stats.of(perCall);
        out.append(String.format("%n### (b) The engine call per connection (heldLeafResponse +"
                + " setOcspResponse, %d batches of %d, ns per call)%n%n", batches, batchSize));
        out.append("| median | min | max |\n|---|---|---|\n");
        out.append(String.format("| %.0f | %.0f | %.0f |%n", call.median, call.min, call.max));
        System.out.print(out);
    }
}
