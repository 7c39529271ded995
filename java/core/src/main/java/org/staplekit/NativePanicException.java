package org.staplekit;

/**
 * The native library panicked: a bug in staplekit. The panic was caught at the JNI boundary, so
 * the JVM goes on; the call that panicked had no effect beyond what it logged.
 */
public final class NativePanicException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with this message (thrown by the native library). */
    public NativePanicException(String message) {
        super(message);
    }
}
