package org.staplekit.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.staplekit.CertificateChain;
import org.staplekit.ClientStatusRequest;
import org.staplekit.OcspStatus;
import org.staplekit.Staple;
import org.staplekit.StaplingEngine;
import org.staplekit.TlsVersion;
import org.staplekit.WrapperOverhead;

/**
 * The cost of one cache-hit {@link StaplingEngine#staple} call through the JNI bridge: a
 * registered 3-certificate chain whose responses are held, the JDK client's ClientHello data,
 * in a warm loop; each case timed in several rounds (interleaved), median of the rounds. Beside
 * it, the parts: the same call when the engine staples nothing, {@link StaplingEngine#select}
 * (one JNI call that only parses), and the Java wrapper without the native call
 * ({@link WrapperOverhead}). Then the same TLS 1.3 call timed one at a time with memory touched
 * between calls, as a handshake's other work and other processes evict caches and TLB entries
 * between two handshakes' calls. Writes Markdown tables to standard output. Run it with
 * {@code bench/jni-staple}.
 */
public final class JniStapleBench {
    /** The JDK client's {@code status_request}: ocsp, no responder ids, no extensions. */
    static final byte[] JDK_STATUS_REQUEST = {1, 0, 0, 0, 0};
    /** The JDK client's {@code status_request_v2}: one ocsp_multi item with empty lists. */
    static final byte[] JDK_STATUS_REQUEST_V2 = {0, 7, 2, 0, 4, 0, 0, 0, 0};
    /** The target for the TLS 1.3 cache-hit call. */
    static final double TARGET_NANOS = 3000;

    /** Memory touched between calls in the cold-call table, in MiB. */
    static final int[] COLD_MEBIBYTES = {0, 4, 16, 64};

    /** Keeps results alive so the JIT cannot drop the calls. */
    private static volatile int sink;

    private JniStapleBench() {}

    /** One timed operation; returns something derived from its result. */
    @FunctionalInterface
    interface Op {
        int run() throws Exception;
    }

