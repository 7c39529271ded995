package org.staplekit.bc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Date;
import java.util.Properties;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.staplekit.CertificateChain;
import org.staplekit.JmxRegistration;
import org.staplekit.testkit.Pki;
import org.staplekit.StaplingEngine;
import org.staplekit.StaplingEngineMXBean;
import org.staplekit.tools.Pem;

/**
 * The engine's MXBean in the platform MBeanServer, read the way a JMX client reads it: through
 * the MBeanServer, as open types.
 */
@Timeout(60)
class StaplingEngineMBeanTest {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    private static Pki pki;

    @BeforeAll
    static void startPki() throws Exception {
        pki = Pki.startInProcess();
    }

    @AfterAll
    static void stopPki() throws Exception {
        pki.close();
    }

    private static StaplingEngine engine(String... keyValues) throws Exception {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return StaplingEngine.builder().properties(properties).build();
    }

    @Test
    void attributesAreReadLiveAndTheBeanGoesAwayWithTheEngine() throws Exception {
        ObjectName name;
        try (StaplingEngine engine = engine("jdk.tls.stapling.cacheSise", "5");
                CertificateChain chain = engine.parseChain(pki.leafChain());
                LoopbackServer server = new LoopbackServer(engine, chain,
                        Pem.privateKey(pki.pki().leafKey()))) {
            name = engine.registerMBean("mbean-test").name();
            assertEquals(new ObjectName("org.staplekit:type=StaplingEngine,name=mbean-test"), name);
            ObjectName everyEngine = new ObjectName("org.staplekit:type=StaplingEngine,*");
            assertTrue(SERVER.queryNames(everyEngine, null).contains(name));
            assertTrue(SERVER.isInstanceOf(name, StaplingEngineMXBean.class.getName()));
            assertEquals(0L, SERVER.getAttribute(name, "Hits"));
            assertEquals(0, ((CompositeData[]) SERVER.getAttribute(name, "Certificates")).length);
            String[] warnings = (String[]) SERVER.getAttribute(name, "ConfigurationWarnings");
            assertEquals(1, warnings.length);
            assertTrue(warnings[0].contains("did you mean jdk.tls.stapling.cacheSize"),
                    warnings[0]);

            engine.register(chain, pki.pki().leafChain());
            RegisteredChainTest.awaitGood(engine, 2);
            assertEquals(2, JdkClient.handshake(JdkClient.context(pki.root(), true), server.port(),
                    "TLSv1.3").stapled());

            // Read again, not cached: the handshake shows.
            assertEquals(2L, SERVER.getAttribute(name, "Hits"));
            assertEquals(0L, SERVER.getAttribute(name, "Misses"));
            assertEquals(1L, SERVER.getAttribute(name, "StaplesServed"));
            TabularData fetches = (TabularData) SERVER.getAttribute(name, "Fetches");
            assertEquals(2L, fetches.get(new Object[] {"good"}).get("value"));

            CompositeData[] certificates =
                    (CompositeData[]) SERVER.getAttribute(name, "Certificates");
            assertEquals(2, certificates.length);
            CompositeData leaf = certificates[0];
            assertEquals("CN=staplekit test leaf", leaf.get("subject"));
            assertEquals("good", leaf.get("status"));
            assertEquals("fetched", leaf.get("source"));
            assertEquals(pki.pki().intermediateResponderUrl(), leaf.get("responder"));
            assertTrue(((Date) leaf.get("nextUpdate")).after(new Date()), leaf.toString());
            assertNotNull(leaf.get("nextRefresh"));
            assertNull(leaf.get("lastError"), "absent values are null");
            assertEquals(1L, leaf.get("staplesServed"));
            assertEquals(1L, ((TabularData) leaf.get("fetches")).get(new Object[] {"good"})
                    .get("value"));

            // A typed proxy maps the open data back.
            StaplingEngineMXBean proxy =
                    JMX.newMXBeanProxy(SERVER, name, StaplingEngineMXBean.class);
            assertEquals("CN=staplekit test intermediate CA",
                    proxy.getCertificates().get(1).getSubject());
            assertEquals(2L, proxy.getFetches().get("good"));
        }
        assertFalse(SERVER.isRegistered(name), "close unregisters the bean");
    }

    @Test
    void aNameCanBeRegisteredOnceAndIsQuotedWhenItMustBe() throws Exception {
        ObjectName name;
        try (StaplingEngine first = engine()) {
            name = first.registerMBean("same").name();
            StaplingEngine second = engine();
            ObjectName quoted;
            try {
                IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
                        () -> second.registerMBean("same"));
                assertEquals("an MBean named org.staplekit:type=StaplingEngine,name=same is"
                        + " already registered: give each engine its own name", taken.getMessage());
                assertSame(InstanceAlreadyExistsException.class, taken.getCause().getClass());
                IllegalStateException again = assertThrows(IllegalStateException.class,
                        () -> first.registerMBean("other"));
                assertEquals("this StaplingEngine's MBean is already registered as " + name,
                        again.getMessage());

                quoted = second.registerMBean("CN=leaf, O=x:443").name();
                assertEquals("\"CN=leaf, O=x:443\"", quoted.getKeyProperty("name"));
                assertEquals("CN=leaf, O=x:443", ObjectName.unquote(quoted.getKeyProperty("name")));
                assertTrue(SERVER.isRegistered(quoted));
                assertTrue(SERVER.isRegistered(name));
            } finally {
                second.close();
            }
            assertFalse(SERVER.isRegistered(quoted));
            assertTrue(SERVER.isRegistered(name), "the other engine's bean stays");
            assertThrows(IllegalStateException.class, () -> second.registerMBean("after close"));
        }
        assertFalse(SERVER.isRegistered(name));
    }

    @Test
    void closingTheRegistrationUnregistersAndTheEngineGoesOn() throws Exception {
        ObjectName name;
        try (StaplingEngine engine = engine()) {
            JmxRegistration registration = engine.registerMBean("closable");
            name = registration.name();
            assertTrue(SERVER.isRegistered(name));
            registration.close();
            assertFalse(SERVER.isRegistered(name), "closing the registration unregisters");
            registration.close();
            assertEquals(0L, engine.stats().hits(), "the engine goes on");
            try (JmxRegistration again = engine.registerMBean("closable")) {
                assertEquals(name, again.name());
                assertTrue(SERVER.isRegistered(name), "the name can be registered again");
                // An old registration's close leaves the new one alone.
                registration.close();
                assertTrue(SERVER.isRegistered(name));
            }
            assertFalse(SERVER.isRegistered(name));
            engine.registerMBean("closable");
        }
        assertFalse(SERVER.isRegistered(name), "closing the engine unregisters too");
    }
}
