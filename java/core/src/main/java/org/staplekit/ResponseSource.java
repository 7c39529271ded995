package org.staplekit;

/**
 * Where the response a registered certificate staples came from ({@link
 * CertificateStats#source()}). The engine's {@code staplekit::ResponseSource}; a test compares the
 * wire names and their order with it.
 */
public enum ResponseSource {
    /** Fetched from the certificate's responder. */
    FETCHED("fetched"),
    /** Read from {@code staplekit.stapling.cacheDir}, kept across restarts. */
    CACHE_DIR("cache-dir"),
    /** An operator's response file, e.g. {@code <chain file>.ors}. */
    STATIC_FILE("static-file"),
    /** Read from {@code staplekit.stapling.sharedStore}: fetched by another server of the fleet. */
    SHARED_STORE("shared-store");

    private final String wire;

    ResponseSource(String wire) {
        this.wire = wire;
    }

    /** The engine's name for it, e.g. {@code cache-dir}: what JMX and logs show. */
    public String wire() {
        return wire;
    }

    /**
     * The source the engine names {@code wire}.
     *
     * @throws IllegalArgumentException for a name the engine does not use
     */
    public static ResponseSource fromWire(String wire) {
        for (ResponseSource source : values()) {
            if (source.wire.equals(wire)) {
                return source;
            }
        }
        throw new IllegalArgumentException("\"" + wire + "\" is not a response source (fetched,"
                + " cache-dir, static-file or shared-store)");
    }
}
