package org.staplekit.bench;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.staplekit.StaplingException;

/**
 * Handshakes with staplekit against the JDK's own stapling, side by side in one run, on
 * loopback: the same JDK client, the same PKI, the same OCSP responder (the project's own, in
 * this process, whose answers are delayed) for four servers: SunJSSE with and without
 * {@code jdk.tls.server.enableStatusRequestExtension}, Bouncy Castle with staplekit and without
 * it. Measures
 *
 * <ol type="a">
 *   <li>the first handshake of a freshly started server while the responder takes
 *       {@code BENCH_DELAY_MS} (staplekit registers its chain at start, as BcStaplingServer
 *       does, and is measured once its responses are held; also at once after start);
 *   <li>steady-state handshakes per second with stapling on and off;
 *   <li>the first handshake in TLS 1.2 with {@code ocsp_multi} on an unregistered chain, both
 *       responders delayed: the parallel fetch;
 *   <li>on request ({@code BENCH_PARTS=d}), staplekit's steady-state cost on the server split
 *       into the engine's calls and the responses' bytes.
 * </ol>
 *
 * <p>Writes Markdown tables of medians to standard output and progress to standard error. The
 * JVM is warmed up first; "fresh start" means a new server with empty caches (a new
 * SSLContext, a new engine), not a new JVM. Run it with {@code bench/handshake}.
 */
public final class HandshakeBench {
    private HandshakeBench() {}

    /** Everything one run measured; times in milliseconds, CPU in microseconds. */
    static final class Results {
        final Settings settings;
        /** (a): each server's first handshakes. */
        final Map<ServerKind, List<Double>> firstMillis = new EnumMap<>(ServerKind.class);
        /** (a): how long after start staplekit held its registered chain's responses. */
        final List<Double> heldAfterMillis = new ArrayList<>();
        /** (a): staplekit's first handshakes at once after start, and what they stapled. */
        final List<Double> atOnceMillis = new ArrayList<>();
        final List<Integer> atOnceStapled = new ArrayList<>();
        /** (c): each server's first TLS 1.2 handshakes, staplekit's chain unregistered. */
        final Map<ServerKind, List<Double>> multiMillis = new EnumMap<>(ServerKind.class);
        /** (b), per round: handshakes per second, and server CPU per handshake. */
        final Map<ServerKind, List<Double>> perSecond = new EnumMap<>(ServerKind.class);
        final Map<ServerKind, List<Double>> serverCpuMicros = new EnumMap<>(ServerKind.class);
        /** (b), per round: the Bouncy Castle hooks' CPU per handshake (hookNanos). */
        final Map<ServerKind, List<Double>> hookMicros = new EnumMap<>(ServerKind.class);
        /** (b), per round, stapling kinds only: handshakes per second on over off. */
        final Map<ServerKind, List<Double>> pairedRatio = new EnumMap<>(ServerKind.class);
        /** (b), per round, stapling kinds only: server CPU per handshake on minus off. */
        final Map<ServerKind, List<Double>> pairedCpuDelta = new EnumMap<>(ServerKind.class);
        /** (b), per round, stapling kinds only: server CPU off over on (server capacity). */
        final Map<ServerKind, List<Double>> pairedCapacity = new EnumMap<>(ServerKind.class);
        /** (d), per round: server CPU per handshake of each decomposition server. */
        final Map<Decomposition, List<Double>> partCpuMicros =
                new EnumMap<>(Decomposition.class);
        /** (d), per round: that minus the plain server's in the same round. */
        final Map<Decomposition, List<Double>> partOverPlain = new EnumMap<>(Decomposition.class);

        Results(Settings settings) {
            this.settings = settings;
            for (ServerKind kind : ServerKind.values()) {
                firstMillis.put(kind, new ArrayList<>());
                multiMillis.put(kind, new ArrayList<>());
                perSecond.put(kind, new ArrayList<>());
                serverCpuMicros.put(kind, new ArrayList<>());
                hookMicros.put(kind, new ArrayList<>());
                pairedRatio.put(kind, new ArrayList<>());
                pairedCpuDelta.put(kind, new ArrayList<>());
                pairedCapacity.put(kind, new ArrayList<>());
            }
            for (Decomposition part : Decomposition.values()) {
                partCpuMicros.put(part, new ArrayList<>());
                partOverPlain.put(part, new ArrayList<>());
            }
        }
    }

    /** Runs the benchmark with the environment's settings; see the class comment. */
    public static void main(String[] args) throws Exception {
        // The engine's INFO lines (registrations, fetches) would drown the progress lines.
        java.util.logging.Logger.getLogger("org.staplekit")
                .setLevel(java.util.logging.Level.WARNING);
        Settings settings = Settings.fromEnvironment(System.getenv());
        System.err.println("handshake bench: " + settings.describe());
        Results results = run(settings, line -> System.err.println("  " + line));
        System.out.print(Report.markdown(results));
        System.out.flush();
    }

