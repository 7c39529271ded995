package org.staplekit.bc;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Hashtable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Vector;
import org.bouncycastle.asn1.ocsp.OCSPResponse;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateStatus;
import org.bouncycastle.tls.CertificateStatusType;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.KeyExchangeAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.staplekit.CertificateChain;
import org.staplekit.ClientStatusRequest;
import org.staplekit.MalformedStatusRequestException;
import org.staplekit.Staple;
import org.staplekit.StatusExtension;
import org.staplekit.StaplingEngine;
import org.staplekit.TlsVersion;

/**
 * A Bouncy Castle TLS server (one per connection) whose certificate status comes from a
 * {@link StaplingEngine}, in TLS 1.2 and 1.3, for one certificate chain and its private key
 * (EC or RSA).
 *
 * <ul>
 *   <li>The ClientHello's raw {@code status_request} and {@code status_request_v2} data go to the
 *       engine; malformed data is answered with a fatal {@code decode_error} alert, before the
 *       resumption decision, as the JDK does. Bouncy Castle's own status handling never sees
 *       them.
 *   <li>Before the ServerHello, the engine decides and gathers the staple. TLS 1.2: the
 *       ServerHello asserts what the engine chose ({@code status_request_v2} for
 *       {@code ocsp_multi} or {@code ocsp}, else {@code status_request}) and
 *       {@link #getCertificateStatus()} sends the responses. TLS 1.3: each CertificateEntry with
 *       a response carries it in a {@code status_request} extension.
 *   <li>When the engine staples nothing, no status extension is asserted at all; on a resumed
 *       session, nothing is stapled and the status extensions the session recorded are removed.
 * </ul>
 *
 * <p>Subclasses may override the usual {@link DefaultTlsServer} hooks (sessions, ALPN, ...);
 * those that override the methods above must call the superclass.
 */
public class StaplingTlsServer extends DefaultTlsServer {
    private static final System.Logger LOG = System.getLogger(StaplingTlsServer.class.getName());

