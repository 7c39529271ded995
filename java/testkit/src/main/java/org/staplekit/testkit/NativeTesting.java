package org.staplekit.testkit;

import org.staplekit.NativeLibrary;
import org.staplekit.StaplingException;

/**
 * The test-only natives, implemented by {@code libstaplekit_testing} (crate
 * {@code staplekit-jni-testing}, {@code jni/testing/}), which this jar packs the way the core jar
 * packs {@code libstaplekit}. Never part of the shipped library. Keep the signatures in sync with
 * {@code jni/testing/src}.
 */
public final class NativeTesting {
    /** {@link #fixtureStart} kind: OpenSSL's responders, one per CA. */
    public static final int KIND_OPENSSL = 0;
    /** {@link #fixtureStart} kind: the project's own responder, in process, for both CAs. */
    public static final int KIND_IN_PROCESS = 1;

    static {
        // The testing library throws the core's exception classes: load the core's first, so a
        // failure to find either says which.
        NativeLibrary.load();
        NativeLibrary.load("staplekit_testing", NativeTesting.class);
    }

    private NativeTesting() {}

    /**
     * Panics in Rust, to prove that a panic reaches Java as
     * {@link org.staplekit.NativePanicException} ({@code message} may be null).
     */
    public static native void testingPanic(String message);

    /**
     * Writes the test PKI into an existing directory and starts its OCSP responders:
     * {@link #KIND_OPENSSL} or {@link #KIND_IN_PROCESS}. Returns the fixture's handle.
     *
     * @throws StaplingException if a file cannot be written or a responder does not start
     */
    public static native long fixtureStart(String directory, int kind) throws StaplingException;

    /** Delays every answer of an in-process fixture's responder by {@code millis} (0: none). */
    public static native void fixtureDelay(long fixture, long millis);

    /** Requests an in-process fixture's responder has received since it started. */
    public static native long fixtureRequestCount(long fixture);

    /** Sets an in-process fixture's answers' validity (nextUpdate - thisUpdate; 0: none). */
    public static native void fixtureValidity(long fixture, long millis);

    /** The root's and the intermediate's responder URLs. */
    public static native String[] fixtureResponderUrls(long fixture);

    /** Stops a fixture's responders and frees it (a zero handle is ignored). */
    public static native void fixtureStop(long fixture);

    /**
     * A table of codes or names Rust shares with Java, as Rust has it: entries {@code NAME=code}
     * in order. Tables: {@code selection}, {@code outcome}, {@code fixtureKind},
     * {@code tlsVersion}, {@code responseSource}, {@code status}.
     *
     * @throws IllegalArgumentException for another table name
     */
    public static native String[] rustCodes(String table);
}
