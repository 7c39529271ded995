package org.staplekit;

/**
 * The client's {@code status_request} or {@code status_request_v2} extension data is malformed.
 * A TLS server answers with a fatal {@code decode_error} alert, as the JDK does. The message
 * names the structure, the byte offset and what was wrong.
 */
public final class MalformedStatusRequestException extends StaplingException {
    private static final long serialVersionUID = 1L;

    /** An exception with this message (thrown by the native library). */
    public MalformedStatusRequestException(String message) {
        super(message);
    }
}