    /** Every measurement {@link Settings#parts} names, reporting progress to {@code progress}. */
    static Results run(Settings settings, Consumer<String> progress)
            throws IOException, GeneralSecurityException, StaplingException,
            InterruptedException {
        Results results = new Results(settings);
        try (BenchPki pki = BenchPki.start()) {
            Measurements measure = new Measurements(pki, new BenchClient(pki.root()));
            progress.accept("warming up the JVM (fresh servers, responder not delayed)");
            pki.delayResponses(Duration.ZERO);
            warmUp(settings, measure, pki);
            pki.delayResponses(settings.delay);
            if (settings.runs('a')) {
                progress.accept("(a) first handshakes, " + settings.protocol
                        + ", responder delayed " + settings.delay.toMillis() + " ms");
                firstHandshakes(settings, measure, results);
            }
            if (settings.runs('c')) {
                progress.accept("(c) first handshakes, TLSv1.2 ocsp_multi, unregistered chain");
                multiHandshakes(settings, measure, results);
            }
            if (settings.runs('b')) {
                progress.accept("(b) steady state, " + settings.clients + " client threads, "
                        + settings.rounds + " x " + settings.slice.toMillis()
                        + " ms per server");
                pki.delayResponses(Duration.ZERO);
                steadyState(settings, measure, pki, results, progress);
            }
            if (settings.runs('d')) {
                progress.accept("(d) staplekit's steady-state cost, decomposed, TLSv1.3");
                pki.delayResponses(Duration.ZERO);
                decomposition(settings, measure, pki, results, progress);
            }
        }
        return results;
    }

    /** Runs every path once (fresh starts, both protocols, a few handshakes) a few times. */
    private static void warmUp(Settings settings, Measurements measure, BenchPki pki)
            throws IOException, GeneralSecurityException, StaplingException,
            InterruptedException {
        for (int i = 0; i < 3; i++) {
            for (ServerKind kind : ServerKind.values()) {
                measure.first(kind, settings.protocol, BenchServer.Start.REGISTERED, true);
                measure.first(kind, "TLSv1.2", BenchServer.Start.UNREGISTERED, false);
                try (BenchServer server =
                        BenchServer.start(kind, pki, BenchServer.Start.REGISTERED)) {
                    server.awaitHeldMillis(20_000);
                    measure.rate(server, settings.protocol, Duration.ofMillis(200), 1);
                }
            }
        }
    }

    /** (a): each server's first handshake, fresh starts interleaved. */
    private static void firstHandshakes(Settings settings, Measurements measure,
            Results results) throws IOException, GeneralSecurityException, StaplingException,
            InterruptedException {
        for (int r = 0; r < settings.repeats; r++) {
            for (ServerKind kind : rotated(ServerKind.values(), r)) {
                Measurements.First first = measure.first(kind, settings.protocol,
                        BenchServer.Start.REGISTERED, true);
                results.firstMillis.get(kind).add(first.millis);
                if (kind == ServerKind.STAPLEKIT) {
                    results.heldAfterMillis.add((double) first.heldAfterMillis);
                }
            }
            Measurements.First atOnce = measure.first(ServerKind.STAPLEKIT, settings.protocol,
                    BenchServer.Start.REGISTERED, false);
            results.atOnceMillis.add(atOnce.millis);
            results.atOnceStapled.add(atOnce.stapled);
        }
    }

    /** (c): each server's first TLS 1.2 handshake, staplekit's chain not registered. */
    private static void multiHandshakes(Settings settings, Measurements measure,
            Results results) throws IOException, GeneralSecurityException, StaplingException,
            InterruptedException {
        for (int r = 0; r < settings.repeats; r++) {
            for (ServerKind kind : rotated(ServerKind.values(), r)) {
                results.multiMillis.get(kind).add(measure.first(kind, "TLSv1.2",
                        BenchServer.Start.UNREGISTERED, false).millis);
            }
        }
    }

