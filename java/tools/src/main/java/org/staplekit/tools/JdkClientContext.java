package org.staplekit.tools;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilder;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Set;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JDK client set-up that checks stapled responses: SunJSSE trusting one root, with a
 * {@link PKIXRevocationChecker} that accepts only the staples ({@code NO_FALLBACK}). Used by the
 * JVM demo and the tests, so both exercise the same client configuration.
 *
 * <p>The JDK only consults staples this way when it does not fetch OCSP itself: callers set
 * {@code Security.setProperty("ocsp.enable", "false")}.
 */
public final class JdkClientContext {
    private JdkClientContext() {}

    /**
     * An {@link SSLContext} trusting {@code root}; with {@code checkRevocation}, every certificate's
     * status must come from a staple, and a REVOKED one fails the handshake.
     */
    public static SSLContext trusting(X509Certificate root, boolean checkRevocation)
            throws GeneralSecurityException, IOException {
        return context(root, checkRevocation
                ? EnumSet.of(PKIXRevocationChecker.Option.NO_FALLBACK) : null);
    }

    /**
     * An {@link SSLContext} trusting {@code root} whose leaf's status must come from a staple
     * (NO_FALLBACK, ONLY_END_ENTITY), a REVOKED one failing the handshake: the client for
     * servers that staple the leaf's response only (OpenSSL's {@code status_request}).
     */
    public static SSLContext trustingLeafStaple(X509Certificate root)
            throws GeneralSecurityException, IOException {
        return context(root, EnumSet.of(PKIXRevocationChecker.Option.NO_FALLBACK,
                PKIXRevocationChecker.Option.ONLY_END_ENTITY));
    }

    /**
     * An {@link SSLContext} trusting {@code root} that verifies the staples it gets and fails on
     * a REVOKED one, but accepts a handshake without staples (SOFT_FAIL), as browsers do: the
     * demo's client, which shows what a server staples rather than refusing when it staples
     * nothing.
     */
    public static SSLContext verifyingStaplesIfAny(X509Certificate root)
            throws GeneralSecurityException, IOException {
        return context(root, EnumSet.of(PKIXRevocationChecker.Option.NO_FALLBACK,
                PKIXRevocationChecker.Option.SOFT_FAIL));
    }

    /** Trusts {@code root}; checks revocation with {@code revocation}'s options unless null. */
    private static SSLContext context(X509Certificate root,
            Set<PKIXRevocationChecker.Option> revocation)
            throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", root);
        PKIXBuilderParameters parameters = new PKIXBuilderParameters(trust, new X509CertSelector());
        parameters.setRevocationEnabled(revocation != null);
        if (revocation != null) {
            PKIXRevocationChecker checker =
                    (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
            checker.setOptions(revocation);
            parameters.addCertPathChecker(checker);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(new CertPathTrustManagerParameters(parameters));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
