package org.staplekit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import org.staplekit.StaplingException;
import org.staplekit.testkit.TestPki;
import org.staplekit.tools.Pem;

/**
 * The one PKI and the one OCSP responder every server of a run uses: the project's test PKI
 * (root, intermediate, leaf; EC keys) with the project's own responder in this process,
 * answering for both CAs, whose answers can be delayed.
 */
final class BenchPki implements AutoCloseable {
    private final Path directory;
    private final TestPki pki;
    private final List<X509Certificate> chain;
    private final PrivateKey key;

    private BenchPki(Path directory, TestPki pki) throws IOException {
        this.directory = directory;
        this.pki = pki;
        this.chain = List.copyOf(Pem.certificates(pki.leafChain()));
        this.key = Pem.privateKey(pki.leafKey());
    }

    /** Generates the PKI in a new temporary directory and starts its responder. */
    static BenchPki start() throws IOException, StaplingException {
        Path directory = Files.createTempDirectory("staplekit-bench");
        return new BenchPki(directory, TestPki.startInProcess(directory));
    }

    /** The good leaf's chain: leaf, intermediate, root. */
    List<X509Certificate> chain() {
        return chain;
    }

    /** The file the chain was read from (staplekit registers it with its path). */
    Path chainFile() {
        return pki.leafChain();
    }

    /** The leaf's private key. */
    PrivateKey key() {
        return key;
    }

    /** The root, which the client trusts. */
    X509Certificate root() {
        return chain.get(chain.size() - 1);
    }

    /** The JDK server's key material: the leaf's key with the whole chain. */
    KeyManager[] keyManagers() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "bench".toCharArray();
        store.setKeyEntry("leaf", key, password, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory factory =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    /** From now on the responder waits {@code delay} before each answer. */
    void delayResponses(Duration delay) {
        pki.delayResponses(delay);
    }

    /** Stops the responder and deletes the files. */
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
