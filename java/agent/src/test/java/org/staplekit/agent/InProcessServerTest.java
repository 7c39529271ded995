package org.staplekit.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.staplekit.bc.JdkClient;
import org.staplekit.testkit.Pki;

/**
 * The embedding API in this JVM, in front of a server SSLContext built from a key store after
 * {@link JdkStapling.Builder#start()} (SunJSSE reads the enable flag per SSLContext): the JDK
 * server staples what the local responder answers, and the responder's answers show in the
 * engine's statistics and its MBean. The system properties it set are cleared afterwards.
 */
@Timeout(60)
class InProcessServerTest {
    private static final List<String> SET = List.of(JdkStapling.ENABLE,
            JdkStapling.RESPONDER_URI, JdkStapling.RESPONDER_OVERRIDE, JdkStapling.CACHE_LIFETIME);

    private static Pki pki;
    private static Path good;

    @BeforeAll
    static void start() throws Exception {
        pki = Pki.startInProcess();
        good = KeyStores.good(pki.pki());
    }

    @AfterAll
    static void stop() throws Exception {
        SET.forEach(System::clearProperty);
        pki.close();
    }

    @Test
    void aServerContextCreatedAfterStartStaplesThroughTheResponder() throws Exception {
        try (JdkStapling stapling = JdkStapling.builder()
                .keyStore(good, "PKCS12", KeyStores.PASSWORD.toCharArray())
                .registerMBean("in-process-test")
                .start()) {
            assertEquals(stapling.responder().uri().toString(),
                    System.getProperty(JdkStapling.RESPONDER_URI));
            assertEquals("true", System.getProperty(JdkStapling.ENABLE));
            assertEquals("true", System.getProperty(JdkStapling.RESPONDER_OVERRIDE));
            assertEquals("30", System.getProperty(JdkStapling.CACHE_LIFETIME));
            assertTrue(stapling.summary().contains("2 of 2 certificate(s) with a response"),
                    stapling.summary());

            SSLContext server = serverContext(good);
            try (SSLServerSocket socket = (SSLServerSocket) server.getServerSocketFactory()
                    .createServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
                CompletableFuture<Void> served = CompletableFuture.runAsync(() -> serve(socket));
                JdkClient.Result result = JdkClient.handshake(
                        JdkClient.context(pki.root(), true), socket.getLocalPort(), "TLSv1.3");
                served.join();
                assertEquals(2, result.stapled(), "leaf and intermediate");
            }

            long answered = stapling.engine().stats().responder().answered();
            assertTrue(answered >= 2, "the JDK asked the local responder: " + answered);
            MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
            ObjectName name =
                    new ObjectName("org.staplekit:type=StaplingEngine,name=in-process-test");
            assertEquals(answered, mbeans.getAttribute(name, "ResponderAnswered"));
            assertEquals(0L, mbeans.getAttribute(name, "ResponderMalformed"));
        }
    }

    private static SSLContext serverContext(Path keyStore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(keyStore)) {
            store.load(in, KeyStores.PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance("SunX509");
        keys.init(store, KeyStores.PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** Accepts one connection, reads the request's head, answers and closes. */
    private static void serve(SSLServerSocket server) {
        try (Socket socket = server.accept()) {
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            int seen = 0;
            for (int b; seen < 4 && (b = in.read()) >= 0; ) {
                seen = (b == "\r\n\r\n".charAt(seen)) ? seen + 1 : (b == '\r' ? 1 : 0);
            }
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.0 200 OK\r\n\r\nok\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (Exception e) {
            throw new IllegalStateException("the in-process server failed: " + e, e);
        }
    }
}
