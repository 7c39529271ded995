package org.staplekit;

/**
 * The configuration cannot be used: an unreadable properties file, an
 * {@code enableStatusRequestExtension} flag that is neither {@code true} nor {@code false} (the
 * JDK refuses those too), or an unreadable {@code staplekit.stapling.issuers} file. Other bad
 * values are replaced and reported by {@link StaplingEngine#configurationWarnings()}.
 */
public final class ConfigurationException extends StaplingException {
    private static final long serialVersionUID = 1L;

    /** An exception with this message (thrown by the native library). */
    public ConfigurationException(String message) {
        super(message);
    }
}
