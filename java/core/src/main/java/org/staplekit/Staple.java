package org.staplekit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What one handshake staples, decided before the ServerHello is written.
 *
 * <ul>
 *   <li>TLS 1.2 and earlier: assert {@link #serverHelloExtension()} (empty data) in the
 *       ServerHello and send {@link #certificateStatus()} as the body of the CertificateStatus
 *       handshake message ({@code ocsp} or {@code ocsp_multi}).
 *   <li>TLS 1.3: give each CertificateEntry the {@code status_request} extension data of
 *       {@link #certificateEntries()}; entries with empty data get no extension.
 * </ul>
 *
 * <p>As in the JDK's {@code ExtendedSSLSession.getStatusResponses()}, an empty array in a list
 * means "none for this certificate". Returned arrays are copies.
 */
public final class Staple {
    private static final byte[] NONE = new byte[0];

    private final StatusExtension serverHelloExtension;
    private final byte[] certificateStatus;
    private final byte[][] certificateEntries;
    private final byte[][] ocspResponses;

    /** Called by the native library: extension 5 or 17 in TLS 1.2, 0 in TLS 1.3. */
    Staple(int serverHelloExtension, byte[] certificateStatus, byte[][] certificateEntries,
            byte[][] ocspResponses) {
        this.serverHelloExtension =
                serverHelloExtension == 0 ? null : StatusExtension.fromType(serverHelloExtension);
        this.certificateStatus = certificateStatus;
        this.certificateEntries = certificateEntries;
        this.ocspResponses = ocspResponses;
    }

    /** Whether this is a TLS 1.3 staple (per-certificate entries, no hello extension). */
    public boolean isTls13() {
        return serverHelloExtension == null;
    }

    /** The extension to assert in the ServerHello; empty in TLS 1.3. */
    public Optional<StatusExtension> serverHelloExtension() {
        return Optional.ofNullable(serverHelloExtension);
    }

    /**
     * Whether the CertificateStatus is {@code ocsp_multi} (one response per certificate) rather
     * than {@code ocsp} (the leaf's); false in TLS 1.3.
     */
    public boolean isOcspMulti() {
        return certificateStatus != null && certificateStatus[0] == 2;
    }

    /**
     * The CertificateStatus message body, {@code 01 | uint24 | DER} or
     * {@code 02 | uint24 | (uint24 | DER)*}; empty in TLS 1.3.
     */
    public Optional<byte[]> certificateStatus() {
        return Optional.ofNullable(certificateStatus).map(byte[]::clone);
    }

    /**
     * TLS 1.3: per certificate, leaf first, the data of its CertificateEntry's
     * {@code status_request} extension ({@code 01 | uint24 | DER}), or an empty array for no
     * extension. An empty list in TLS 1.2.
     */
    public List<byte[]> certificateEntries() {
        return copies(certificateEntries);
    }

    /**
     * The DER OCSP responses, one per certificate, leaf first (an empty array where there is
     * none); a single item (the leaf's) for an {@code ocsp} CertificateStatus.
     */
    public List<byte[]> ocspResponses() {
        return copies(ocspResponses);
    }

    private static List<byte[]> copies(byte[][] arrays) {
        if (arrays == null) {
            return Collections.emptyList();
        }
        List<byte[]> list = new ArrayList<>(arrays.length);
        for (byte[] array : arrays) {
            list.add(array == null ? NONE : array.clone());
        }
        return Collections.unmodifiableList(list);
    }

    /**
     * E.g. {@code status_request_v2 with ocsp_multi, responses for 2 of 3 certificates} or
     * {@code TLS 1.3 CertificateEntry status_request, responses for 2 of 3 certificates}.
     */
    @Override
    public String toString() {
        int stapled = 0;
        for (byte[] response : ocspResponses) {
            stapled += response == null ? 0 : 1;
        }
        if (!isTls13() && !isOcspMulti()) {
            return serverHelloExtension.name().toLowerCase(java.util.Locale.ROOT)
                    + " with ocsp, the leaf's response";
        }
        String kind = isTls13() ? "TLS 1.3 CertificateEntry status_request"
                : serverHelloExtension.name().toLowerCase(java.util.Locale.ROOT)
                        + " with ocsp_multi";
        int certificates = isTls13() ? certificateEntries.length : ocspResponses.length;
        return kind + ", responses for " + stapled + " of " + certificates + " certificates";
    }
}
