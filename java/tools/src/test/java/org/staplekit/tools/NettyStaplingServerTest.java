package org.staplekit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.staplekit.CertificateChain;
import org.staplekit.StaplingEngine;
import org.staplekit.testkit.Pki;

/** The NettyStaplingServer tool, run as its own JVM, against openssl s_client and curl. */
@Timeout(120)
class NettyStaplingServerTest {
    private Pki pki;
    private ServerProcess server;

    @BeforeEach
    void startPki() throws Exception {
        pki = Pki.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        pki.close();
    }

    private ServerProcess start(List<String> jvmOptions, Path chain, Path key) throws Exception {
        server = ServerProcess.start(NettyStaplingServer.class, jvmOptions,
                "--cert", chain.toString(), "--key", key.toString(), "--port", "0",
                "--jmx-name", "netty-test");
        return server;
    }

    /** curl --cert-status until it succeeds (the first fetch is in the background). */
    private CommandPeers.Run curlUntilStapled(boolean http2) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            CommandPeers.Run curl = CommandPeers.curl(server.port(), pki.pki().root(), http2);
            if (curl.status == 0 || Instant.now().isAfter(deadline)) {
                return curl;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void staplesOverHttp1AndHttp2AndPrintsWhereItListens() throws Exception {
        start(List.of(), pki.pki().leafChain(), pki.pki().leafKey());
        CommandPeers.Run http1 = curlUntilStapled(false);
        assertEquals(0, http1.status, http1 + "\n" + server.log());
        assertTrue(http1.output.contains("hello from staplekit over HTTP/1.1"), http1.toString());
        CommandPeers.Run http2 = CommandPeers.curl(server.port(), pki.pki().root(), true);
        assertEquals(0, http2.status, http2.toString());
        assertTrue(http2.output.contains("hello from staplekit over HTTP/2"), http2.toString());
        CommandPeers.Run sClient = CommandPeers.sClient(server.port(), pki.pki().root(), "localhost");
        assertTrue(sClient.output.contains("Cert Status: good"), sClient.toString());
        assertTrue(server.log().contains("registered with the engine, no "), server.log());
        assertTrue(server.log().contains("name=netty-test"), server.log());
    }

    @Test
    void honoursSystemProperties() throws Exception {
        start(List.of("-Djdk.tls.server.enableStatusRequestExtension=false"),
                pki.pki().leafChain(), pki.pki().leafKey());
        // The engine still fetches; handshakes staple nothing.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!server.log().contains("OCSP good for CN=staplekit test leaf")) {
            assertTrue(Instant.now().isBefore(deadline), server.log());
            Thread.sleep(50);
        }
        CommandPeers.Run sClient = CommandPeers.sClient(server.port(), pki.pki().root(), "localhost");
        assertTrue(sClient.output.contains("OCSP response: no response sent"), sClient.toString());
        CommandPeers.Run curl = CommandPeers.curl(server.port(), pki.pki().root(), false);
        assertTrue(curl.status != 0, curl.toString());
    }

    @Test
    void anOrsFileIsStapledAtOnceWithEveryResponderDown() throws Exception {
        Path directory = Files.createTempDirectory("staplekit-netty-tool");
        Path chain = Files.copy(pki.pki().leafChain(), directory.resolve("chain.pem"));
        Path key = Files.copy(pki.pki().leafKey(), directory.resolve("key.pem"));
        Path ors = directory.resolve("chain.pem.ors");
        try (StaplingEngine engine = StaplingEngine.builder().build();
                CertificateChain parsed = engine.parseChain(pki.leafChain())) {
            Files.write(ors, engine.check(parsed, Duration.ofSeconds(20)).get(0).response()
                    .orElseThrow());
        }
        pki.pki().close();
        try {
            start(List.of(), chain, key);
            CommandPeers.Run sClient = CommandPeers.sClient(server.port(), pki.pki().root(),
                    "localhost");
            assertTrue(sClient.output.contains("Cert Status: good"), sClient + "\n" + server.log());
            assertTrue(server.log().contains("with the response file chain.pem.ors"), server.log());
        } finally {
            for (Path file : List.of(ors, chain, key, directory)) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void badArgumentsAreRefusedWithUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertNull(NettyStaplingServer.options(new String[] {"--cert", "a", "--key", "b"}, print));
        assertNull(NettyStaplingServer.options(new String[] {"--cret", "a"}, print));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("missing --port\nusage: NettyStaplingServer --cert CHAIN.pem"), text);
        assertTrue(text.contains("unknown option --cret"), text);
    }
}
