package org.staplekit.bc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.X509Certificate;
import java.util.Hashtable;
import java.util.List;
import java.util.Properties;
import java.util.Vector;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateStatus;
import org.bouncycastle.tls.CertificateStatusRequest;
import org.bouncycastle.tls.CertificateStatusRequestItemV2;
import org.bouncycastle.tls.CertificateStatusType;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.OCSPStatusRequest;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerOnlyTlsAuthentication;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.staplekit.CertificateChain;
import org.staplekit.testkit.Pki;
import org.staplekit.Staple;
import org.staplekit.StaplingEngine;
import org.staplekit.tools.Pem;

/**
 * A Bouncy Castle server stapling through the engine, against the JDK's own client and
 * OpenSSL's own OCSP responders, on loopback.
 */
@Timeout(60)
class StaplingTlsServerTest {
    private static final int STATUS_REQUEST = 5;
    private static final int STATUS_REQUEST_V2 = 17;

    private Pki pki;

    @BeforeEach
    void startPki() throws Exception {
        pki = Pki.start();
    }

    @AfterEach
    void stopPki() throws Exception {
        pki.close();
    }

    private static StaplingEngine engine(String... keyValues) throws Exception {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        StaplingEngine engine = StaplingEngine.builder().properties(properties).build();
        assertTrue(engine.configurationWarnings().isEmpty(), engine.configurationWarnings().toString());
        return engine;
    }

    private PrivateKey leafKey() throws IOException {
        return Pem.privateKey(pki.pki().leafKey());
    }

    private SSLContext client() throws Exception {
        return JdkClient.context(pki.root(), true);
    }

    @Test
    void tls12WithBothExtensionsAssertsV2OnlyAndStaplesOcspMultiForLeafAndIntermediate()
            throws Exception {
        try (StaplingEngine engine = engine();
                CertificateChain chain = engine.parseChain(pki.leafChain());
                LoopbackServer server = new LoopbackServer(engine, chain, leafKey())) {
            SSLContext client = client();
            JdkClient.Result first = JdkClient.handshake(client, server.port(), "TLSv1.2");

            LoopbackServer.Connection connection = server.connection(0);
            List<Integer> extensions = ServerHello.extensionTypes(connection.sent);
            assertTrue(extensions.contains(STATUS_REQUEST_V2), extensions.toString());
            assertFalse(extensions.contains(STATUS_REQUEST), extensions.toString());
            assertTrue(connection.staple.isOcspMulti(), connection.staple.toString());

            assertEquals("TLSv1.2", first.protocol);
            assertEquals(3, first.statusResponses.size(), "one entry per certificate sent");
            assertTrue(first.statusResponses.get(0).length > 0, "leaf");
            assertTrue(first.statusResponses.get(1).length > 0, "intermediate");
            assertEquals(0, first.statusResponses.get(2).length, "the root has no issuer in the chain");

            // With the responders gone, the client's NO_FALLBACK check can only pass on staples
            // (from the engine's cache); a fresh SSLContext rules out client-side session reuse.
            pki.pki().close();
            JdkClient.Result second = JdkClient.handshake(client(), server.port(), "TLSv1.2");
            assertEquals(2, second.stapled());
        }
    }

