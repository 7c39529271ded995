package org.staplekit;

/**
 * The certificate status an OCSP response asserts ({@link CertificateStats#status()}). The
 * engine's {@code staplekit::Status}; a test compares the wire names and their order with it.
 */
public enum OcspStatus {
    /** Not revoked. */
    GOOD("good"),
    /** Revoked. */
    REVOKED("revoked"),
    /** The responder does not know the certificate; never stapled. */
    UNKNOWN("unknown");

    private final String wire;

    OcspStatus(String wire) {
        this.wire = wire;
    }

    /** The engine's name for it, e.g. {@code good}: what JMX and logs show. */
    public String wire() {
        return wire;
    }

    /**
     * The status the engine names {@code wire}.
     *
     * @throws IllegalArgumentException for a name the engine does not use
     */
    public static OcspStatus fromWire(String wire) {
        for (OcspStatus status : values()) {
            if (status.wire.equals(wire)) {
                return status;
            }
        }
        throw new IllegalArgumentException("\"" + wire + "\" is not an OCSP status (good, revoked"
                + " or unknown)");
    }
}
