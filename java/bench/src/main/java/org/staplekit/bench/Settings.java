package org.staplekit.bench;

import java.time.Duration;
import java.util.Map;

/**
 * The knobs of a handshake benchmark run, read from the environment by {@link #fromEnvironment};
 * {@code bench/handshake} documents them.
 */
final class Settings {
    /** Fresh server starts per first-handshake figure ({@code BENCH_REPEATS}). */
    final int repeats;
    /** How long the responder waits before each answer in (a) and (c) ({@code BENCH_DELAY_MS}). */
    final Duration delay;
    /** Length of one steady-state measurement ({@code BENCH_SECONDS}). */
    final Duration slice;
    /** Steady-state measurements per server, interleaved ({@code BENCH_ROUNDS}). */
    final int rounds;
    /** Handshakes per server before the steady-state rounds ({@code BENCH_WARMUP_SECONDS}). */
    final Duration warmUp;
    /** Client threads in the steady state ({@code BENCH_CLIENTS}). */
    final int clients;
    /** The protocol of (a) and (b) ({@code BENCH_PROTOCOL}); (c) is TLS 1.2 (ocsp_multi). */
    final String protocol;
    /**
     * Which measurements run ({@code BENCH_PARTS}): some of {@code a}, {@code b}, {@code c}, and
     * {@code d} (the decomposition of staplekit's steady-state cost; not by default).
     */
    final String parts;

    Settings(int repeats, Duration delay, Duration slice, int rounds, Duration warmUp,
            int clients, String protocol, String parts) {
        this.repeats = positive("BENCH_REPEATS", repeats);
        this.delay = delay;
        this.slice = slice;
        this.rounds = positive("BENCH_ROUNDS", rounds);
        this.warmUp = warmUp;
        this.clients = positive("BENCH_CLIENTS", clients);
        if (!protocol.equals("TLSv1.3") && !protocol.equals("TLSv1.2")) {
            throw new IllegalArgumentException(
                    "BENCH_PROTOCOL = " + protocol + " is not TLSv1.3 or TLSv1.2");
        }
        this.protocol = protocol;
        if (!parts.matches("[abcd](,[abcd])*")) {
            throw new IllegalArgumentException("BENCH_PARTS = " + parts
                    + " is not a comma-separated list of a, b, c and d");
        }
        this.parts = parts;
    }

    /** Whether measurement {@code part} ({@code 'a'} to {@code 'd'}) runs. */
    boolean runs(char part) {
        return parts.indexOf(part) >= 0;
    }

    /** The settings the environment gives, each defaulted. */
    static Settings fromEnvironment(Map<String, String> env) {
        return new Settings(
                integer(env, "BENCH_REPEATS", 7),
                Duration.ofMillis(integer(env, "BENCH_DELAY_MS", 300)),
                Duration.ofMillis(Math.round(decimal(env, "BENCH_SECONDS", 3) * 1000)),
                integer(env, "BENCH_ROUNDS", 6),
                Duration.ofMillis(Math.round(decimal(env, "BENCH_WARMUP_SECONDS", 5) * 1000)),
                integer(env, "BENCH_CLIENTS", 2),
                env.getOrDefault("BENCH_PROTOCOL", "TLSv1.3"),
                env.getOrDefault("BENCH_PARTS", "a,b,c"));
    }

    /** One line naming every setting, as the environment would set it. */
    String describe() {
        return "BENCH_REPEATS=" + repeats + " BENCH_DELAY_MS=" + delay.toMillis()
                + " BENCH_SECONDS=" + slice.toMillis() / 1000.0 + " BENCH_ROUNDS=" + rounds
                + " BENCH_WARMUP_SECONDS=" + warmUp.toMillis() / 1000.0
                + " BENCH_CLIENTS=" + clients + " BENCH_PROTOCOL=" + protocol
                + " BENCH_PARTS=" + parts;
    }

    private static int positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " = " + value + " must be at least 1");
        }
        return value;
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " = \"" + value + "\" is not a whole number of at least 0");
        }
    }

    private static double decimal(Map<String, String> env, String name, double fallback) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            double parsed = Double.parseDouble(value.trim());
            if (!(parsed > 0) || Double.isInfinite(parsed)) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " = \"" + value + "\" is not a positive number of seconds");
        }
    }
}
