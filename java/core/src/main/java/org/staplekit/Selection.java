package org.staplekit;

import java.util.Optional;

/**
 * The server's stapling decision for a handshake, made as the JDK makes it, before any response
 * is fetched. The ordinal is the native code ({@code jni/src/codes.rs}), checked by the test
 * kit's {@code CodesTest}.
 */
public enum Selection {
    /** No stapling: assert no status extension. */
    NONE(null),
    /** TLS 1.2 and earlier, {@code status_request}: the leaf's response. */
    STATUS_REQUEST(StatusExtension.STATUS_REQUEST),
    /** TLS 1.2 and earlier, {@code status_request_v2} with {@code ocsp}: the leaf's response. */
    STATUS_REQUEST_V2_OCSP(StatusExtension.STATUS_REQUEST_V2),
    /** TLS 1.2 and earlier, {@code status_request_v2} with {@code ocsp_multi}: every certificate's. */
    STATUS_REQUEST_V2_OCSP_MULTI(StatusExtension.STATUS_REQUEST_V2),
    /** TLS 1.3: a response in each CertificateEntry whose issuer is known. */
    TLS13_PER_CERTIFICATE(null);

    private final StatusExtension serverHelloExtension;

    Selection(StatusExtension serverHelloExtension) {
        this.serverHelloExtension = serverHelloExtension;
    }

    /**
     * The extension the ServerHello asserts (with empty data); empty when not stapling and in
     * TLS 1.3, where no hello message carries one.
     */
    public Optional<StatusExtension> serverHelloExtension() {
        return Optional.ofNullable(serverHelloExtension);
    }

    static Selection fromCode(int code) {
        return values()[code];
    }
}
