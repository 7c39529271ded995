package org.staplekit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fixture natives refuse what a fixture of their kind cannot do, on both sides. */
@Timeout(60)
class NativeTestingTest {
    private static Pki pki;

    @BeforeAll
    static void startPki() throws Exception {
        pki = Pki.start();
    }

    @AfterAll
    static void stopPki() throws Exception {
        pki.close();
    }

    @Test
    void fixturesRefuseWhatTheirKindCannotDo() throws Exception {
        IllegalStateException openssl = assertThrows(IllegalStateException.class,
                () -> pki.pki().delayResponses(java.time.Duration.ofSeconds(1)));
        assertEquals("OpenSSL's responders cannot be delayed; use TestPki.startInProcess",
                openssl.getMessage());
        IllegalArgumentException nativeSide = assertThrows(IllegalArgumentException.class,
                () -> pki.pki().withFixture(h -> NativeTesting.fixtureDelay(h, 1)));
        assertEquals("OpenSSL's responders cannot be delayed; start the fixture in process",
                nativeSide.getMessage());
        assertEquals("OpenSSL's responders cannot count requests; use TestPki.startInProcess",
                assertThrows(IllegalStateException.class, () -> pki.pki().requestCount())
                        .getMessage());
        assertEquals("OpenSSL's responders cannot count requests; start the fixture in process",
                assertThrows(IllegalArgumentException.class,
                        () -> pki.pki().withFixture(NativeTesting::fixtureRequestCount))
                        .getMessage());
        assertEquals("OpenSSL's responders cannot change their validity; start the fixture in "
                + "process", assertThrows(IllegalArgumentException.class,
                        () -> pki.pki().withFixture(h -> NativeTesting.fixtureValidity(h, 1)))
                        .getMessage());
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> NativeTesting.fixtureStart(pki.pki().directory().toString(), 7));
        assertEquals("fixture kind 7 is not 0 (OpenSSL) or 1 (in process)", kind.getMessage());
    }
}
