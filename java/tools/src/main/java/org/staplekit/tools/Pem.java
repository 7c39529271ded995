package org.staplekit.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reads certificates and private keys from PEM files. */
public final class Pem {
    private Pem() {}

    /**
     * Every certificate of a PEM file, in order.
     *
     * @throws IOException if the file cannot be read or holds no certificate
     */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            factory.generateCertificates(in).forEach(c -> out.add((X509Certificate) c));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": not PEM certificates: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": holds no PEM CERTIFICATE block");
        }
        return out;
    }

    /**
     * The first private key of a PEM file: PKCS#8 ({@code PRIVATE KEY}) or traditional
     * ({@code EC PRIVATE KEY}, {@code RSA PRIVATE KEY}), unencrypted.
     *
     * @throws IOException if the file cannot be read or holds no such key
     */
    public static PrivateKey privateKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof PrivateKeyInfo) {
                    return converter.getPrivateKey((PrivateKeyInfo) item);
                }
                if (item instanceof PEMKeyPair) {
                    return converter.getKeyPair((PEMKeyPair) item).getPrivate();
                }
            }
        }
        throw new IOException(file + ": holds no unencrypted PEM private key"
                + " (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)");
    }
}
