package org.staplekit;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Test and demo support: the project's generated PKI with OpenSSL's own OCSP responder running
 * for its root and for its intermediate ({@code openssl ocsp -index ... -port ...}), made by the
 * native test kit. Needs {@code openssl} on the PATH.
 *
 * <pre>
 * root ("staplekit test root CA", self-signed)
 * └── intermediate        (AIA -> the root's responder)
 *     ├── leaf             (AIA -> the intermediate's responder)   good
 *     └── revoked leaf     (AIA -> the intermediate's responder)   revoked
 * </pre>
 *
 * <p>Files in {@link #directory()}: certificates {@code *.pem}, PKCS#8 keys {@code *.key}, and
 * chains {@code leaf-chain.pem} and {@code revoked-chain.pem} (certificate, intermediate, root).
 * Closing stops the responders; the files stay.
 */
public final class TestPki implements AutoCloseable {
    private final Path directory;
    private final NativeHandle handle;
    private final String rootResponderUrl;
    private final String intermediateResponderUrl;

    private TestPki(Path directory, long handle) {
        this.directory = directory;
        this.handle = new NativeHandle("TestPki", handle, Native::fixtureStop);
        String[] urls = this.handle.call(Native::fixtureResponderUrls);
        this.rootResponderUrl = urls[0];
        this.intermediateResponderUrl = urls[1];
    }

    /**
     * Generates the PKI into {@code directory} (which must exist) and starts both responders.
     *
     * @throws StaplingException if a file cannot be written or a responder does not start
     */
    public static TestPki start(Path directory) throws StaplingException {
        Objects.requireNonNull(directory, "directory");
        return new TestPki(directory, Native.fixtureStart(directory.toString()));
    }

    /** Where the files are. */
    public Path directory() {
        return directory;
    }

    /** A file of the PKI by name, e.g. {@code root.pem}. */
    public Path file(String name) {
        return directory.resolve(name);
    }

    /** {@code root.pem}: the trust anchor. */
    public Path root() {
        return file("root.pem");
    }

    /** {@code intermediate.pem}. */
    public Path intermediate() {
        return file("intermediate.pem");
    }

    /** {@code leaf.pem}: the good leaf alone. */
    public Path leaf() {
        return file("leaf.pem");
    }

    /** {@code leaf-chain.pem}: good leaf, intermediate, root. */
    public Path leafChain() {
        return file("leaf-chain.pem");
    }

    /** {@code leaf.key}: the good leaf's PKCS#8 key. */
    public Path leafKey() {
        return file("leaf.key");
    }

    /** {@code revoked-chain.pem}: revoked leaf, intermediate, root. */
    public Path revokedChain() {
        return file("revoked-chain.pem");
    }

    /** {@code revoked-leaf.key}: the revoked leaf's PKCS#8 key. */
    public Path revokedKey() {
        return file("revoked-leaf.key");
    }

    /** The root's responder (it answers for the intermediate), {@code http://127.0.0.1:PORT/}. */
    public String rootResponderUrl() {
        return rootResponderUrl;
    }

    /** The intermediate's responder (it answers for the leaves). */
    public String intermediateResponderUrl() {
        return intermediateResponderUrl;
    }

    /** Stops both responders. Idempotent. */
    @Override
    public void close() {
        handle.close();
    }
}
