package org.staplekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which source wins in the builder, seen through the one thing a bad value leaves behind: the
 * configuration warning, which quotes the value taken.
 */
class StaplingEngineBuilderTest {
    /**
     * A numeric key, so a word is a bad value. The same key as BridgeTest's, because a security
     * property cannot be removed, only set to "", which is itself a bad value: both tests set
     * it before reading it.
     */
    private static final String KEY = "jdk.tls.stapling.cacheLifetime";

    private String oldSecurity;
    private Path file;

    @BeforeEach
    void setUp() throws Exception {
        oldSecurity = Security.getProperty(KEY);
        file = Files.createTempFile("staplekit-builder", ".properties");
        Files.write(file, (KEY + "=fromFile\n").getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() throws Exception {
        System.clearProperty(KEY);
        Security.setProperty(KEY, oldSecurity == null ? "" : oldSecurity);
        Files.delete(file);
    }

    /** The value the engine was given for KEY, read from its warning about it. */
    private static String taken(StaplingEngineBuilder builder) throws StaplingException {
        try (StaplingEngine engine = builder.build()) {
            List<String> warnings = engine.configurationWarnings().stream()
                    .filter(w -> w.startsWith(KEY + " = \"")).collect(Collectors.toList());
            assertEquals(1, warnings.size(), engine.configurationWarnings().toString());
            String warning = warnings.get(0);
            return warning.substring(KEY.length() + 4, warning.indexOf('"', KEY.length() + 4));
        }
    }

    @Test
    void jvmSettingsTakeSystemOverSecurityProperties() throws Exception {
        Security.setProperty(KEY, "fromSecurity");
        assertEquals("fromSecurity", taken(StaplingEngine.builder().jvmSettings()));
        System.setProperty(KEY, "fromSystem");
        assertEquals("fromSystem", taken(StaplingEngine.builder().jvmSettings()));
        try (StaplingEngine defaults = StaplingEngine.builder().build()) {
            assertTrue(defaults.configurationWarnings().isEmpty(),
                    "without jvmSettings() the JVM's properties are not read");
        }
    }

    @Test
    void aPropertiesFileTakesThePlaceOfJavaSecurity() throws Exception {
        Security.setProperty(KEY, "fromSecurity");
        assertEquals("fromFile", taken(StaplingEngine.builder().propertiesFile(file)));
        assertEquals("fromFile",
                taken(StaplingEngine.builder().jvmSettings().propertiesFile(file)));
        System.setProperty(KEY, "fromSystem");
        assertEquals("fromSystem",
                taken(StaplingEngine.builder().propertiesFile(file).jvmSettings()));
    }

    @Test
    void explicitPropertiesWinAndTheLastCallWins() throws Exception {
        System.setProperty(KEY, "fromSystem");
        assertEquals("explicit", taken(StaplingEngine.builder().jvmSettings()
                .propertiesFile(file).property(KEY, "explicit")));
        assertEquals("second", taken(StaplingEngine.builder().property(KEY, "first")
                .properties(Map.of(KEY, "second"))));
        assertThrows(NullPointerException.class,
                () -> StaplingEngine.builder().property(KEY, null));
    }
}
