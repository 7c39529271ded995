package org.staplekit.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown tables of a handshake benchmark run, with the targets met or not. */
final class Report {
    /** (a): staplekit's addition to the first handshake, at most this share of the JDK's. */
    static final double FIRST_TARGET = 0.10;
    /** (b): staplekit's handshakes per second with stapling, at least this share of without. */
    static final double RATE_TARGET = 0.97;
    /** (c): staplekit's parallel first handshake, at most this many responder delays. */
    static final double MULTI_TARGET = 1.3;

    private Report() {}

    static String markdown(HandshakeBench.Results results) {
        Settings s = results.settings;
        StringBuilder out = new StringBuilder();
        if (s.runs('a')) {
            first(out, results);
        }
        if (s.runs('b')) {
            steady(out, results);
        }
        if (s.runs('c')) {
            multi(out, results);
        }
        if (s.runs('d')) {
            decomposition(out, results);
        }
        return out.toString();
    }

    private static void first(StringBuilder out, HandshakeBench.Results results) {
        Settings s = results.settings;
        long delay = s.delay.toMillis();
        out.append(format("#### (a) First handshake after start, responder"
                + " delayed %d ms (%s, median of %d fresh starts)%n%n", delay, s.protocol,
                s.repeats));
        firstTable(out, results.firstMillis);
        double jdkAdds = added(results.firstMillis, ServerKind.JDK_STAPLING);
        double kitAdds = added(results.firstMillis, ServerKind.STAPLEKIT);
        out.append(format("%nWhat stapling adds to the first handshake (median on minus"
                + " median off): JDK **%.1f ms**, staplekit **%.1f ms**; staplekit / JDK = %.3f"
                + " (target at most %.2f: %s).%n", jdkAdds, kitAdds, kitAdds / jdkAdds,
                FIRST_TARGET, met(kitAdds <= FIRST_TARGET * jdkAdds)));
        Stats held = Stats.of(results.heldAfterMillis);
        Stats atOnce = Stats.of(results.atOnceMillis);
        out.append(format("staplekit held its registered chain's responses %.0f ms"
                + " (median; %.0f to %.0f) after start; a handshake at once after start, before"
                + " they arrive, took %.1f ms (median) and stapled %s (it does not wait).%n%n",
                held.median, held.min, held.max, atOnce.median,
                staples(results.atOnceStapled)));
    }

    private static void steady(StringBuilder out, HandshakeBench.Results results) {
        Settings s = results.settings;
        out.append(format("#### (b) Steady state: %d client threads, full handshakes"
                + " (no resumption), %s, %d rounds of %.1f s per server%n%n", s.clients,
                s.protocol, s.rounds, s.slice.toMillis() / 1000.0));
        out.append("| server | stapling | handshakes/s (median) | min – max | on / off"
                + " | server CPU per handshake (median) | on − off | server capacity on / off"
                + " |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (ServerKind kind : ServerKind.values()) {
            Stats rate = Stats.of(results.perSecond.get(kind));
            Stats cpu = Stats.of(results.serverCpuMicros.get(kind));
            String ratio = "";
            String delta = "";
            String capacity = "";
            if (kind.stapling) {
                ratio = range("**%.3f** (%.3f – %.3f)", results.pairedRatio.get(kind));
                delta = range("%+.0f µs (%+.0f – %+.0f)", results.pairedCpuDelta.get(kind));
                capacity = range("%.3f (%.3f – %.3f)", results.pairedCapacity.get(kind));
            }
            out.append(format("| %s | %s | %.0f | %.0f – %.0f | %s | %.0f µs | %s | %s |%n",
                    kind.stack, onOff(kind), rate.median, rate.min, rate.max, ratio,
                    cpu.median, delta, capacity));
        }
        double kitRatio = Stats.of(results.pairedRatio.get(ServerKind.STAPLEKIT)).median;
        double kitCapacity = Stats.of(results.pairedCapacity.get(ServerKind.STAPLEKIT)).median;
        Stats kitHooks = Stats.of(results.hookMicros.get(ServerKind.STAPLEKIT));
        Stats plainHooks = Stats.of(results.hookMicros.get(ServerKind.BC_PLAIN));
        out.append(format("%nEach round measures a stack's two servers back to back. \"on /"
                + " off\": the median over the rounds of the pair's ratio of handshakes per"
                + " second (client and server share this machine's CPUs); \"on − off\": of the"
                + " CPU time the server's connection threads spend per handshake; \"server"
                + " capacity\": CPU per handshake off over on, the ratio of handshakes per second"
                + " a server alone on its CPUs would make.%n%n"));
        out.append(format("The two Bouncy Castle hooks around the engine's calls"
                + " (`processClientExtensions`, `getServerExtensions`) took %.1f µs per handshake"
                + " with staplekit and %.1f µs without (medians): the engine's two calls took"
                + " about %.1f µs of the server's CPU per handshake.%n%n", kitHooks.median,
                plainHooks.median, kitHooks.median - plainHooks.median));
        out.append(format("staplekit with stapling: %.1f %% of the handshakes per second"
                + " without (target at least %.0f %%: %s); server capacity %.1f %% (%s).%n%n",
                kitRatio * 100, RATE_TARGET * 100, met(kitRatio >= RATE_TARGET),
                kitCapacity * 100, met(kitCapacity >= RATE_TARGET)));
    }

