package org.staplekit.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.staplekit.ConfigurationException;

/**
 * The certificate chains a server sends, read from a key store the way JSSE's key managers read
 * it: one chain per private key entry, leaf first.
 */
final class KeyStoreChains {
    private KeyStoreChains() {}

    /**
     * Every private key entry's chain in the key store at {@code path}. {@code type} null: told
     * from the content (PKCS12 or JKS). {@code password} null: read without checking integrity.
     *
     * @throws ConfigurationException naming the file and what is wrong with it
     */
    static List<List<X509Certificate>> read(Path path, String type, char[] password)
            throws ConfigurationException {
        KeyStore store = load(path, type, password);
        List<List<X509Certificate>> chains = new ArrayList<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Certificate[] chain = store.getCertificateChain(alias);
                if (chain == null || chain.length == 0) {
                    continue;
                }
                List<X509Certificate> certificates = new ArrayList<>();
                for (Certificate certificate : chain) {
                    if (!(certificate instanceof X509Certificate)) {
                        throw new ConfigurationException("key store " + path + ": entry \"" + alias
                                + "\" holds a " + certificate.getType() + " certificate, not X.509");
                    }
                    certificates.add((X509Certificate) certificate);
                }
                chains.add(certificates);
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("key store " + path + " cannot be read: " + e);
        }
        if (chains.isEmpty()) {
            throw new ConfigurationException("key store " + path
                    + " holds no private key entry with a certificate chain");
        }
        return chains;
    }

    private static KeyStore load(Path path, String type, char[] password)
            throws ConfigurationException {
        if (!Files.isRegularFile(path)) {
            throw new ConfigurationException("key store " + path + " does not exist");
        }
        try {
            if (type == null) {
                // Probes the content: PKCS12 and JKS are told apart without being named.
                return KeyStore.getInstance(path.toFile(), password);
            }
            KeyStore store = KeyStore.getInstance(type);
            try (InputStream in = Files.newInputStream(path)) {
                store.load(in, password);
            }
            return store;
        } catch (IOException e) {
            // A wrong password shows as an IOException whose cause is UnrecoverableKeyException.
            String why = e.getCause() instanceof java.security.UnrecoverableKeyException
                    ? "wrong password (" + e.getMessage() + ")" : e.toString();
            throw new ConfigurationException("key store " + path + " cannot be read: " + why);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("key store " + path + " (type "
                    + (type == null ? "from its content" : type) + ") cannot be read: " + e);
        }
    }
}