    private static void steadyState(Settings settings, Measurements measure, BenchPki pki,
            Results results, Consumer<String> progress)
            throws IOException, GeneralSecurityException, StaplingException,
            InterruptedException {
        Map<ServerKind, BenchServer> servers = new EnumMap<>(ServerKind.class);
        try {
            for (ServerKind kind : ServerKind.values()) {
                BenchServer server = BenchServer.start(kind, pki, BenchServer.Start.REGISTERED);
                servers.put(kind, server);
                server.awaitHeldMillis(20_000);
                measure.rate(server, settings.protocol, settings.warmUp, settings.clients);
            }
            for (int r = 0; r < settings.rounds; r++) {
                Map<ServerKind, Measurements.Rate> round = new EnumMap<>(ServerKind.class);
                for (ServerKind kind : pairedOrder(r)) {
                    Measurements.Rate rate = measure.rate(servers.get(kind), settings.protocol,
                            settings.slice, settings.clients);
                    round.put(kind, rate);
                    results.perSecond.get(kind).add(rate.perSecond);
                    results.serverCpuMicros.get(kind).add(rate.serverCpuMicros);
                    results.hookMicros.get(kind).add(rate.hookMicros);
                    progress.accept(Report.format("round %d: %s: %.0f handshakes/s, server CPU"
                            + " %.0f us per handshake", r + 1, kind.label(), rate.perSecond,
                            rate.serverCpuMicros));
                }
                for (ServerKind on : new ServerKind[] {ServerKind.JDK_STAPLING,
                        ServerKind.STAPLEKIT}) {
                    Measurements.Rate with = round.get(on);
                    Measurements.Rate without = round.get(on.other());
                    results.pairedRatio.get(on).add(with.perSecond / without.perSecond);
                    results.pairedCpuDelta.get(on)
                            .add(with.serverCpuMicros - without.serverCpuMicros);
                    results.pairedCapacity.get(on)
                            .add(without.serverCpuMicros / with.serverCpuMicros);
                }
            }
        } finally {
            for (BenchServer server : servers.values()) {
                server.close();
            }
        }
    }

    /**
     * (d): Bouncy Castle servers with the engine's calls, with the responses' bytes, with both
     * and with neither, in TLS 1.3, rounds rotating their order.
     */
    private static void decomposition(Settings settings, Measurements measure, BenchPki pki,
            Results results, Consumer<String> progress)
            throws IOException, StaplingException, InterruptedException {
        Map<Decomposition, BenchServer> servers = new EnumMap<>(Decomposition.class);
        try {
            for (Decomposition part : Decomposition.values()) {
                BenchServer server = BenchServer.startDecomposed(pki, part);
                servers.put(part, server);
                measure.rate(server, "TLSv1.3", settings.warmUp, settings.clients);
            }
            Decomposition[] parts = Decomposition.values();
            for (int r = 0; r < settings.rounds; r++) {
                Map<Decomposition, Double> round = new EnumMap<>(Decomposition.class);
                for (int i = 0; i < parts.length; i++) {
                    Decomposition part = parts[(i + r) % parts.length];
                    Measurements.Rate rate = measure.rate(servers.get(part), "TLSv1.3",
                            settings.slice, settings.clients);
                    round.put(part, rate.serverCpuMicros);
                    progress.accept(Report.format("round %d: %s: server CPU %.0f us per"
                            + " handshake", r + 1, part.label, rate.serverCpuMicros));
                }
                for (Decomposition part : parts) {
                    results.partCpuMicros.get(part).add(round.get(part));
                    results.partOverPlain.get(part)
                            .add(round.get(part) - round.get(Decomposition.PLAIN));
                }
            }
        } finally {
            for (BenchServer server : servers.values()) {
                server.close();
            }
        }
    }

    /** {@code kinds} starting at index {@code r} (mod length), so no server always goes first. */
    static ServerKind[] rotated(ServerKind[] kinds, int r) {
        ServerKind[] out = new ServerKind[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            out[i] = kinds[(i + r) % kinds.length];
        }
        return out;
    }

    /**
     * The order of steady-state round {@code r}: each stack's two servers back to back (so a
     * change of load hits both of a pair alike), the stacks and the pair's order alternating.
     */
    static ServerKind[] pairedOrder(int r) {
        boolean jdkFirst = r % 2 == 0;
        boolean onFirst = (r / 2) % 2 == 0;
        ServerKind[] jdk = onFirst ? new ServerKind[] {ServerKind.JDK_STAPLING,
            ServerKind.JDK_PLAIN} : new ServerKind[] {ServerKind.JDK_PLAIN,
                ServerKind.JDK_STAPLING};
        ServerKind[] bc = onFirst ? new ServerKind[] {ServerKind.STAPLEKIT, ServerKind.BC_PLAIN}
                : new ServerKind[] {ServerKind.BC_PLAIN, ServerKind.STAPLEKIT};
        ServerKind[] first = jdkFirst ? jdk : bc;
        ServerKind[] second = jdkFirst ? bc : jdk;
        return new ServerKind[] {first[0], first[1], second[0], second[1]};
    }
}