    @Test
    void tls13LeafAndIntermediateEntriesCarryResponses() throws Exception {
        try (StaplingEngine engine = engine();
                CertificateChain chain = engine.parseChain(pki.leafChain());
                LoopbackServer server = new LoopbackServer(engine, chain, leafKey())) {
            JdkClient.Result result = JdkClient.handshake(client(), server.port(), "TLSv1.3");
            assertEquals("TLSv1.3", result.protocol);
            assertEquals(2, result.stapled(), "leaf and intermediate");
            assertTrue(result.statusResponses.get(0).length > 0);
            assertTrue(result.statusResponses.get(1).length > 0);

            Staple staple = server.connection(0).staple;
            assertTrue(staple.isTls13());
            List<byte[]> entries = staple.certificateEntries();
            assertEquals(3, entries.size());
            assertEquals(1, entries.get(0)[0], "status_type ocsp");
            assertTrue(entries.get(1).length > 0);
            assertEquals(0, entries.get(2).length, "the root's entry carries no extension");

            pki.pki().close();
            assertEquals(2, JdkClient.handshake(client(), server.port(), "TLSv1.3").stapled(),
                    "revocation check passes on the staples alone");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aRevokedLeafFailsTheClientHandshakeAsRevoked(String protocol) throws Exception {
        try (StaplingEngine engine = engine();
                CertificateChain chain = engine.parseChain(pki.revokedChain());
                LoopbackServer server = new LoopbackServer(engine, chain,
                        Pem.privateKey(pki.pki().revokedKey()))) {
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                    () -> JdkClient.handshake(client(), server.port(), protocol));
            assertEquals(BasicReason.REVOKED, JdkClient.validationFailure(e), e.toString());
            assertNotNull(server.connection(0).staple, "the REVOKED response was stapled");
        }
    }

    @Test
    void serverFlagOffAssertsNoStatusExtensionAndTheHandshakeSucceeds() throws Exception {
        try (StaplingEngine engine = engine("jdk.tls.server.enableStatusRequestExtension", "false");
                CertificateChain chain = engine.parseChain(pki.leafChain());
                LoopbackServer server = new LoopbackServer(engine, chain, leafKey())) {
            JdkClient.Result result = JdkClient.handshake(client(), server.port(), "TLSv1.2");
            List<Integer> extensions = ServerHello.extensionTypes(server.connection(0).sent);
            assertFalse(extensions.contains(STATUS_REQUEST), extensions.toString());
            assertFalse(extensions.contains(STATUS_REQUEST_V2), extensions.toString());
            assertEquals(0, result.stapled());
            assertNull(server.connection(0).staple);

            assertEquals(0, JdkClient.handshake(client(), server.port(), "TLSv1.3").stapled());
        }
    }

    @Test
    void aChainSentWithoutItsRootGetsTheIntermediateResponseFromConfiguredIssuers()
            throws Exception {
        List<X509Certificate> withoutRoot = pki.leafChain().subList(0, 2);
        try (StaplingEngine plain = engine();
                CertificateChain chain = plain.parseChain(withoutRoot);
                LoopbackServer server = new LoopbackServer(plain, chain, leafKey())) {
            JdkClient.Result result = JdkClient.handshake(JdkClient.context(pki.root(), false),
                    server.port(), "TLSv1.2");
            assertEquals(2, result.statusResponses.size());
            assertEquals(1, result.stapled(), "without the root, nobody can ask about the intermediate");
        }
        String issuers = pki.pki().root().toString();
        try (StaplingEngine engine = engine("staplekit.stapling.issuers", issuers);
                CertificateChain chain = engine.parseChain(withoutRoot);
                LoopbackServer server = new LoopbackServer(engine, chain, leafKey())) {
            JdkClient.Result result = JdkClient.handshake(client(), server.port(), "TLSv1.2");
            assertEquals(2, result.statusResponses.size());
            assertEquals(2, result.stapled(), "leaf and intermediate");
        }
    }

    @Test
    void aResumedSessionStaplesNothing() throws Exception {
        try (StaplingEngine engine = engine();
                CertificateChain chain = engine.parseChain(pki.leafChain());
                LoopbackServer server = new LoopbackServer(engine, chain, leafKey())) {
            SSLContext client = client();
            assertEquals(2, JdkClient.handshake(client, server.port(), "TLSv1.2").stapled());
            JdkClient.handshake(client, server.port(), "TLSv1.2");

            LoopbackServer.Connection resumed = server.connection(1);
            assertNull(resumed.failure);
            assertNull(resumed.staple, "nothing stapled on resumption");
            List<Integer> extensions = ServerHello.extensionTypes(resumed.sent);
            assertFalse(extensions.contains(STATUS_REQUEST_V2), extensions.toString());
            assertFalse(extensions.contains(STATUS_REQUEST), extensions.toString());
            assertTrue(ServerHello.extensionTypes(server.connection(0).sent)
                    .contains(STATUS_REQUEST_V2));
            assertTrue(resumed.sent.length < server.connection(0).sent.length / 2,
                    "an abbreviated handshake (no Certificate, no CertificateStatus)");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {STATUS_REQUEST, STATUS_REQUEST_V2})
    void malformedStatusExtensionsAreAnsweredWithDecodeError(int extension) throws Exception {
        try (StaplingEngine engine = engine();
                CertificateChain chain = engine.parseChain(pki.leafChain());
                LoopbackServer server = new LoopbackServer(engine, chain, leafKey());
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            TlsClientProtocol protocol =
                    new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
            TlsFatalAlertReceived alert = assertThrows(TlsFatalAlertReceived.class,
                    () -> protocol.connect(new MalformedStatusClient(extension)));
            assertEquals(AlertDescription.decode_error, alert.getAlertDescription());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {STATUS_REQUEST, STATUS_REQUEST_V2})
    void aClientAskingForPlainOcspGetsTheLeafsResponseUnderTheExtensionItUsed(int extension)
            throws Exception {
        try (StaplingEngine engine = engine();
                CertificateChain chain = engine.parseChain(pki.leafChain());
                LoopbackServer server = new LoopbackServer(engine, chain, leafKey());
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            TlsClientProtocol protocol =
                    new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
            OcspClient client = new OcspClient(extension == STATUS_REQUEST_V2);
            protocol.connect(client);
            protocol.close();

            assertNotNull(client.status, "the client received a CertificateStatus");
            assertEquals(CertificateStatusType.ocsp, client.status.getStatusType());
            assertArrayEquals(server.connection(0).staple.ocspResponses().get(0),
                    client.status.getOCSPResponse().getEncoded(), "the engine's bytes, unchanged");
            List<Integer> extensions = ServerHello.extensionTypes(server.connection(0).sent);
            assertTrue(extensions.contains(extension), extensions.toString());
            assertFalse(extensions.contains(extension == STATUS_REQUEST ? STATUS_REQUEST_V2
                    : STATUS_REQUEST), extensions.toString());
        }
    }

    /**
     * A Bouncy Castle TLS 1.2 client asking for the leaf's status only: with
     * {@code status_request} (Bouncy Castle's default), or with {@code status_request_v2}
     * holding one {@code ocsp} item.
     */
    private static final class OcspClient extends DefaultTlsClient {
        private final boolean v2;
        CertificateStatus status;

        OcspClient(boolean v2) {
            super(new JcaTlsCryptoProvider().create(new SecureRandom()));
            this.v2 = v2;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv12.only();
        }

        @Override
        protected CertificateStatusRequest getCertificateStatusRequest() {
            return v2 ? null : super.getCertificateStatusRequest();
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        protected Vector getMultiCertStatusRequest() {
            if (!v2) {
                return null;
            }
            Vector items = new Vector();
            items.add(new CertificateStatusRequestItemV2(CertificateStatusType.ocsp,
                    new OCSPStatusRequest(null, null)));
            return items;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new ServerOnlyTlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate certificate) {
                    status = certificate.getCertificateStatus();
                }
            };
        }
    }

    /** A Bouncy Castle TLS 1.2 client whose status extension data is truncated. */
    private static final class MalformedStatusClient extends DefaultTlsClient {
        private final int extension;

        MalformedStatusClient(int extension) {
            super(new JcaTlsCryptoProvider().create(new SecureRandom()));
            this.extension = extension;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv12.only();
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getClientExtensions() throws IOException {
            Hashtable extensions = super.getClientExtensions();
            extensions.put(extension == STATUS_REQUEST ? TlsExtensionsUtils.EXT_status_request
                    : TlsExtensionsUtils.EXT_status_request_v2, new byte[] {1, 0});
            return extensions;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new ServerOnlyTlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate certificate) {}
            };
        }
    }
}
