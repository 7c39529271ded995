package org.staplekit.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.staplekit.ConfigurationException;
import org.staplekit.testkit.Pki;

/**
 * The embedding API's pieces in this JVM: key stores read as JSSE reads them, clear errors for
 * bad ones, and the JDK cache lifetime it leaves. (Serving is tested in child JVMs.)
 */
@Timeout(60)
class JdkStaplingTest {
    private static Pki pki;
    private static Path good;

    @BeforeAll
    static void start() throws Exception {
        pki = Pki.startInProcess();
        good = KeyStores.good(pki.pki());
    }

    @AfterAll
    static void stop() throws Exception {
        pki.close();
    }

    @Test
    void aKeyStoreGivesEachPrivateKeyEntrysChainLeafFirst() throws Exception {
        for (String type : new String[] {"PKCS12", null}) {
            List<List<X509Certificate>> chains =
                    KeyStoreChains.read(good, type, KeyStores.PASSWORD.toCharArray());
            assertEquals(1, chains.size());
            assertEquals(pki.leafChain(), chains.get(0));
        }
    }

    @Test
    void badKeyStoresAreNamedWithWhatIsWrong(@TempDir Path directory) throws Exception {
        Path missing = directory.resolve("missing.p12");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> KeyStoreChains.read(missing, "PKCS12", null));
        assertEquals("key store " + missing + " does not exist", e.getMessage());

        e = assertThrows(ConfigurationException.class,
                () -> KeyStoreChains.read(good, "PKCS12", "wrong".toCharArray()));
        assertTrue(e.getMessage().startsWith("key store " + good + " cannot be read: "),
                e.getMessage());

        Path garbage = Files.writeString(directory.resolve("garbage.p12"), "not a key store");
        e = assertThrows(ConfigurationException.class,
                () -> KeyStoreChains.read(garbage, null, null));
        assertTrue(e.getMessage().startsWith("key store " + garbage), e.getMessage());
    }

    @Test
    void withoutAChainNothingStarts() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> JdkStapling.builder().start());
        assertTrue(e.getMessage().startsWith("no certificate chain to staple"), e.getMessage());
    }

    @Test
    void withStaplingTurnedOffTheAgentDoesNothing() {
        System.setProperty(JdkStapling.ENABLE, "False");
        try {
            StaplingAgent.start(null);
            assertNull(StaplingAgent.running());
            assertNull(System.getProperty(JdkStapling.RESPONDER_URI));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> JdkStapling.builder().chain(List.of()).start());
            assertEquals(JdkStapling.ENABLE + "=false: stapling is off", e.getMessage());
        } finally {
            System.clearProperty(JdkStapling.ENABLE);
        }
    }

    @Test
    void theJdkKeepsAnAnswerAtMost30Seconds() {
        assertEquals(30, JdkStapling.jdkCacheLifetime(null));
        assertEquals(30, JdkStapling.jdkCacheLifetime("3600"));
        assertEquals(30, JdkStapling.jdkCacheLifetime("0"), "0 is no limit to the JDK");
        assertEquals(30, JdkStapling.jdkCacheLifetime("-1"));
        assertEquals(30, JdkStapling.jdkCacheLifetime("abc"));
        assertEquals(5, JdkStapling.jdkCacheLifetime("5"));
        assertEquals(16, JdkStapling.jdkCacheLifetime("0x10"));
    }
}
