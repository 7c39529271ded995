package org.staplekit.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.staplekit.tools.JdkSocketServer;
import org.staplekit.tools.ServerProcess;

/**
 * The Java agent on a stock JDK server ({@link JdkSocketServer}, each in a child JVM of its own,
 * as users run it), against the JDK's own stapling and against no stapling, in one run:
 *
 * <ol type="a">
 *   <li>the first stapled handshake of a freshly started server while the upstream responder
 *       takes {@code BENCH_DELAY_MS}, after one handshake that asks for no status (so the
 *       server's TLS code is warm and nothing is fetched yet), {@code BENCH_REPEATS} starts each;
 *   <li>steady-state full handshakes per second (one client thread, fresh sessions), upstream
 *       without delay.
 * </ol>
 *
 * <p>Markdown on standard output, progress on standard error. Run by {@code bench/agent}, which
 * passes the agent jar as {@code -Dstaplekit.agentJar}.
 */
public final class AgentBench {
    private static final String PASSWORD = "changeit";

    /** The servers compared. */
    enum Kind {
        AGENT("SunJSSE + staplekit agent"),
        JDK_STAPLING("SunJSSE, JDK stapling (enableStatusRequestExtension=true)"),
        JDK_PLAIN("SunJSSE, no stapling");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private AgentBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        int repeats = Integer.parseInt(env.getOrDefault("BENCH_REPEATS", "5"));
        int delayMillis = Integer.parseInt(env.getOrDefault("BENCH_DELAY_MS", "300"));
        int seconds = Integer.parseInt(env.getOrDefault("BENCH_SECONDS", "3"));
        int rounds = Integer.parseInt(env.getOrDefault("BENCH_ROUNDS", "3"));
        int warmupSeconds = Integer.parseInt(env.getOrDefault("BENCH_WARMUP_SECONDS", "5"));
        String protocol = env.getOrDefault("BENCH_PROTOCOL", "TLSv1.3");
        Path agentJar = Path.of(System.getProperty("staplekit.agentJar"));

        try (BenchPki pki = BenchPki.start()) {
            Path keyStore = Files.createTempFile("staplekit-bench", ".p12");
            try {
                writeKeyStore(pki, keyStore);
                Map<Kind, List<Double>> first = new EnumMap<>(Kind.class);
                Map<Kind, List<Integer>> firstStapled = new EnumMap<>(Kind.class);
                pki.delayResponses(Duration.ofMillis(delayMillis));
                for (int r = 0; r < repeats; r++) {
                    for (Kind kind : List.of(Kind.AGENT, Kind.JDK_STAPLING)) {
                        try (ServerProcess server = ServerProcess.start(JdkSocketServer.class,
                                options(kind, keyStore, agentJar))) {
                            BenchClient warm = withoutStatusRequest(pki);
                            warm.connect(server.port(), protocol);
                            BenchClient.Result result =
                                    new BenchClient(pki.root()).connect(server.port(), protocol);
                            first.computeIfAbsent(kind, k -> new ArrayList<>())
                                    .add(result.handshakeNanos / 1e6);
                            firstStapled.computeIfAbsent(kind, k -> new ArrayList<>())
                                    .add(result.stapled);
                            System.err.printf("(a) %s, start %d: %.1f ms, %d stapled%n",
                                    kind.label, r + 1, result.handshakeNanos / 1e6,
                                    result.stapled);
                        }
                    }
                }
                pki.delayResponses(Duration.ZERO);

                Map<Kind, List<Double>> perSecond = new EnumMap<>(Kind.class);
                Map<Kind, ServerProcess> servers = new EnumMap<>(Kind.class);
                try {
                    for (Kind kind : Kind.values()) {
                        servers.put(kind, ServerProcess.start(JdkSocketServer.class,
                                options(kind, keyStore, agentJar)));
                    }
                    BenchClient client = new BenchClient(pki.root());
                    for (Kind kind : Kind.values()) {
                        run(client, servers.get(kind).port(), protocol, warmupSeconds);
                    }
                    for (int round = 0; round < rounds; round++) {
                        for (Kind kind : Kind.values()) {
                            double rate = run(client, servers.get(kind).port(), protocol, seconds);
                            perSecond.computeIfAbsent(kind, k -> new ArrayList<>()).add(rate);
                            System.err.printf("(b) %s, round %d: %.0f handshakes/s%n",
                                    kind.label, round + 1, rate);
                        }
                    }
                } finally {
                    servers.values().forEach(ServerProcess::close);
                }
                report(repeats, delayMillis, protocol, seconds, rounds, first, firstStapled,
                        perSecond);
            } finally {
                Files.deleteIfExists(keyStore);
            }
        }
    }

