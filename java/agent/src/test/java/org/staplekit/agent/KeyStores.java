package org.staplekit.agent;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import org.staplekit.testkit.TestPki;
import org.staplekit.tools.Pem;

/** PKCS12 key stores of the test PKI's chains, written with the KeyStore API as servers use them. */
final class KeyStores {
    /** The password of every key store written here. */
    static final String PASSWORD = "changeit";

    private KeyStores() {}

    /** {@code good.p12}: the good leaf's key and chain (leaf, intermediate, root). */
    static Path good(TestPki pki) throws Exception {
        return write(pki.file("good.p12"), Pem.privateKey(pki.leafKey()),
                Pem.certificates(pki.leafChain()));
    }

    /** {@code revoked.p12}: the revoked leaf's key and chain. */
    static Path revoked(TestPki pki) throws Exception {
        return write(pki.file("revoked.p12"), Pem.privateKey(pki.revokedKey()),
                Pem.certificates(pki.revokedChain()));
    }

    static Path write(Path file, PrivateKey key, List<X509Certificate> chain) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, PASSWORD.toCharArray(),
                chain.toArray(new Certificate[0]));
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
        return file;
    }
}
