package org.staplekit;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an engine has done since it started, and the state of each registered certificate: a
 * snapshot taken by {@link StaplingEngine#stats()}. Immutable.
 */
public final class EngineStats {
    private final long hits;
    private final long misses;
    private final long staplesServed;
    private final Map<String, Long> fetches;
    private final List<CertificateStats> certificates;
    private final ResponderStats responder;
    private final SharedStoreStats sharedStore;

    /** Called by the native library; {@code sharedStoreUrl} null: no shared store. */
    EngineStats(long hits, long misses, long staplesServed, String[] fetchOutcomes,
            long[] fetchCounts, CertificateStats[] certificates, long responderAnswered,
            long responderUnauthorized, long responderMalformed,
            long responderDroppedConnections, String sharedStoreUrl, boolean sharedStoreConnected,
            long[] sharedStoreCounts) {
        this.hits = hits;
        this.misses = misses;
        this.staplesServed = staplesServed;
        this.fetches = CertificateStats.counts(fetchOutcomes, fetchCounts);
        this.certificates = Collections.unmodifiableList(Arrays.asList(certificates));
        this.responder = new ResponderStats(responderAnswered, responderUnauthorized,
                responderMalformed, responderDroppedConnections);
        this.sharedStore = sharedStoreUrl == null ? null
                : new SharedStoreStats(sharedStoreUrl, sharedStoreConnected, sharedStoreCounts[0],
                        sharedStoreCounts[1], sharedStoreCounts[2], sharedStoreCounts[3],
                        sharedStoreCounts[4], sharedStoreCounts[5]);
    }

    /** Certificate look-ups of handshakes answered with a response at hand (held or cached). */
    public long hits() {
        return hits;
    }

    /**
     * Certificate look-ups of handshakes with no response at hand (a fetch was started or is
     * under way, or the responder is failing).
     */
    public long misses() {
        return misses;
    }

    /** Handshakes that got a staple. */
    public long staplesServed() {
        return staplesServed;
    }

    /**
     * Every fetch by outcome: {@code good}, {@code revoked}, {@code unknown},
     * {@code transport.<kind>} (e.g. {@code transport.timeout}), {@code rejected.<kind>} (e.g.
     * {@code rejected.bad-signature}). Unmodifiable, in outcome order.
     */
    public Map<String, Long> fetches() {
        return fetches;
    }

    /** Every registered certificate, in registration order. Unmodifiable. */
    public List<CertificateStats> certificates() {
        return certificates;
    }

    /** What the engine's local OCSP responders answered ({@link LocalResponder}). */
    public ResponderStats responder() {
        return responder;
    }

    /** The shared store ({@code staplekit.stapling.sharedStore}), when the engine has one. */
    public Optional<SharedStoreStats> sharedStore() {
        return Optional.ofNullable(sharedStore);
    }

    @Override
    public String toString() {
        return "hits " + hits + ", misses " + misses + ", staples served " + staplesServed
                + ", fetches " + fetches + ", responder " + responder
                + (sharedStore == null ? "" : ", shared store " + sharedStore)
                + ", certificates " + certificates;
    }
}