    private static void report(int repeats, int delayMillis, String protocol, int seconds,
            int rounds, Map<Kind, List<Double>> first, Map<Kind, List<Integer>> stapled,
            Map<Kind, List<Double>> perSecond) {
        System.out.printf("%n### (a) First stapled handshake of a fresh server, upstream %d ms"
                + " (%s, %d starts each, median [min, max])%n%n", delayMillis, protocol, repeats);
        System.out.println("| server | first stapled handshake | certificates stapled |");
        System.out.println("|---|---|---|");
        for (Kind kind : List.of(Kind.AGENT, Kind.JDK_STAPLING)) {
            Stats s = Stats.of(first.get(kind));
            System.out.printf("| %s | %.1f ms [%.1f, %.1f] | %s |%n", kind.label, s.median,
                    s.min, s.max, stapled.get(kind));
        }
        System.out.printf("%nJDK alone / with the agent: %.1f (medians)%n",
                Stats.of(first.get(Kind.JDK_STAPLING)).median
                        / Stats.of(first.get(Kind.AGENT)).median);
        System.out.printf("%n### (b) Steady state, full handshakes per second (%s, one client"
                + " thread, %d rounds of %d s, median [min, max])%n%n", protocol, rounds, seconds);
        System.out.println("| server | handshakes/s | vs no stapling |");
        System.out.println("|---|---|---|");
        double plain = Stats.of(perSecond.get(Kind.JDK_PLAIN)).median;
        for (Kind kind : Kind.values()) {
            Stats s = Stats.of(perSecond.get(kind));
            System.out.printf("| %s | %.0f [%.0f, %.0f] | %.2f |%n", kind.label, s.median, s.min,
                    s.max, s.median / plain);
        }
    }

    /** Full handshakes per second against {@code port} for {@code seconds}. */
    static double run(BenchClient client, int port, String protocol, int seconds)
            throws IOException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long start = System.nanoTime();
        int count = 0;
        while (System.nanoTime() < end) {
            client.connect(port, protocol);
            count++;
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    /** JVM options of each server: the key store, and stapling as the kind says. */
    private static List<String> options(Kind kind, Path keyStore, Path agentJar) {
        List<String> options = new ArrayList<>(List.of("-Djavax.net.ssl.keyStore=" + keyStore,
                "-Djavax.net.ssl.keyStoreType=PKCS12",
                "-Djavax.net.ssl.keyStorePassword=" + PASSWORD));
        switch (kind) {
            case AGENT:
                options.add("-javaagent:" + agentJar);
                break;
            case JDK_STAPLING:
                options.add("-Djdk.tls.server.enableStatusRequestExtension=true");
                break;
            default:
                break;
        }
        return options;
    }

    /**
     * A client that asks for no status: SunJSSE reads the client flag when each SSLContext is
     * created, so it is set only around this one.
     */
    private static BenchClient withoutStatusRequest(BenchPki pki) throws Exception {
        String key = "jdk.tls.client.enableStatusRequestExtension";
        System.setProperty(key, "false");
        try {
            return new BenchClient(pki.root());
        } finally {
            System.clearProperty(key);
        }
    }

    private static void writeKeyStore(BenchPki pki, Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", pki.key(), PASSWORD.toCharArray(),
                pki.chain().toArray(new Certificate[0]));
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
    }
}
