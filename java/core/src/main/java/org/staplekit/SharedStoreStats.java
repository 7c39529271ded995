package org.staplekit;

/**
 * What the shared store ({@code staplekit.stapling.sharedStore}, a Redis server the servers of a
 * fleet share responses and fetch leases through) has done since the engine started. Part of
 * {@link EngineStats}. Immutable.
 */
public final class SharedStoreStats {
    private final String url;
    private final boolean connected;
    private final long reads;
    private final long writes;
    private final long refusals;
    private final long leasesHeld;
    private final long leasesElsewhere;
    private final long errors;

    SharedStoreStats(String url, boolean connected, long reads, long writes, long refusals,
            long leasesHeld, long leasesElsewhere, long errors) {
        this.url = url;
        this.connected = connected;
        this.reads = reads;
        this.writes = writes;
        this.refusals = refusals;
        this.leasesHeld = leasesHeld;
        this.leasesElsewhere = leasesElsewhere;
        this.errors = errors;
    }

    /** The store's URL, its password hidden. */
    public String url() {
        return url;
    }

    /** Whether the last exchange with Redis succeeded (false: this server works alone). */
    public boolean connected() {
        return connected;
    }

    /** Entries read from the store. */
    public long reads() {
        return reads;
    }

    /** Responses written to the store for the fleet. */
    public long writes() {
        return writes;
    }

    /**
     * Entries read that failed verification (forged, for another certificate, expired, garbage)
     * and were never stapled.
     */
    public long refusals() {
        return refusals;
    }

    /** Fetch leases this server took: it asked the responder for the fleet. */
    public long leasesHeld() {
        return leasesHeld;
    }

    /** Fetch leases found held by another server: this one waited for its answer. */
    public long leasesElsewhere() {
        return leasesElsewhere;
    }

    /** Exchanges with Redis that failed (down, slow, refusing). */
    public long errors() {
        return errors;
    }

    @Override
    public String toString() {
        return url + (connected ? " connected" : " not connected") + ", reads " + reads
                + ", writes " + writes + ", refusals " + refusals + ", leases held " + leasesHeld
                + ", leases elsewhere " + leasesElsewhere + ", errors " + errors;
    }
}
