package org.staplekit;

/** A certificate chain could not be parsed (empty, or a certificate that is not DER X.509). */
public final class InvalidChainException extends StaplingException {
    private static final long serialVersionUID = 1L;

    /** An exception with this message (thrown by the native library). */
    public InvalidChainException(String message) {
        super(message);
    }
}
