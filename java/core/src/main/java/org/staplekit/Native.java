package org.staplekit;

/**
 * Every native method of the library, implemented by the {@code Java_org_staplekit_Native_*}
 * exports of the {@code staplekit-jni} crate ({@code jni/}). Test-only natives are in a separate
 * library, behind {@code org.staplekit.testkit.NativeTesting}. Internal: the public API wraps these calls with
 * lifetime checks ({@link NativeHandle}).
 *
 * <p>Handles are addresses of Rust values; a zero handle is refused with
 * {@link IllegalStateException}. Every method catches Rust panics and throws
 * {@link NativePanicException} instead. Keep the signatures in sync with {@code jni/src}.
 */
final class Native {
    static {
        NativeLibrary.load();
        NativeLog.install();
    }

    private Native() {}

    /**
     * Routes the library's log records to {@link NativeLog}, dropping those more verbose than
     * {@code maxLevel} (0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace).
     */
    static native void loggingInit(int maxLevel);

    /** Every property key the engine reads. */
    static native String[] propertyKeys();

    /**
     * Loads the configuration ({@code keys[i] = values[i]} over the optional file, over the
     * defaults) and starts an engine.
     */
    static native long engineCreate(String[] keys, String[] values, String propertiesFile)
            throws StaplingException;

    /** What the engine's configuration did not take as written. */
    static native String[] engineWarnings(long engine);

    /** Frees an engine. */
    static native void engineFree(long engine);

    /** The ServerHello decision, as the ordinal of a {@link Selection}. */
    static native int engineSelect(long engine, byte[] statusRequest, byte[] statusRequestV2,
            int protocolVersion, boolean resumed, int chainLength)
            throws MalformedStatusRequestException;

    /** What to staple, or null for nothing. */
    static native Staple engineStaple(long engine, long chain, byte[] statusRequest,
            byte[] statusRequestV2, int protocolVersion, boolean resumed)
            throws MalformedStatusRequestException;

    /** The leaf's held response for a registered chain, or null; never fetches nor waits. */
    static native byte[] engineHeldLeafResponse(long engine, long chain);

    /**
     * Registers a chain: its responses are fetched and renewed in the background, and
     * {@code <chainFile>.ors} is read when {@code chainFile} is not null. Returns at once.
     */
    static native void engineRegister(long engine, long chain, String chainFile);

    /** Undoes one {@link #engineRegister} of a chain. */
    static native void engineUnregister(long engine, long chain);

    /** {@code jdk.tls.stapling.responseTimeout} in milliseconds. */
    static native long engineResponseTimeout(long engine);

    /** {@code staplekit.stapling.keyStores}, resolved against the properties file. */
    static native String[] engineKeyStores(long engine);

    /** {@code staplekit.stapling.keyStorePassword}, or null. */
    static native String engineKeyStorePassword(long engine);

    /** The engine's counters and registered certificates. */
    static native EngineStats engineStats(long engine);

    /** Asks every responder of a chain now and reports each certificate. */
    static native CertificateReport[] engineCheck(long engine, long chain, long waitMillis);

    /**
     * Starts a local OCSP responder answering from the engine's held responses on
     * {@code host:port} ({@code host} an IP address literal; port 0 = any free port).
     */
    static native long responderStart(long engine, String host, int port)
            throws java.io.IOException;

    /** The address a responder listens on, as {@code IP:PORT} ({@code [IPv6]:PORT}). */
    static native String responderAddress(long responder);

    /** Stops a responder and frees it. */
    static native void responderFree(long responder);

    /** Parses a DER chain, leaf first. */
    static native long chainParse(long engine, byte[][] certificates) throws InvalidChainException;

    /** Frees a chain. */
    static native void chainFree(long chain);
}
