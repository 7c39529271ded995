package org.staplekit;

/**
 * A negotiated TLS version, with its ProtocolVersion code point; the test kit's {@code CodesTest}
 * checks that the engine accepts exactly these.
 */
public enum TlsVersion {
    /** TLS 1.0 (0x0301). */
    TLS_1_0(0x0301),
    /** TLS 1.1 (0x0302). */
    TLS_1_1(0x0302),
    /** TLS 1.2 (0x0303). */
    TLS_1_2(0x0303),
    /** TLS 1.3 (0x0304). */
    TLS_1_3(0x0304);

    private final int wire;

    TlsVersion(int wire) {
        this.wire = wire;
    }

    /** The ProtocolVersion code point, e.g. {@code 0x0303}. */
    public int wire() {
        return wire;
    }

    /**
     * The version for a code point.
     *
     * @throws IllegalArgumentException for SSL 3.0, DTLS or unknown code points
     */
    public static TlsVersion fromWire(int wire) {
        for (TlsVersion version : values()) {
            if (version.wire == wire) {
                return version;
            }
        }
        throw new IllegalArgumentException(
                String.format("protocol version 0x%04x is not TLS 1.0 to 1.3", wire));
    }
}
