package org.staplekit;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The state of one registered certificate ({@link StaplingEngine#register}), as taken by
 * {@link StaplingEngine#stats()}: the response being stapled, when the engine asks its responder
 * next, how its fetches went, and how often handshakes used it. Immutable.
 */
public final class CertificateStats {
    /** The native side's "no such time"; keep in sync with src/jni/stats.rs. */
    private static final long NO_TIME = Long.MIN_VALUE;

    private final String subject;
    private final String serialHex;
    private final String responder;
    private final OcspStatus status;
    private final ResponseSource source;
    private final long thisUpdate;
    private final long nextUpdate;
    private final long nextRefresh;
    private final long lastFetch;
    private final String lastError;
    private final int consecutiveFailures;
    private final Map<String, Long> fetches;
    private final long hits;
    private final long misses;
    private final long staplesServed;

    /**
     * Called by the native library; times in milliseconds since the epoch or {@code NO_TIME},
     * status and source as the engine names them (or null).
     *
     * @throws IllegalArgumentException if the status or source is not a name Java knows
     */
    CertificateStats(String subject, String serialHex, String responder, String status,
            String source, long thisUpdate, long nextUpdate, long nextRefresh, long lastFetch,
            String lastError, int consecutiveFailures, String[] fetchOutcomes, long[] fetchCounts,
            long hits, long misses, long staplesServed) {
        this.subject = subject;
        this.serialHex = serialHex;
        this.responder = responder;
        this.status = status == null ? null : OcspStatus.fromWire(status);
        this.source = source == null ? null : ResponseSource.fromWire(source);
        this.thisUpdate = thisUpdate;
        this.nextUpdate = nextUpdate;
        this.nextRefresh = nextRefresh;
        this.lastFetch = lastFetch;
        this.lastError = lastError;
        this.consecutiveFailures = consecutiveFailures;
        this.fetches = counts(fetchOutcomes, fetchCounts);
        this.hits = hits;
        this.misses = misses;
        this.staplesServed = staplesServed;
    }

    /** Fetch outcomes and their counts, in the order given, as an unmodifiable map. */
    static Map<String, Long> counts(String[] outcomes, long[] counts) {
        if (outcomes.length != counts.length) {
            throw new IllegalArgumentException(outcomes.length + " fetch outcomes but "
                    + counts.length + " counts");
        }
        Map<String, Long> map = new LinkedHashMap<>();
        for (int i = 0; i < outcomes.length; i++) {
            map.put(outcomes[i], counts[i]);
        }
        return Collections.unmodifiableMap(map);
    }

    private static Optional<Instant> time(long millis) {
        return millis == NO_TIME ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    /** The certificate's subject, as {@code CN=..., O=...}. */
    public String subject() {
        return subject;
    }

    /** The serial number, upper-case hex. */
    public String serialHex() {
        return serialHex;
    }

    /** The responder the engine asks; empty when only a response file can answer for it. */
    public Optional<String> responder() {
        return Optional.ofNullable(responder);
    }

    /**
     * The status of the response being stapled, {@link OcspStatus#GOOD} or
     * {@link OcspStatus#REVOKED}; empty when there is none to staple now.
     */
    public Optional<OcspStatus> status() {
        return Optional.ofNullable(status);
    }

    /** Where the response being stapled came from; empty when there is none to staple now. */
    public Optional<ResponseSource> source() {
        return Optional.ofNullable(source);
    }

    /** thisUpdate of the response being stapled. */
    public Optional<Instant> thisUpdate() {
        return time(thisUpdate);
    }

    /**
     * When the response being stapled stops being stapled: its nextUpdate, or for a response
     * without one, {@code jdk.tls.stapling.cacheLifetime} after it was stored.
     */
    public Optional<Instant> nextUpdate() {
        return time(nextUpdate);
    }

    /** When the engine asks the responder next; empty when it will not (no responder). */
    public Optional<Instant> nextRefresh() {
        return time(nextRefresh);
    }

    /** When the last fetch for it ended. */
    public Optional<Instant> lastFetch() {
        return time(lastFetch);
    }

    /** What went wrong last; cleared when a response is taken. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** Failed fetches since the last response taken (what the retry backoff counts). */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /**
     * Its fetches by outcome: {@code good}, {@code revoked}, {@code unknown},
     * {@code transport.<kind>}, {@code rejected.<kind>}. Unmodifiable.
     */
    public Map<String, Long> fetches() {
        return fetches;
    }

    /** Handshake look-ups answered with its response. */
    public long hits() {
        return hits;
    }

    /** Handshake look-ups that found nothing to staple. */
    public long misses() {
        return misses;
    }

    /** Handshakes that stapled its response. */
    public long staplesServed() {
        return staplesServed;
    }

    @Override
    public String toString() {
        return subject + " (serial " + serialHex + "): "
                + (status == null ? "nothing to staple" : status.wire() + " from " + source.wire())
                + (lastError == null ? "" : ", last error: " + lastError);
    }
}