    private static void multi(StringBuilder out, HandshakeBench.Results results) {
        Settings s = results.settings;
        long delay = s.delay.toMillis();
        out.append(format("#### (c) First handshake, TLSv1.2 ocsp_multi, unregistered"
                + " chain, leaf's and intermediate's responders each delayed %d ms (median of"
                + " %d fresh starts)%n%n", delay, s.repeats));
        firstTable(out, results.multiMillis);
        double kitMulti = Stats.of(results.multiMillis.get(ServerKind.STAPLEKIT)).median;
        double jdkMulti = Stats.of(results.multiMillis.get(ServerKind.JDK_STAPLING)).median;
        out.append(format("%nstaplekit: %.0f ms = %.2f × one responder's delay (target at"
                + " most %.1f × = %.0f ms: %s); the JDK: %.0f ms = %.2f ×.%n%n", kitMulti,
                kitMulti / delay, MULTI_TARGET, MULTI_TARGET * delay,
                met(kitMulti <= MULTI_TARGET * delay), jdkMulti, jdkMulti / delay));
    }

    private static void decomposition(StringBuilder out, HandshakeBench.Results results) {
        Settings s = results.settings;
        out.append(format("#### (d) staplekit's steady-state cost, decomposed: %d client"
                + " threads, TLSv1.3, %d rounds of %.1f s per server%n%n", s.clients, s.rounds,
                s.slice.toMillis() / 1000.0));
        out.append("| Bouncy Castle server | server CPU per handshake (median) | over the"
                + " plain server (median of rounds) |\n|---|---:|---:|\n");
        for (Decomposition part : Decomposition.values()) {
            Stats cpu = Stats.of(results.partCpuMicros.get(part));
            String over = part == Decomposition.PLAIN ? ""
                    : range("%+.0f µs (%+.0f – %+.0f)", results.partOverPlain.get(part));
            out.append(format("| %s | %.0f µs | %s |%n", part.label, cpu.median, over));
        }
        out.append("\n");
    }

    private static void firstTable(StringBuilder out,
            Map<ServerKind, List<Double>> millis) {
        out.append("| server | stapling | first handshake (median) | min – max | staples |\n"
                + "|---|---|---:|---:|---:|\n");
        for (ServerKind kind : ServerKind.values()) {
            Stats stats = Stats.of(millis.get(kind));
            out.append(format("| %s | %s | %.1f ms | %.1f – %.1f ms | %d |%n",
                    kind.stack, onOff(kind), stats.median, stats.min, stats.max,
                    Measurements.expectedStaples(kind)));
        }
    }

    /** {@code format} applied to the median, minimum and maximum of {@code samples}. */
    private static String range(String format, List<Double> samples) {
        Stats stats = Stats.of(samples);
        return format(format, stats.median, stats.min, stats.max);
    }

    /** Median with stapling minus median without, for {@code on}'s stack. */
    static double added(Map<ServerKind, List<Double>> millis, ServerKind on) {
        return Stats.of(millis.get(on)).median - Stats.of(millis.get(on.other())).median;
    }

    private static String onOff(ServerKind kind) {
        return kind.stapling ? "on" : "off";
    }

    private static String met(boolean met) {
        return met ? "met" : "**not met**";
    }

    /** E.g. {@code nothing} or {@code 0 to 2 responses}. */
    private static String staples(List<Integer> counts) {
        int min = counts.stream().mapToInt(Integer::intValue).min().orElse(0);
        int max = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
        if (max == 0) {
            return "nothing";
        }
        return min == max ? max + " responses" : min + " to " + max + " responses";
    }

    /** {@link String#format} in the root locale (decimal points, not commas). */
    static String format(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
