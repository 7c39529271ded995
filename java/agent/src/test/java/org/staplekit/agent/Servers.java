package org.staplekit.agent;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.staplekit.bc.JdkClient;
import org.staplekit.testkit.Pki;
import org.staplekit.tools.ServerProcess;

/** What the server tests share: JVM options and the JDK client that checks staples only. */
final class Servers {
    private Servers() {}

    /** The agent jar this module built: the test JVM's class path holds it. */
    static Path agentJar() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (new File(entry).getName().matches("staplekit-agent-.*\\.jar")) {
                return Path.of(entry);
            }
        }
        throw new IllegalStateException("no staplekit-agent jar on the class path "
                + System.getProperty("java.class.path"));
    }

    /** The options a user adds to run a server with the agent and the JVM's key store. */
    static List<String> withAgent(Path keyStore, String... more) {
        List<String> options = new ArrayList<>(List.of(
                "-javaagent:" + agentJar(),
                "-Djavax.net.ssl.keyStore=" + keyStore,
                "-Djavax.net.ssl.keyStoreType=PKCS12",
                "-Djavax.net.ssl.keyStorePassword=" + KeyStores.PASSWORD));
        options.addAll(Arrays.asList(more));
        return options;
    }

    /**
     * A fresh JDK client (no session to resume) trusting the PKI's root and checking every
     * certificate's revocation on the staples alone (NO_FALLBACK, {@code ocsp.enable} false).
     */
    static SSLContext client(Pki pki) throws Exception {
        return JdkClient.context(pki.root(), true);
    }

    /**
     * A client that does not ask for status at all, to warm a server's TLS code up without
     * making it fetch: SunJSSE reads {@code jdk.tls.client.enableStatusRequestExtension} when
     * each SSLContext is created, so it is set only around this one.
     */
    static synchronized SSLContext clientWithoutStatusRequest(Pki pki) throws Exception {
        String key = "jdk.tls.client.enableStatusRequestExtension";
        String before = System.getProperty(key);
        System.setProperty(key, "false");
        try {
            return JdkClient.context(pki.root(), false);
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    /** One handshake with a fresh client, then an HTTP request, on {@code protocol}. */
    static JdkClient.Result handshake(Pki pki, int port, String protocol) throws Exception {
        return JdkClient.handshake(client(pki), port, protocol);
    }
}
