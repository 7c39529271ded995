package org.staplekit.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.staplekit.testkit.TestPki;

/**
 * The JVM demo's second part, why a stock JDK server wants the agent: {@link JdkSocketServer}
 * (the default SSLContext, its key store from {@code javax.net.ssl.keyStore}) runs twice side
 * by side, each in a child JVM, once with the JDK's own stapling
 * ({@code jdk.tls.server.enableStatusRequestExtension=true}) and once with
 * {@code -javaagent:staplekit-agent.jar} and a {@code staplekit.stapling.cacheDir}. The upstream
 * OCSP responder (the project's own, in this process) takes {@value #UPSTREAM_DELAY_MS} ms per
 * answer, then stops; during the outage both servers are restarted. At each step a new JDK
 * client (TLS 1.3, verifying whatever is stapled) connects to both, after one handshake that
 * asks for no status so that neither server's TLS code is cold, and the demo prints side by
 * side how long the handshake took and what was stapled.
 */
final class AgentDemo {
    static final int UPSTREAM_DELAY_MS = 300;
    private static final String PROTOCOL = "TLSv1.3";
    private static final String PASSWORD = "changeit";
    private static final String[] STEPS = {
        "first handshake, upstream takes " + UPSTREAM_DELAY_MS + " ms",
        "upstream responder stopped",
        "both servers restarted, upstream still down",
    };

    private AgentDemo() {}

    /**
     * Runs the part in {@code directory} (which must exist) with the agent jar {@code agentJar};
     * true if every server stapled what the demo says it does.
     */
    static boolean run(Path agentJar, Path directory) throws Exception {
        try (TestPki pki = TestPki.startInProcess(directory)) {
            X509Certificate root = Pem.certificates(pki.root()).get(0);
            Path keyStore = writeKeyStore(pki, directory.resolve("server.p12"));
            Path cacheDir = Files.createDirectory(directory.resolve("staplekit-cache"),
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
            List<String> jdkAlone = serverOptions(keyStore,
                    "-Djdk.tls.server.enableStatusRequestExtension=true");
            List<String> withAgent = serverOptions(keyStore, "-javaagent:" + agentJar,
                    "-Dstaplekit.stapling.cacheDir=" + cacheDir);
            say("");
            say("A stock JDK server (SSLServerSocket, the default SSLContext), twice: with the"
                    + " JDK's own stapling, and with");
            say("  -javaagent:" + agentJar.getFileName() + " -Dstaplekit.stapling.cacheDir="
                    + cacheDir.getFileName());
            say("upstream OCSP responder " + pki.intermediateResponderUrl() + ", slowed to "
                    + UPSTREAM_DELAY_MS + " ms per answer");
            pki.delayResponses(Duration.ofMillis(UPSTREAM_DELAY_MS));

            Outcome[][] outcomes = new Outcome[STEPS.length][];
            try (ServerProcess jdk = ServerProcess.start(JdkSocketServer.class, jdkAlone);
                    ServerProcess agent = ServerProcess.start(JdkSocketServer.class, withAgent)) {
                say("agent: " + agentLine(agent));
                outcomes[0] = firstHandshakes(root, jdk, agent);
                stopUpstream(pki);
                outcomes[1] = handshakes(root, jdk, agent);
            }
            try (ServerProcess jdk = ServerProcess.start(JdkSocketServer.class, jdkAlone);
                    ServerProcess agent = ServerProcess.start(JdkSocketServer.class, withAgent)) {
                say("agent after the restart: " + agentLine(agent));
                outcomes[2] = firstHandshakes(root, jdk, agent);
            }
            print(outcomes);
            // The JDK staples until its restart, from what it fetched inside the first
            // handshake; the agent staples throughout, after the restart from cacheDir.
            boolean ok = outcomes[0][0].stapled() == 2 && outcomes[2][0].stapled() == 0;
            for (Outcome[] step : outcomes) {
                ok &= step[1].stapled() == 2;
            }
            return ok;
        }
    }

    /** The handshakes of freshly started servers: each warmed by one without status first. */
    private static Outcome[] firstHandshakes(X509Certificate root, ServerProcess jdk,
            ServerProcess agent) throws Exception {
        for (ServerProcess server : List.of(jdk, agent)) {
            connect(withoutStatusRequest(root), server.port());
        }
        return handshakes(root, jdk, agent);
    }

    private static Outcome[] handshakes(X509Certificate root, ServerProcess jdk,
            ServerProcess agent) throws Exception {
        return new Outcome[] {
            connect(JdkClientContext.verifyingStaplesIfAny(root), jdk.port()),
            connect(JdkClientContext.verifyingStaplesIfAny(root), agent.port()),
        };
    }

    /** One handshake and request with {@code client}; what was stapled and how long it took. */
    private static Outcome connect(SSLContext client, int port) throws IOException {
        long start = System.nanoTime();
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory()
                .createSocket("localhost", port)) {
            socket.setSoTimeout(20_000);
            socket.setEnabledProtocols(new String[] {PROTOCOL});
            socket.startHandshake();
            double millis = (System.nanoTime() - start) / 1e6;
            List<byte[]> responses =
                    ((ExtendedSSLSession) socket.getSession()).getStatusResponses();
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getInputStream().readAllBytes();
            return new Outcome(millis, responses);
        }
    }