    private static final int[] TLS13_SUITES = {CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256};
    private static final int[] ECDSA_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256};
    private static final int[] RSA_SUITES = {CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256};

    private final JcaTlsCrypto crypto;
    private final StaplingEngine engine;
    private final CertificateChain chain;
    private final PrivateKey privateKey;
    private final boolean ecKey;

    private byte[] statusRequest;
    private byte[] statusRequestV2;
    private Staple staple;

    /**
     * A server for one connection.
     *
     * @param crypto Bouncy Castle's JCA crypto
     * @param engine the engine, shared by every connection
     * @param chain the chain to send, parsed once by the engine
     * @param privateKey the leaf's private key, EC or RSA
     */
    public StaplingTlsServer(JcaTlsCrypto crypto, StaplingEngine engine, CertificateChain chain,
            PrivateKey privateKey) {
        super(crypto);
        this.crypto = crypto;
        this.engine = Objects.requireNonNull(engine, "engine");
        this.chain = Objects.requireNonNull(chain, "chain");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.ecKey = SignatureSchemes.isEc(privateKey);
    }

    /**
     * What this handshake staples, once decided (before the ServerHello); empty before that,
     * and when it staples nothing.
     */
    public Optional<Staple> staple() {
        return Optional.ofNullable(staple);
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        int[] tls12 = ecKey ? ECDSA_SUITES : RSA_SUITES;
        int[] suites = new int[TLS13_SUITES.length + tls12.length];
        System.arraycopy(TLS13_SUITES, 0, suites, 0, TLS13_SUITES.length);
        System.arraycopy(tls12, 0, suites, TLS13_SUITES.length, tls12.length);
        return TlsUtils.getSupportedCipherSuites(getCrypto(), suites);
    }

    @Override
    public void notifyHandshakeBeginning() throws IOException {
        super.notifyHandshakeBeginning();
        statusRequest = null;
        statusRequestV2 = null;
        staple = null;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        statusRequest = TlsUtils.getExtensionData(clientExtensions,
                TlsExtensionsUtils.EXT_status_request);
        statusRequestV2 = TlsUtils.getExtensionData(clientExtensions,
                TlsExtensionsUtils.EXT_status_request_v2);
        try {
            // Only parses (no fetch): malformed data fails the handshake here, as in the JDK.
            engine.select(request(false), chain.size());
        } catch (MalformedStatusRequestException e) {
            throw decodeError(e);
        }
        Hashtable others = clientExtensions;
        if (clientExtensions != null) {
            others = new Hashtable(clientExtensions);
            others.remove(TlsExtensionsUtils.EXT_status_request);
            others.remove(TlsExtensionsUtils.EXT_status_request_v2);
        }
        super.processClientExtensions(others);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Hashtable getServerExtensions() throws IOException {
        boolean resumed = context.getSecurityParametersHandshake().isResumedSession();
        try {
            staple = engine.staple(request(resumed), chain).orElse(null);
        } catch (MalformedStatusRequestException e) {
            throw decodeError(e);
        }
        LOG.log(Level.DEBUG, "{0}: stapling {1}", context.getServerVersion(),
                staple == null ? "nothing" : staple);
        Hashtable extensions = super.getServerExtensions();
        if (staple != null && staple.serverHelloExtension().isPresent()) {
            TlsExtensionsUtils.addEmptyExtensionData(extensions,
                    staple.serverHelloExtension().get() == StatusExtension.STATUS_REQUEST
                            ? TlsExtensionsUtils.EXT_status_request
                            : TlsExtensionsUtils.EXT_status_request_v2);
        }
        return extensions;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void getServerExtensionsForConnection(Hashtable serverExtensions) throws IOException {
        super.getServerExtensionsForConnection(serverExtensions);
        if (context.getSecurityParametersHandshake().isResumedSession()) {
            // A resumed session replays the first handshake's extensions: nothing is stapled now.
            serverExtensions.remove(TlsExtensionsUtils.EXT_status_request);
            serverExtensions.remove(TlsExtensionsUtils.EXT_status_request_v2);
        }
    }

    @Override
    public CertificateStatus getCertificateStatus() throws IOException {
        if (staple == null || staple.isTls13()) {
            return null;
        }
        List<byte[]> responses = staple.ocspResponses();
        if (!staple.isOcspMulti()) {
            return new CertificateStatus(CertificateStatusType.ocsp,
                    OCSPResponse.getInstance(responses.get(0)));
        }
        Vector<OCSPResponse> list = new Vector<>(responses.size());
        for (byte[] response : responses) {
            // Bouncy Castle sends a null entry as a zero-length one: "none for this certificate".
            list.add(response.length == 0 ? null : OCSPResponse.getInstance(response));
        }
        return new CertificateStatus(CertificateStatusType.ocsp_multi, list);
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        boolean tls13 = TlsUtils.isTLSv13(context);
        if (!tls13) {
            int expected = ecKey ? KeyExchangeAlgorithm.ECDHE_ECDSA : KeyExchangeAlgorithm.ECDHE_RSA;
            int selected = context.getSecurityParametersHandshake().getKeyExchangeAlgorithm();
            if (selected != expected) {
                throw new TlsFatalAlert(AlertDescription.internal_error,
                        "key exchange " + selected + " does not suit the server's key");
            }
        }
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                privateKey, certificate(tls13), SignatureSchemes.choose(context, privateKey, tls13));
    }

    /** The Certificate message: in TLS 1.3, with each entry's status_request extension. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private Certificate certificate(boolean tls13) throws IOException {
        List<X509Certificate> certificates = chain.certificates();
        TlsCertificate[] encoded = new TlsCertificate[certificates.size()];
        for (int i = 0; i < encoded.length; i++) {
            try {
                encoded[i] = crypto.createCertificate(certificates.get(i).getEncoded());
            } catch (CertificateEncodingException e) {
                throw new TlsFatalAlert(AlertDescription.internal_error, e);
            }
        }
        if (!tls13) {
            return new Certificate(encoded);
        }
        List<byte[]> status = staple != null && staple.isTls13()
                ? staple.certificateEntries() : List.of();
        CertificateEntry[] entries = new CertificateEntry[encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            Hashtable extensions = null;
            if (i < status.size() && status.get(i).length > 0) {
                extensions = new Hashtable();
                extensions.put(TlsExtensionsUtils.EXT_status_request, status.get(i));
            }
            entries[i] = new CertificateEntry(encoded[i], extensions);
        }
        return new Certificate(TlsUtils.EMPTY_BYTES, entries);
    }

    private ClientStatusRequest request(boolean resumed) throws IOException {
        ProtocolVersion version = context.getServerVersion();
        TlsVersion tls;
        try {
            tls = TlsVersion.fromWire(version.getFullVersion());
        } catch (IllegalArgumentException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
        return new ClientStatusRequest(statusRequest, statusRequestV2, tls, resumed);
    }

    private static TlsFatalAlert decodeError(MalformedStatusRequestException e) {
        LOG.log(Level.INFO, "refusing a ClientHello: {0}", e.getMessage());
        return new TlsFatalAlert(AlertDescription.decode_error, e.getMessage(), e);
    }
}
