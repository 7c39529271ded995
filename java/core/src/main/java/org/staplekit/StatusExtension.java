package org.staplekit;

/** The two TLS extensions that ask for certificate status. */
public enum StatusExtension {
    /** {@code status_request} (RFC 6066), type 5. */
    STATUS_REQUEST(5),
    /** {@code status_request_v2} (RFC 6961), type 17. */
    STATUS_REQUEST_V2(17);

    private final int type;

    StatusExtension(int type) {
        this.type = type;
    }

    /** The extension type number. */
    public int type() {
        return type;
    }

    /**
     * The extension with this type number.
     *
     * @throws IllegalArgumentException for any other number
     */
    public static StatusExtension fromType(int type) {
        for (StatusExtension extension : values()) {
            if (extension.type == type) {
                return extension;
            }
        }
        throw new IllegalArgumentException("extension type " + type + " is not a status extension");
    }
}