    /** Runs the benchmark; see the class comment. */
    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("org.staplekit")
                .setLevel(java.util.logging.Level.WARNING);
        Map<String, String> env = System.getenv();
        int iterations = knob(env, "JNI_ITERATIONS", 200_000);
        int rounds = knob(env, "JNI_ROUNDS", 7);
        int coldCalls = knob(env, "JNI_COLD_CALLS", 500);
        System.err.println("jni-staple bench: JNI_ITERATIONS=" + iterations + " JNI_ROUNDS="
                + rounds + " JNI_COLD_CALLS=" + coldCalls);
        Map<String, List<Double>> nanos = new LinkedHashMap<>();
        Map<Integer, long[]> cold = new LinkedHashMap<>();
        run(iterations, rounds, coldCalls, nanos, cold);
        System.out.print(markdown(nanos, iterations, rounds));
        System.out.print(coldMarkdown(cold));
        System.out.flush();
    }

    /**
     * Fills {@code nanos} with the cases by name, each with its nanoseconds per call of every
     * round, and {@code cold} with the sorted nanoseconds of each cold call by MiB touched.
     */
    static void run(int iterations, int rounds, int coldCalls, Map<String, List<Double>> nanos,
            Map<Integer, long[]> cold) throws Exception {
        ClientStatusRequest tls13 = new ClientStatusRequest(JDK_STATUS_REQUEST,
                JDK_STATUS_REQUEST_V2, TlsVersion.TLS_1_3, false);
        ClientStatusRequest tls12 = new ClientStatusRequest(JDK_STATUS_REQUEST,
                JDK_STATUS_REQUEST_V2, TlsVersion.TLS_1_2, false);
        Properties off = new Properties();
        off.setProperty("jdk.tls.server.enableStatusRequestExtension", "false");
        try (BenchPki pki = BenchPki.start();
                StaplingEngine engine = StaplingEngine.builder().build();
                StaplingEngine offEngine = StaplingEngine.builder().properties(off).build();
                CertificateChain chain = engine.parseChain(pki.chain());
                CertificateChain offChain = offEngine.parseChain(pki.chain())) {
            engine.register(chain, pki.chainFile());
            awaitHeld(engine);
            Staple held = engine.staple(tls13, chain).orElseThrow();
            check(held.certificateEntries(), 3, 2, "TLS 1.3 entries");
            check(engine.staple(tls12, chain).orElseThrow().ocspResponses(), 3, 2,
                    "TLS 1.2 ocsp_multi responses");
            if (offEngine.staple(tls13, offChain).isPresent()) {
                throw new IllegalStateException("the engine with stapling off stapled");
            }
            try (WrapperOverhead wrapper = new WrapperOverhead(held)) {
                Map<String, Op> cases = new LinkedHashMap<>();
                cases.put("`staple`, TLS 1.3, JDK ClientHello (2 of 3 certificates stapled)",
                        () -> engine.staple(tls13, chain).map(JniStapleBench::size).orElse(0));
                cases.put("`staple`, TLS 1.2, JDK ClientHello (ocsp_multi, 2 of 3)",
                        () -> engine.staple(tls12, chain).map(JniStapleBench::size).orElse(0));
                cases.put("`staple` on an engine with stapling off (returns empty)",
                        () -> offEngine.staple(tls13, offChain).map(JniStapleBench::size)
                                .orElse(1));
                cases.put("`select` (one JNI call that parses the request, TLS 1.3)",
                        () -> engine.select(tls13, 3).ordinal());
                cases.put("Java part of `staple` alone (no native call)",
                        () -> wrapper.staple(tls13, chain).map(JniStapleBench::size).orElse(0));
                nanos.putAll(measure(cases, iterations, rounds));
                for (int mebibytes : COLD_MEBIBYTES) {
                    cold.put(mebibytes, coldCalls(() -> engine.staple(tls13, chain)
                            .map(JniStapleBench::size).orElse(0), mebibytes, coldCalls));
                }
            }
        }
    }

    /** Warms every case up, then times {@code rounds} rounds of each, interleaved. */
    static Map<String, List<Double>> measure(Map<String, Op> cases, int iterations, int rounds)
            throws Exception {
        for (Op op : cases.values()) {
            loop(op, Math.max(iterations, 100_000));
        }
        Map<String, List<Double>> nanos = new LinkedHashMap<>();
        for (String name : cases.keySet()) {
            nanos.put(name, new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Op> entry : cases.entrySet()) {
                long start = System.nanoTime();
                loop(entry.getValue(), iterations);
                nanos.get(entry.getKey()).add((System.nanoTime() - start) / (double) iterations);
            }
        }
        return nanos;
    }

    /**
     * Times {@code calls} calls one at a time, writing one byte per 64-byte line of
     * {@code mebibytes} MiB before each (not timed); sorted.
     */
    static long[] coldCalls(Op op, int mebibytes, int calls) throws Exception {
        byte[] memory = new byte[Math.max(1, mebibytes << 20)];
        long[] nanos = new long[calls];
        int acc = 0;
        for (int i = 0; i < calls; i++) {
            if (mebibytes > 0) {
                for (int j = 0; j < memory.length; j += 64) {
                    memory[j]++;
                }
            }
            long start = System.nanoTime();
            acc += op.run();
            nanos[i] = System.nanoTime() - start;
        }
        sink = acc + memory[0];
        Arrays.sort(nanos);
        return nanos;
    }

    private static void loop(Op op, int iterations) throws Exception {
        int acc = 0;
        for (int i = 0; i < iterations; i++) {
            acc += op.run();
        }
        sink = acc;
    }

    /** The Markdown table. */
    static String markdown(Map<String, List<Double>> nanos, int iterations, int rounds) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "| call (%d rounds of %d calls, one thread) |"
                + " per call (median) | min – max |%n|---|---:|---:|%n", rounds, iterations));
        double first = Double.NaN;
        for (Map.Entry<String, List<Double>> entry : nanos.entrySet()) {
            Stats stats = Stats.of(entry.getValue());
            if (Double.isNaN(first)) {
                first = stats.median;
            }
            out.append(String.format(Locale.ROOT, "| %s | %.2f µs | %.2f – %.2f µs |%n",
                    entry.getKey(), stats.median / 1000, stats.min / 1000, stats.max / 1000));
        }
        out.append(String.format(Locale.ROOT, "%nThe TLS 1.3 cache-hit call: %.2f µs (target at"
                + " most %.0f µs: %s).%n", first / 1000, TARGET_NANOS / 1000,
                first <= TARGET_NANOS ? "met" : "**not met**"));
        return out.toString();
    }

    /** The cold-call table. */
    static String coldMarkdown(Map<Integer, long[]> cold) {
        StringBuilder out = new StringBuilder();
        int calls = cold.values().iterator().next().length;
        out.append(String.format(Locale.ROOT, "%n| TLS 1.3 `staple`, one call at a time (%d"
                + " calls), memory touched before each | per call (median) | 90th percentile"
                + " |%n|---|---:|---:|%n", calls));
        for (Map.Entry<Integer, long[]> entry : cold.entrySet()) {
            long[] nanos = entry.getValue();
            out.append(String.format(Locale.ROOT, "| %d MiB | %.2f µs | %.2f µs |%n",
                    entry.getKey(), nanos[nanos.length / 2] / 1000.0,
                    nanos[nanos.length * 9 / 10] / 1000.0));
        }
        return out.toString();
    }

    private static int size(Staple staple) {
        return staple.isTls13() ? 13 : 12;
    }

    private static void check(List<byte[]> items, int count, int nonEmpty, String what) {
        long filled = items.stream().filter(b -> b.length > 0).count();
        if (items.size() != count || filled != nonEmpty) {
            throw new IllegalStateException(what + ": " + filled + " of " + items.size()
                    + ", expected " + nonEmpty + " of " + count);
        }
    }

    private static void awaitHeld(StaplingEngine engine) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!engine.stats().certificates().stream()
                .allMatch(c -> c.status().filter(OcspStatus.GOOD::equals).isPresent())
                || engine.stats().certificates().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no GOOD responses held: " + engine.stats());
            }
            Thread.sleep(5);
        }
    }

    private static int knob(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < 1) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " = \"" + value
                    + "\" is not a whole number of at least 1");
        }
    }
}
