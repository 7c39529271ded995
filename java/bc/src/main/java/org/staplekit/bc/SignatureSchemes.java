package org.staplekit.bc;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.interfaces.ECKey;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;

/** Chooses the server's signature scheme: the client's first one that the key can make. */
final class SignatureSchemes {
    private static final int[] ECDSA_ANY_CURVE = {SignatureScheme.ecdsa_secp256r1_sha256,
        SignatureScheme.ecdsa_secp384r1_sha384, SignatureScheme.ecdsa_secp521r1_sha512};
    private static final int[] RSA_PSS = {SignatureScheme.rsa_pss_rsae_sha256,
        SignatureScheme.rsa_pss_rsae_sha384, SignatureScheme.rsa_pss_rsae_sha512};
    private static final int[] RSA_TLS12 = {SignatureScheme.rsa_pss_rsae_sha256,
        SignatureScheme.rsa_pss_rsae_sha384, SignatureScheme.rsa_pss_rsae_sha512,
        SignatureScheme.rsa_pkcs1_sha256, SignatureScheme.rsa_pkcs1_sha384,
        SignatureScheme.rsa_pkcs1_sha512};

    private SignatureSchemes() {}

    /** Whether the key is an EC key (else it must be RSA). */
    static boolean isEc(PrivateKey key) {
        return key instanceof ECKey || "EC".equalsIgnoreCase(key.getAlgorithm());
    }

    /**
     * The first of the client's {@code signature_algorithms} the key can make; in TLS 1.3 an
     * ECDSA scheme must also name the key's curve.
     *
     * @throws TlsFatalAlert handshake_failure when there is none
     */
    static SignatureAndHashAlgorithm choose(TlsContext context, PrivateKey key, boolean tls13)
            throws IOException {
        boolean ec = isEc(key);
        Vector<?> offered = context.getSecurityParametersHandshake().getClientSigAlgs();
        if (offered == null && !tls13) {
            // RFC 5246 7.4.1.4.1: without the extension, the client accepts SHA-1.
            return TlsUtils.getDefaultSignatureAlgorithm(
                    ec ? SignatureAlgorithm.ecdsa : SignatureAlgorithm.rsa);
        }
        int[] acceptable = acceptable(key, ec, tls13);
        if (offered != null) {
            for (Object item : offered) {
                SignatureAndHashAlgorithm algorithm = (SignatureAndHashAlgorithm) item;
                int scheme = SignatureScheme.from(algorithm);
                for (int candidate : acceptable) {
                    if (candidate == scheme) {
                        return algorithm;
                    }
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client offers no signature"
                + " scheme a " + key.getAlgorithm() + " key can make");
    }

    private static int[] acceptable(PrivateKey key, boolean ec, boolean tls13) {
        if (!ec) {
            return tls13 ? RSA_PSS : RSA_TLS12;
        }
        if (!tls13 || !(key instanceof ECKey)) {
            return ECDSA_ANY_CURVE;
        }
        switch (((ECKey) key).getParams().getCurve().getField().getFieldSize()) {
            case 256:
                return new int[] {SignatureScheme.ecdsa_secp256r1_sha256};
            case 384:
                return new int[] {SignatureScheme.ecdsa_secp384r1_sha384};
            case 521:
                return new int[] {SignatureScheme.ecdsa_secp521r1_sha512};
            default:
                return new int[0];
        }
    }
}
