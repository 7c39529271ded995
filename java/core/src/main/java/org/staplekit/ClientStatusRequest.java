package org.staplekit;

import java.util.Objects;

/**
 * What a ClientHello asked for, as raw extension data, with the handshake facts the decision
 * depends on. The arrays are not copied: do not change them while a call uses them.
 */
public final class ClientStatusRequest {
    private final byte[] statusRequest;
    private final byte[] statusRequestV2;
    private final TlsVersion version;
    private final boolean resumed;

    /**
     * @param statusRequest the {@code status_request} extension data, or null if the ClientHello
     *     did not have the extension
     * @param statusRequestV2 the {@code status_request_v2} extension data, or null if absent
     * @param version the negotiated version
     * @param resumed whether the session is resumed (then nothing is stapled)
     */
    public ClientStatusRequest(byte[] statusRequest, byte[] statusRequestV2, TlsVersion version,
            boolean resumed) {
        this.statusRequest = statusRequest;
        this.statusRequestV2 = statusRequestV2;
        this.version = Objects.requireNonNull(version, "version");
        this.resumed = resumed;
    }

    /** The {@code status_request} extension data, or null. */
    public byte[] statusRequest() {
        return statusRequest;
    }

    /** The {@code status_request_v2} extension data, or null. */
    public byte[] statusRequestV2() {
        return statusRequestV2;
    }

    /** The negotiated version. */
    public TlsVersion version() {
        return version;
    }

    /** Whether the session is resumed. */
    public boolean resumed() {
        return resumed;
    }
}