    /**
     * A client that asks for no status: SunJSSE reads
     * {@code jdk.tls.client.enableStatusRequestExtension} when each SSLContext is created, so it
     * is set only around this one.
     */
    private static SSLContext withoutStatusRequest(X509Certificate root) throws Exception {
        String key = "jdk.tls.client.enableStatusRequestExtension";
        System.setProperty(key, "false");
        try {
            return JdkClientContext.trusting(root, false);
        } finally {
            System.clearProperty(key);
        }
    }

    /** The agent's one line about what it did, from the child's log. */
    private static String agentLine(ServerProcess agent) {
        for (String line : agent.log().split("\n")) {
            if (line.contains("staplekit: stapling")) {
                return line.trim();
            }
        }
        return "(no line from the agent)\n" + agent.log();
    }

    private static void print(Outcome[][] outcomes) {
        String row = "  %-44s | %-26s | %-26s%n";
        System.out.printf("%n" + row, "handshake of a new TLS 1.3 JDK client", "JDK stapling alone",
                "JDK + staplekit agent");
        System.out.printf(row, "-".repeat(44), "-".repeat(26), "-".repeat(26));
        for (int i = 0; i < STEPS.length; i++) {
            System.out.printf(row, STEPS[i], outcomes[i][0], outcomes[i][1]);
        }
        say("(time: connect to handshake done, at the client; stapled: certificates of the chain"
                + " sent with a response)");
        say("The JDK alone fetches inside the first handshake, so it waits on the upstream; it"
                + " staples from what it fetched");
        say("until it restarts, then has nothing. The agent fetched before the server's main,"
                + " verified, and kept the responses");
        say("in cacheDir, so its first handshake after a restart during the outage is stapled.");
    }

    private static List<String> serverOptions(Path keyStore, String... more) {
        List<String> options = new ArrayList<>(List.of(
                "-Djavax.net.ssl.keyStore=" + keyStore,
                "-Djavax.net.ssl.keyStoreType=PKCS12",
                "-Djavax.net.ssl.keyStorePassword=" + PASSWORD,
                // One line per log record, so the agent's line can be shown.
                "-Djava.util.logging.SimpleFormatter.format=%4$s %5$s%6$s%n"));
        options.addAll(List.of(more));
        return options;
    }

    private static Path writeKeyStore(TestPki pki, Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", Pem.privateKey(pki.leafKey()), PASSWORD.toCharArray(),
                Pem.certificates(pki.leafChain()).toArray(new Certificate[0]));
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
        return file;
    }

    /** The outage: closing the PKI stops its responder (the files stay). */
    private static void stopUpstream(TestPki pki) {
        pki.close();
    }

    private static void say(String line) {
        System.out.println(line);
    }

    /** What one handshake showed: its time and the certificates stapled. */
    private static final class Outcome {
        private final double millis;
        private final int stapled;
        private final int certificates;

        Outcome(double millis, List<byte[]> responses) {
            this.millis = millis;
            this.stapled = (int) responses.stream().filter(r -> r.length > 0).count();
            this.certificates = responses.size();
        }

        /** How many certificates had a response stapled. */
        int stapled() {
            return stapled;
        }

        @Override
        public String toString() {
            return String.format("%7.1f ms, %s", millis, stapled == 0 ? "nothing stapled"
                    : stapled + " of " + certificates + " stapled");
        }
    }
}
