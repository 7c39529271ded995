package org.staplekit.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.staplekit.StaplingException;

/**
 * Test and demo support: the project's generated PKI with OCSP responders running for its root
 * and for its intermediate, made by the native test kit. {@link #start} runs OpenSSL's own
 * responder for each CA ({@code openssl ocsp -index ... -port ...}; needs {@code openssl} on the
 * PATH); {@link #startInProcess} runs the project's own responder for both, in this process,
 * whose answers can be delayed ({@link #delayResponses}).
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
 * Closing stops the responders; the files stay. Calls and {@link #close} are serialized, so the
 * fixture is never freed under a running call.
 */
public final class TestPki implements AutoCloseable {
    private final Path directory;
    private final boolean inProcess;
    private final String rootResponderUrl;
    private final String intermediateResponderUrl;
    /** The native fixture; 0 once closed. Guarded by {@code this}. */
    private long fixture;

    private TestPki(Path directory, boolean inProcess, long fixture) {
        this.directory = directory;
        this.inProcess = inProcess;
        this.fixture = fixture;
        String[] urls = NativeTesting.fixtureResponderUrls(fixture);
        this.rootResponderUrl = urls[0];
        this.intermediateResponderUrl = urls[1];
    }

    /**
     * Generates the PKI into {@code directory} (which must exist) and starts OpenSSL's
     * responders for the root and the intermediate.
     *
     * @throws StaplingException if a file cannot be written or a responder does not start
     */
    public static TestPki start(Path directory) throws StaplingException {
        Objects.requireNonNull(directory, "directory");
        return new TestPki(directory, false, NativeTesting.fixtureStart(directory.toString(),
                NativeTesting.KIND_OPENSSL));
    }

    /**
     * Generates the PKI into {@code directory} (which must exist) and starts the project's own
     * responder, in this process, answering for both CAs (so both responder URLs are the same).
     *
     * @throws StaplingException if a file cannot be written or the responder does not start
     */
    public static TestPki startInProcess(Path directory) throws StaplingException {
        Objects.requireNonNull(directory, "directory");
        return new TestPki(directory, true,
                NativeTesting.fixtureStart(directory.toString(),
                        NativeTesting.KIND_IN_PROCESS));
    }

    /**
     * From now on the responder waits {@code delay} before each answer (zero: answers at once
     * again); closing cuts waits short.
     *
     * @throws IllegalStateException if the responders are OpenSSL's ({@link #start})
     */
    public void delayResponses(Duration delay) {
        if (!inProcess) {
            throw new IllegalStateException(
                    "OpenSSL's responders cannot be delayed; use TestPki.startInProcess");
        }
        long millis = delay.toMillis();
        withFixture(fixture -> NativeTesting.fixtureDelay(fixture, millis));
    }

    /**
     * How many requests the responder has received since it started, each counted once read in
     * full, whatever it asked.
     *
     * @throws IllegalStateException if the responders are OpenSSL's ({@link #start})
     */
    public long requestCount() {
        requireInProcess("count requests");
        long[] count = new long[1];
        withFixture(fixture -> count[0] = NativeTesting.fixtureRequestCount(fixture));
        return count[0];
    }

    /**
     * From now on the responder's answers are valid for {@code validity} (nextUpdate after
     * thisUpdate); zero: no nextUpdate.
     *
     * @throws IllegalStateException if the responders are OpenSSL's ({@link #start})
     */
    public void setValidity(Duration validity) {
        requireInProcess("change their validity");
        long millis = validity.toMillis();
        withFixture(fixture -> NativeTesting.fixtureValidity(fixture, millis));
    }

    private void requireInProcess(String what) {
        if (!inProcess) {
            throw new IllegalStateException(
                    "OpenSSL's responders cannot " + what + "; use TestPki.startInProcess");
        }
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

    /**
     * Runs {@code call} with the live native fixture, for tests of the natives themselves.
     *
     * @throws IllegalStateException if closed
     */
    synchronized void withFixture(LongConsumer call) {
        if (fixture == 0) {
            throw new IllegalStateException("this TestPki is closed");
        }
        call.accept(fixture);
    }

    /** Stops the responders. Idempotent. */
    @Override
    public synchronized void close() {
        long stopping = fixture;
        fixture = 0;
        NativeTesting.fixtureStop(stopping);
    }
}
