package org.staplekit;

/**
 * What an engine's local OCSP responders ({@link LocalResponder}) answered, counted per request
 * since the engine started; all zero without one. Part of {@link EngineStats}. Immutable.
 */
public final class ResponderStats {
    private final long answered;
    private final long unauthorized;
    private final long malformed;
    private final long droppedConnections;

    ResponderStats(long answered, long unauthorized, long malformed, long droppedConnections) {
        this.answered = answered;
        this.unauthorized = unauthorized;
        this.malformed = malformed;
        this.droppedConnections = droppedConnections;
    }

    /** Requests answered with a held response (the responder's hits). */
    public long answered() {
        return answered;
    }

    /**
     * Well-formed requests for a certificate the engine holds nothing for, answered
     * {@code unauthorized} (the responder's misses).
     */
    public long unauthorized() {
        return unauthorized;
    }

    /** Requests refused as malformed: OCSP {@code malformedRequest} or an HTTP 4xx. */
    public long malformed() {
        return malformed;
    }

    /** Connections closed unanswered: over the connection limit, or too slow. */
    public long droppedConnections() {
        return droppedConnections;
    }

    @Override
    public String toString() {
        return "answered " + answered + ", unauthorized " + unauthorized + ", malformed "
                + malformed + ", dropped connections " + droppedConnections;
    }
}
