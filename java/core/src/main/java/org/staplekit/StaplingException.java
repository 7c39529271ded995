package org.staplekit;

/** A stapling operation failed for a reason the caller can act on; subclasses say which. */
public class StaplingException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An exception with this message (thrown by the native library). */
    public StaplingException(String message) {
        super(message);
    }
}
