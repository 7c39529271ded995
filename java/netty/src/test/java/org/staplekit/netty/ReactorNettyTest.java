package org.staplekit.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.staplekit.StaplingEngine;
import org.staplekit.testkit.Pki;
import org.staplekit.tools.CommandPeers;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** The README's Reactor Netty code: {@code HttpServer.secure(spec -> spec.sslContext(...))}. */
@Timeout(90)
class ReactorNettyTest {
    static {
        LeakRecorder.install();
    }

    @AfterAll
    static void nothingLeaked() throws Exception {
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void aReactorNettyServerStaplesForCurl() throws Exception {
        try (Pki pki = Pki.start(); StaplingEngine engine = StaplingEngine.builder().build()) {
            Path chainPem = pki.pki().leafChain();
            Path keyPem = pki.pki().leafKey();
            SslContextBuilder builder = SslContextBuilder.forServer(chainPem.toFile(), keyPem.toFile())
                    .sslProvider(SslProvider.OPENSSL);
            try (StaplingSslContext ssl = StaplingSslContext.build(engine, builder, chainPem)) {
                DisposableServer server = HttpServer.create()
                        .host("127.0.0.1")
                        .port(0)
                        .secure(spec -> spec.sslContext(ssl))
                        .handle((request, response) -> response.sendString(Mono.just("hello")))
                        .bindNow();
                try {
                    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
                    CommandPeers.Run curl;
                    do {
                        curl = CommandPeers.curl(server.port(), pki.pki().root(), false);
                    } while (curl.status != 0 && Instant.now().isBefore(deadline));
                    assertEquals(0, curl.status, curl.toString());
                    assertTrue(curl.output.contains("hello"), curl.toString());
                    CommandPeers.Run sClient = CommandPeers.sClient(server.port(), pki.pki().root(),
                            "localhost");
                    assertTrue(sClient.output.contains("Cert Status: good"), sClient.toString());
                } finally {
                    server.disposeNow();
                }
            }
        }
    }
}
