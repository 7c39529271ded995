package org.staplekit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.staplekit.testkit.NativeTesting;
import org.staplekit.testkit.Pki;

/**
 * The JNI bridge: each error reaches Java as its exception, a panic as an exception, handles
 * live and die as documented, and concurrent calls agree.
 */
@Timeout(60)
class BridgeTest {
    private static Pki pki;
    private static List<X509Certificate> chain;

    @BeforeAll
    static void startPki() throws Exception {
        pki = Pki.start();
        chain = pki.leafChain();
    }

    @AfterAll
    static void stopPki() throws Exception {
        pki.close();
    }

    private static StaplingEngine engine(String... keyValues) throws StaplingException {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return StaplingEngine.builder().properties(properties).build();
    }

    private static ClientStatusRequest hello(byte[] v1, byte[] v2, TlsVersion version) {
        return new ClientStatusRequest(v1, v2, version, false);
    }

    @Test
    void malformedExtensionDataIsAMalformedStatusRequestException() throws Exception {
        try (StaplingEngine engine = engine()) {
            MalformedStatusRequestException e = assertThrows(MalformedStatusRequestException.class,
                    () -> engine.select(hello(new byte[] {1, 0}, null, TlsVersion.TLS_1_2), 3));
            assertTrue(e.getMessage().startsWith("status_request: truncated at byte 1"),
                    e.getMessage());
            assertThrows(MalformedStatusRequestException.class, () -> engine.select(
                    hello(Pki.JDK_STATUS_REQUEST, new byte[] {0, 9}, TlsVersion.TLS_1_2), 3));
            try (CertificateChain parsed = engine.parseChain(chain)) {
                assertThrows(MalformedStatusRequestException.class, () -> engine.staple(
                        hello(new byte[] {1, 0, 0, 0}, null, TlsVersion.TLS_1_3), parsed));
            }
        }
    }

    @Test
    void aBadChainIsAnInvalidChainException() throws Exception {
        try (StaplingEngine engine = engine()) {
            InvalidChainException empty = assertThrows(InvalidChainException.class,
                    () -> engine.parseChain(Collections.emptyList()));
            assertEquals("the certificate chain is empty", empty.getMessage());
            InvalidChainException garbage = assertThrows(InvalidChainException.class,
                    () -> engine.handle().call(
                            h -> Native.chainParse(h, new byte[][] {{0x30, 0x03, 1, 2, 3}})));
            assertTrue(garbage.getMessage().startsWith("certificate 0 of the chain is not valid"),
                    garbage.getMessage());
        }
    }

    @Test
    void aBadConfigurationIsAConfigurationException() throws Exception {
        ConfigurationException flag = assertThrows(ConfigurationException.class,
                () -> engine("jdk.tls.server.enableStatusRequestExtension", "maybe"));
        assertTrue(flag.getMessage().contains("jdk.tls.server.enableStatusRequestExtension"),
                flag.getMessage());
        Path missing = Files.createTempDirectory("staplekit-missing").resolve("none.pem");
        ConfigurationException issuers = assertThrows(ConfigurationException.class,
                () -> engine("staplekit.stapling.issuers", missing.toString()));
        assertTrue(issuers.getMessage().contains("none.pem"), issuers.getMessage());
        assertThrows(ConfigurationException.class,
                () -> StaplingEngine.builder().propertiesFile(missing).build());
        Files.delete(missing.getParent());
    }

    @Test
    void badValuesAreReplacedAndReported() throws Exception {
        try (StaplingEngine engine = engine("jdk.tls.stapling.cacheSize", "abc",
                "jdk.tls.stapling.cacheSise", "5")) {
            List<String> warnings = engine.configurationWarnings();
            assertEquals(2, warnings.size(), warnings.toString());
            assertTrue(warnings.stream().anyMatch(w -> w.contains("did you mean "
                    + "jdk.tls.stapling.cacheSize")), warnings.toString());
            assertTrue(warnings.stream().anyMatch(w -> w.startsWith(
                    "jdk.tls.stapling.cacheSize = \"abc\"")), warnings.toString());
        }
    }

