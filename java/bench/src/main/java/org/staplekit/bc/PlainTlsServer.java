package org.staplekit.bc;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Hashtable;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The benchmarks' Bouncy Castle server without stapling: {@link StaplingTlsServer} without the
 * engine (same suites, same credentials, same Certificate message), so that "stapling off" on
 * Bouncy Castle costs nothing of staplekit's. As there, the client's status extensions are kept
 * from Bouncy Castle's own status handling, so nothing is asserted or stapled.
 *
 * <p>For an EC key only (the test PKI's): keep its suites in sync with StaplingTlsServer's.
 * Subclasses that override its methods must call the superclass.
 */
public class PlainTlsServer extends DefaultTlsServer {
    private static final int[] SUITES = {CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256};

    private final JcaTlsCrypto crypto;
    private final List<X509Certificate> chain;
    private final PrivateKey key;

    /**
     * A server for one connection, sending {@code chain} (leaf first) signed with {@code key}.
     *
     * @throws IllegalArgumentException if the key is not an EC key
     */
    public PlainTlsServer(JcaTlsCrypto crypto, List<X509Certificate> chain, PrivateKey key) {
        super(crypto);
        if (!SignatureSchemes.isEc(key)) {
            throw new IllegalArgumentException("PlainTlsServer takes an EC key, not "
                    + key.getAlgorithm());
        }
        this.crypto = crypto;
        this.chain = List.copyOf(chain);
        this.key = key;
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        Hashtable others = clientExtensions;
        if (clientExtensions != null) {
            others = new Hashtable(clientExtensions);
            others.remove(TlsExtensionsUtils.EXT_status_request);
            others.remove(TlsExtensionsUtils.EXT_status_request_v2);
        }
        super.processClientExtensions(others);
    }

    /**
     * TLS 1.3: the {@code status_request} extension data for certificate {@code index}'s
     * CertificateEntry, or null for none (always, here): for a benchmark that sends responses
     * without the engine.
     */
    protected byte[] entryStatus(int index) {
        return null;
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        boolean tls13 = TlsUtils.isTLSv13(context);
        TlsCertificate[] encoded = new TlsCertificate[chain.size()];
        for (int i = 0; i < encoded.length; i++) {
            try {
                encoded[i] = crypto.createCertificate(chain.get(i).getEncoded());
            } catch (CertificateEncodingException e) {
                throw new TlsFatalAlert(AlertDescription.internal_error, e);
            }
        }
        Certificate certificate;
        if (tls13) {
            CertificateEntry[] entries = new CertificateEntry[encoded.length];
            for (int i = 0; i < encoded.length; i++) {
                byte[] status = entryStatus(i);
                Hashtable<Integer, byte[]> extensions = null;
                if (status != null && status.length > 0) {
                    extensions = new Hashtable<>();
                    extensions.put(TlsExtensionsUtils.EXT_status_request, status);
                }
                entries[i] = new CertificateEntry(encoded[i], extensions);
            }
            certificate = new Certificate(TlsUtils.EMPTY_BYTES, entries);
        } else {
            certificate = new Certificate(encoded);
        }
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, key,
                certificate, SignatureSchemes.choose(context, key, tls13));
    }
}
