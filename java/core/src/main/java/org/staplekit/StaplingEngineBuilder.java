package org.staplekit;

import java.nio.file.Path;
import java.security.Security;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Configures and starts a {@link StaplingEngine} ({@link StaplingEngine#builder()}). Each
 * property the engine reads takes the first value found in:
 *
 * <ol>
 *   <li>{@link #property} and {@link #properties} (a later call wins over an earlier one);
 *   <li>with {@link #jvmSettings()}: the system property ({@code -Dkey=value});
 *   <li>the {@link #propertiesFile} if given, else, with {@link #jvmSettings()}, the security
 *       property ({@code java.security}): a properties file takes the place of
 *       {@code java.security};
 *   <li>the default.
 * </ol>
 *
 * <p>So {@code builder().jvmSettings().build()} is configured as the JVM's own stapling is, and
 * {@code builder().build()} uses the defaults. Not thread-safe; reusable.
 */
public final class StaplingEngineBuilder {
    private final Map<String, String> properties = new LinkedHashMap<>();
    private Path propertiesFile;
    private boolean jvmSettings;

    StaplingEngineBuilder() {}

    /**
     * Reads properties from {@code file}, in {@code java.security} format, under the system
     * properties and those set here, in place of {@code java.security}.
     */
    public StaplingEngineBuilder propertiesFile(Path file) {
        this.propertiesFile = Objects.requireNonNull(file, "file");
        return this;
    }

    /**
     * Reads each property the engine knows from the system properties ({@code -D}), and, unless
     * a {@link #propertiesFile} is given, from the security properties ({@code java.security}).
     */
    public StaplingEngineBuilder jvmSettings() {
        this.jvmSettings = true;
        return this;
    }

    /** Sets one property, over every other source. */
    public StaplingEngineBuilder property(String key, String value) {
        properties.put(Objects.requireNonNull(key, "key"),
                Objects.requireNonNull(value, () -> "value of " + key));
        return this;
    }

    /** Sets every property of {@code values} (see {@link #property}). */
    public StaplingEngineBuilder properties(Map<String, String> values) {
        values.forEach(this::property);
        return this;
    }

    /** Sets every property of {@code values}, defaults included (see {@link #property}). */
    public StaplingEngineBuilder properties(Properties values) {
        for (String key : values.stringPropertyNames()) {
            property(key, values.getProperty(key));
        }
        return this;
    }

    /**
     * Starts the engine.
     *
     * @throws ConfigurationException if the file cannot be read, an
     *     {@code enableStatusRequestExtension} flag is neither true nor false, or the issuers file
     *     cannot be read
     * @throws StaplingException if the engine cannot start (HTTP client, threads)
     */
    public StaplingEngine build() throws StaplingException {
        Map<String, String> merged = new LinkedHashMap<>();
        if (jvmSettings) {
            merged.putAll(jvmSettings(propertiesFile == null));
        }
        merged.putAll(properties);
        String[] keys = merged.keySet().toArray(new String[0]);
        String[] values = merged.values().toArray(new String[0]);
        String file = propertiesFile == null ? null : propertiesFile.toString();
        return new StaplingEngine(Native.engineCreate(keys, values, file));
    }

    /**
     * The JVM's value of every property the engine reads: the system property, else (if
     * {@code securityProperties}) the security property. Unset properties are left out.
     */
    static Map<String, String> jvmSettings(boolean securityProperties) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : Native.propertyKeys()) {
            String value = System.getProperty(key);
            if (value == null && securityProperties) {
                value = Security.getProperty(key);
            }
            if (value != null) {
                settings.put(key, value);
            }
        }
        return settings;
    }
}