    @Test
    void nullArgumentsAreNullPointerExceptions() throws Exception {
        try (StaplingEngine engine = engine()) {
            NullPointerException array = assertThrows(NullPointerException.class,
                    () -> engine.handle().call(h -> Native.chainParse(h, null)));
            assertEquals("certificates must not be null", array.getMessage());
            NullPointerException element = assertThrows(NullPointerException.class,
                    () -> engine.handle().call(h -> Native.chainParse(h,
                            new byte[][] {chain.get(0).getEncoded(), null})));
            assertEquals("certificates[1] must not be null", element.getMessage());
            assertThrows(NullPointerException.class,
                    () -> Native.engineCreate(null, new String[0], null));
            assertThrows(NullPointerException.class, () -> NativeTesting.fixtureStart(null, 0));
            assertThrows(NullPointerException.class, () -> engine.staple(null, null));
        }
    }

    @Test
    void argumentsJavaAllowsButTheEngineCannotUseAreIllegalArgumentExceptions() throws Exception {
        try (StaplingEngine engine = engine()) {
            IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                    () -> engine.select(hello(Pki.JDK_STATUS_REQUEST, null, TlsVersion.TLS_1_2),
                            -1));
            assertEquals("chainLength must not be negative: -1", negative.getMessage());
            IllegalArgumentException ssl3 = assertThrows(IllegalArgumentException.class,
                    () -> engine.handle().call(h -> Native.engineSelect(h, null, null, 0x0300,
                            false, 3)));
            assertEquals("protocol version 0x0300 is not TLS 1.0 to 1.3", ssl3.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> Native.engineCreate(new String[] {"a"}, new String[0], null));
        }
    }

    @Test
    void aPanicReachesJavaAsAnExceptionAndTheJvmGoesOn() throws Exception {
        NativePanicException e = assertThrows(NativePanicException.class,
                () -> NativeTesting.testingPanic("deliberate: 42"));
        assertEquals("panic in staplekit native code: deliberate: 42", e.getMessage());
        assertThrows(NativePanicException.class, () -> NativeTesting.testingPanic(null));
        try (StaplingEngine engine = engine()) {
            assertEquals(Selection.STATUS_REQUEST, engine.select(
                    hello(Pki.JDK_STATUS_REQUEST, null, TlsVersion.TLS_1_2), 3));
        }
    }

    @Test
    void closeIsIdempotentAndCallsAfterCloseThrow() throws Exception {
        StaplingEngine engine = engine();
        CertificateChain parsed = engine.parseChain(chain);
        ClientStatusRequest request = hello(Pki.JDK_STATUS_REQUEST, null, TlsVersion.TLS_1_2);
        engine.close();
        assertTrue(engine.isClosed());
        engine.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> engine.select(request, 3));
        assertEquals("this StaplingEngine is closed", closed.getMessage());
        assertThrows(IllegalStateException.class, () -> engine.staple(request, parsed));
        assertThrows(IllegalStateException.class, () -> engine.parseChain(chain));
        assertThrows(IllegalStateException.class, () -> engine.register(parsed));
        assertThrows(IllegalStateException.class, () -> engine.unregister(parsed));
        assertThrows(IllegalStateException.class, engine::stats);
        assertThrows(IllegalStateException.class, () -> engine.registerMBean("closed"));

        assertFalse(parsed.isClosed(), "a chain outlives the engine that parsed it");
        try (StaplingEngine other = engine("jdk.tls.stapling.responseTimeout", "0")) {
            other.register(parsed);
            parsed.close();
            parsed.close();
            IllegalStateException chainClosed = assertThrows(IllegalStateException.class,
                    () -> other.staple(request, parsed));
            assertEquals("this CertificateChain is closed", chainClosed.getMessage());
            assertThrows(IllegalStateException.class, () -> other.unregister(parsed));
            assertEquals(2, other.stats().certificates().size(),
                    "closing a chain does not unregister it");
        }
    }

    @Test
    void theNativeSideRefusesAZeroHandle() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Native.engineSelect(0, null, null, 0x0303, false, 3));
        assertEquals("this StaplingEngine is closed", e.getMessage());
        try (StaplingEngine engine = engine()) {
            IllegalStateException chain = assertThrows(IllegalStateException.class,
                    () -> engine.handle().call(h -> Native.engineStaple(h, 0, null, null, 0x0303,
                            false)));
            assertEquals("this CertificateChain is closed", chain.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> NativeTesting.fixtureResponderUrls(0));
        assertThrows(IllegalStateException.class, () -> NativeTesting.fixtureDelay(0, 1));
        assertEquals("this StaplingEngine is closed",
                assertThrows(IllegalStateException.class, () -> Native.engineStats(0)).getMessage());
        assertThrows(IllegalStateException.class, () -> Native.engineRegister(0, 0, null));
        Native.engineFree(0);
        Native.chainFree(0);
    }

    @Test
    void selectionsMatchTheJdkRules() throws Exception {
        try (StaplingEngine engine = engine(); StaplingEngine off = engine(
                "jdk.tls.server.enableStatusRequestExtension", "false")) {
            byte[] v1 = Pki.JDK_STATUS_REQUEST;
            byte[] v2 = Pki.JDK_STATUS_REQUEST_V2;
            assertEquals(Selection.STATUS_REQUEST, engine.select(hello(v1, null, TlsVersion.TLS_1_2), 3));
            assertEquals(Selection.STATUS_REQUEST_V2_OCSP_MULTI,
                    engine.select(hello(v1, v2, TlsVersion.TLS_1_2), 3));
            assertEquals(Selection.STATUS_REQUEST_V2_OCSP,
                    engine.select(hello(v1, Pki.STATUS_REQUEST_V2_OCSP, TlsVersion.TLS_1_2), 3));
            assertEquals(Selection.TLS13_PER_CERTIFICATE,
                    engine.select(hello(v1, v2, TlsVersion.TLS_1_3), 3));
            assertEquals(Selection.NONE, engine.select(hello(v1, v2, TlsVersion.TLS_1_2), 1));
            assertEquals(Selection.NONE,
                    engine.select(new ClientStatusRequest(v1, v2, TlsVersion.TLS_1_2, true), 3));
            assertEquals(Selection.NONE, off.select(hello(v1, v2, TlsVersion.TLS_1_2), 3));
            assertEquals(Selection.NONE, engine.select(hello(null, null, TlsVersion.TLS_1_2), 3));
        }
    }

    @Test
    void jvmSettingsPreferSystemPropertiesOverSecurityProperties() throws Exception {
        String key = "jdk.tls.stapling.cacheLifetime";
        String oldSecurity = java.security.Security.getProperty(key);
        try {
            java.security.Security.setProperty(key, "77");
            assertEquals("77", StaplingEngine.jvmSettings().get(key));
            System.setProperty(key, "88");
            assertEquals("88", StaplingEngine.jvmSettings().get(key));
            try (StaplingEngine engine = StaplingEngine.builder().jvmSettings().build()) {
                assertTrue(engine.configurationWarnings().isEmpty());
            }
        } finally {
            System.clearProperty(key);
            java.security.Security.setProperty(key, oldSecurity == null ? "" : oldSecurity);
        }
        assertTrue(StaplingEngine.propertyKeys().contains("staplekit.stapling.issuers"));
    }

    @Test
    void theNativeLibraryForThisPlatformIsInTheJar() {
        assertNotNull(NativeLibrary.class.getResource(NativeLibrary.resourcePath()),
                NativeLibrary.resourcePath());
        String origin = NativeLibrary.origin();
        assertTrue(origin.equals("java.library.path") || origin.equals("jar:"
                + NativeLibrary.resourcePath()), origin);
    }

    @Test
    void concurrentCallsFromManyThreadsAgree() throws Exception {
        try (StaplingEngine engine = engine(); CertificateChain parsed = engine.parseChain(chain)) {
            ClientStatusRequest multi = hello(Pki.JDK_STATUS_REQUEST, Pki.JDK_STATUS_REQUEST_V2,
                    TlsVersion.TLS_1_2);
            byte[] expected = engine.staple(multi, parsed).orElseThrow().certificateStatus()
                    .orElseThrow();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Callable<byte[]>> calls = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    calls.add(() -> engine.staple(multi, parsed).orElseThrow()
                            .certificateStatus().orElseThrow());
                }
                for (Future<byte[]> result : pool.invokeAll(calls, 30, TimeUnit.SECONDS)) {
                    assertArrayEquals(expected, result.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void closeRacingCallsNeitherCrashesNorFreesUnderACall() throws Exception {
        for (int round = 0; round < 20; round++) {
            StaplingEngine engine = engine();
            ClientStatusRequest request = hello(Pki.JDK_STATUS_REQUEST, Pki.JDK_STATUS_REQUEST_V2,
                    TlsVersion.TLS_1_2);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch started = new CountDownLatch(8);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    started.countDown();
                    int ok = 0;
                    while (true) {
                        try {
                            assertEquals(Selection.STATUS_REQUEST_V2_OCSP_MULTI,
                                    engine.select(request, 3));
                            ok++;
                        } catch (IllegalStateException closed) {
                            return ok;
                        }
                    }
                }));
            }
            started.await();
            engine.close();
            for (Future<Integer> result : results) {
                result.get(10, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
