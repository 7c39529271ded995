package org.staplekit.bench;

/**
 * The Bouncy Castle servers of the decomposition (part d): what a stapled handshake costs the
 * server, split into the engine's calls and the bytes of the responses.
 */
enum Decomposition {
    /** Bouncy Castle without the engine, stapling nothing. */
    PLAIN("Bouncy Castle, no engine", false, false),
    /** The engine's two calls as StaplingTlsServer makes them, their result dropped. */
    ENGINE_CALLS("engine's calls only (`select`, `staple`; nothing sent)", true, false),
    /** The same responses in the CertificateEntries, from a copy taken once: no engine. */
    RESPONSE_BYTES("responses only (the same bytes, no engine)", false, true),
    /** StaplingTlsServer: both. */
    STAPLEKIT("Bouncy Castle + staplekit (both)", true, true);

    /** As the table names it. */
    final String label;
    /** Whether the engine is called in each handshake. */
    final boolean callsEngine;
    /** Whether the responses are sent. */
    final boolean sendsResponses;

    Decomposition(String label, boolean callsEngine, boolean sendsResponses) {
        this.label = label;
        this.callsEngine = callsEngine;
        this.sendsResponses = sendsResponses;
    }
}
