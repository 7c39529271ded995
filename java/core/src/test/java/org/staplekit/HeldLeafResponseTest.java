package org.staplekit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.staplekit.testkit.Pki;

/** {@link StaplingEngine#heldLeafResponse}: what a handshake would staple, never fetched. */
@Timeout(60)
class HeldLeafResponseTest {

    private static byte[] waitUntilHeld(StaplingEngine engine, CertificateChain chain)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            Optional<byte[]> held = engine.heldLeafResponse(chain);
            if (held.isPresent()) {
                return held.get();
            }
            assertTrue(Instant.now().isBefore(deadline), "nothing held: " + engine.stats());
            Thread.sleep(20);
        }
    }

    @Test
    void aRegisteredChainGetsTheLeafsResponseAndNothingOnceUnregistered() throws Exception {
        try (Pki pki = Pki.start();
                StaplingEngine engine = StaplingEngine.builder().build();
                CertificateChain chain = engine.parseChain(pki.leafChain())) {
            assertEquals(Optional.empty(), engine.heldLeafResponse(chain), "not registered");
            assertTrue(engine.stats().fetches().isEmpty(), "nothing fetched: " + engine.stats());

            engine.register(chain);
            byte[] held = waitUntilHeld(engine, chain);
            Staple staple = engine.staple(new ClientStatusRequest(Pki.JDK_STATUS_REQUEST, null,
                    TlsVersion.TLS_1_2, false), chain).orElseThrow();
            assertArrayEquals(staple.ocspResponses().get(0), held, "what a handshake staples");

            long served = engine.stats().staplesServed();
            engine.heldLeafResponse(chain).orElseThrow()[0] = 0;
            assertEquals(served + 1, engine.stats().staplesServed());
            assertArrayEquals(held, engine.heldLeafResponse(chain).orElseThrow(),
                    "each call gets its own array");

            engine.unregister(chain);
            assertEquals(Optional.empty(), engine.heldLeafResponse(chain));
        }
    }

    @Test
    void aClosedChainIsAnError() throws Exception {
        try (Pki pki = Pki.start(); StaplingEngine engine = StaplingEngine.builder().build()) {
            CertificateChain chain = engine.parseChain(pki.leafChain());
            chain.close();
            assertThrows(IllegalStateException.class, () -> engine.heldLeafResponse(chain));
        }
    }
}
