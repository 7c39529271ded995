package org.staplekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import javax.management.MBeanServer;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.staplekit.testkit.Pki;

/**
 * Engines built through the Java API with {@code staplekit.stapling.sharedStore} share responses
 * through a real {@code redis-server} (Debian's package): the store's state in the statistics
 * and the MBean.
 */
@Timeout(60)
class SharedStoreTest {
    private static Pki pki;
    private static List<X509Certificate> chain;
    private static Process redis;
    private static int redisPort;
    private static Path redisDir;

    @BeforeAll
    static void start() throws Exception {
        pki = Pki.start();
        chain = pki.leafChain();
        try (ServerSocket free = new ServerSocket(0)) {
            redisPort = free.getLocalPort();
        }
        redisDir = Files.createTempDirectory("staplekit-redis");
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(redisPort),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
                redisDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(redisDir.resolve("redis.log").toFile())
                .start();
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            try {
                new Socket("127.0.0.1", redisPort).close();
                break;
            } catch (IOException notYet) {
                assertTrue(Instant.now().isBefore(deadline), "redis-server did not start");
                Thread.sleep(50);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (redis != null) {
            redis.destroy();
            redis.waitFor();
        }
        pki.close();
    }

    private static StaplingEngine engine(String... keyValues) throws StaplingException {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return StaplingEngine.builder().properties(properties).build();
    }

    private static CertificateStats leafOnceStapled(StaplingEngine engine) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            CertificateStats leaf = engine.stats().certificates().get(0);
            if (leaf.status().isPresent()) {
                return leaf;
            }
            assertTrue(Instant.now().isBefore(deadline), "no response: " + engine.stats());
            Thread.sleep(50);
        }
    }

    @Test
    void twoEnginesShareOneFetchAndShowTheStoreInStatsAndTheMBean() throws Exception {
        String url = "redis://127.0.0.1:" + redisPort + "/1";
        try (StaplingEngine first = engine("staplekit.stapling.sharedStore", url);
                CertificateChain firstChain = first.parseChain(chain)) {
            first.register(firstChain);
            assertEquals(ResponseSource.FETCHED, leafOnceStapled(first).source().get());
            SharedStoreStats firstStore = first.stats().sharedStore().get();
            assertTrue(firstStore.connected(), firstStore.toString());
            assertEquals("redis://127.0.0.1:" + redisPort + "/1", firstStore.url());
            assertTrue(firstStore.leasesHeld() >= 1, firstStore.toString());

            try (StaplingEngine second = engine("staplekit.stapling.sharedStore", url);
                    CertificateChain secondChain = second.parseChain(chain);
                    JmxRegistration registration = second.registerMBean("shared-store-test")) {
                second.register(secondChain);
                CertificateStats leaf = leafOnceStapled(second);
                assertEquals(ResponseSource.SHARED_STORE, leaf.source().get(), leaf.toString());
                assertTrue(leaf.fetches().isEmpty(), "the second engine asked nobody: " + leaf);
                SharedStoreStats store = second.stats().sharedStore().get();
                assertTrue(store.reads() >= 1, store.toString());
                assertEquals(0, store.leasesHeld(), store.toString());
                assertEquals(0, store.refusals(), store.toString());

                MBeanServer server = ManagementFactory.getPlatformMBeanServer();
                assertEquals(store.url(),
                        server.getAttribute(registration.name(), "SharedStoreUrl"));
                assertEquals(true,
                        server.getAttribute(registration.name(), "SharedStoreConnected"));
                TabularData counts = (TabularData) server.getAttribute(registration.name(),
                        "SharedStore");
                assertEquals(0L, counts.get(new Object[] {"refusals"}).get("value"));
                assertTrue((Long) counts.get(new Object[] {"reads"}).get("value") >= 1,
                        counts.toString());
            }
        }
    }

    @Test
    void anEngineWithoutAStoreShowsNone() throws Exception {
        try (StaplingEngine engine = engine();
                JmxRegistration registration = engine.registerMBean("no-shared-store-test")) {
            assertFalse(engine.stats().sharedStore().isPresent());
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            assertNull(server.getAttribute(registration.name(), "SharedStoreUrl"));
            assertEquals(false, server.getAttribute(registration.name(), "SharedStoreConnected"));
        }
    }
}
