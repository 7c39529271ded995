package org.staplekit.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.staplekit.StaplingException;

/**
 * Test helpers around {@link TestPki} for the tests of every module: a PKI in a temporary
 * directory, PEM reading, and the status request bytes the JDK client sends.
 */
public final class Pki implements AutoCloseable {
    /** The JDK client's {@code status_request} data: ocsp, no responder ids, no extensions. */
    public static final byte[] JDK_STATUS_REQUEST = {1, 0, 0, 0, 0};
    /** The JDK client's {@code status_request_v2} data: one ocsp_multi item, empty lists. */
    public static final byte[] JDK_STATUS_REQUEST_V2 = {0, 7, 2, 0, 4, 0, 0, 0, 0};
    /** A {@code status_request_v2} with one plain ocsp item. */
    public static final byte[] STATUS_REQUEST_V2_OCSP = {0, 7, 1, 0, 4, 0, 0, 0, 0};

    private final Path directory;
    private final TestPki pki;

    private Pki(Path directory, TestPki pki) {
        this.directory = directory;
        this.pki = pki;
    }

    /** Generates a PKI in a new temporary directory and starts OpenSSL's responders. */
    public static Pki start() throws IOException, StaplingException {
        Path directory = Files.createTempDirectory("staplekit-test-pki");
        return new Pki(directory, TestPki.start(directory));
    }

    /**
     * Generates a PKI in a new temporary directory and starts the project's own responder, whose
     * answers can be delayed ({@link TestPki#delayResponses}).
     */
    public static Pki startInProcess() throws IOException, StaplingException {
        Path directory = Files.createTempDirectory("staplekit-test-pki");
        return new Pki(directory, TestPki.startInProcess(directory));
    }

    /** The fixture. */
    public TestPki pki() {
        return pki;
    }

    /** Every certificate of a PEM file, in order. */
    public static List<X509Certificate> certificates(Path pem)
            throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(pem)) {
            factory.generateCertificates(in).forEach(c -> out.add((X509Certificate) c));
        }
        return out;
    }

    /** The good leaf's chain: leaf, intermediate, root. */
    public List<X509Certificate> leafChain() throws IOException, GeneralSecurityException {
        return certificates(pki.leafChain());
    }

    /** The revoked leaf's chain: revoked leaf, intermediate, root. */
    public List<X509Certificate> revokedChain() throws IOException, GeneralSecurityException {
        return certificates(pki.revokedChain());
    }

    /** The root certificate. */
    public X509Certificate root() throws IOException, GeneralSecurityException {
        return certificates(pki.root()).get(0);
    }

    /** Stops the responders and deletes the files. */
    @Override
    public void close() throws IOException {
        pki.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
