package org.staplekit.agent;

import java.lang.instrument.Instrumentation;
import java.nio.file.Path;

/**
 * The Java agent: {@code java -javaagent:staplekit-agent-<version>.jar[=stapling.properties]
 * ...} makes the JDK's own TLS server staple OCSP responses through the engine, with no code
 * change. Before the application's {@code main} it does what {@link JdkStapling} does with the
 * key stores the JVM's settings name ({@code javax.net.ssl.keyStore},
 * {@code staplekit.stapling.keyStores}), reading the engine's properties from the system
 * properties, then {@code java.security}, or the file given as the agent's argument in its
 * place, registers the engine's MBean as {@value #MBEAN_NAME}, and logs one line
 * (System.Logger, INFO) saying what it did.
 *
 * <p>When {@code jdk.tls.server.enableStatusRequestExtension=false} it does nothing but say so.
 * Any failure (no key store, a wrong password, a bad property) is logged as an error and the
 * application starts without the agent's stapling. The engine and the responder live as long
 * as the JVM; a shutdown hook closes them.
 */
public final class StaplingAgent {
    /**
     * The name of the agent's engine MBean:
     * {@code org.staplekit:type=StaplingEngine,name=staplekit-agent}.
     */
    public static final String MBEAN_NAME = "staplekit-agent";

    private static final System.Logger LOG = System.getLogger(StaplingAgent.class.getName());

    /** What the agent started; kept for the JVM's life. */
    private static JdkStapling running;

    private StaplingAgent() {}

    /** Called by the JVM before {@code main} ({@code -javaagent:}). */
    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments);
    }

    /**
     * Called when the agent is loaded into a running JVM: SSLContexts created before then do
     * not staple, those created after do.
     */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments);
    }

    /** Starts stapling once per JVM; never throws. */
    static synchronized void start(String arguments) {
        if (running != null) {
            LOG.log(System.Logger.Level.INFO, "staplekit agent already started: "
                    + running.summary());
            return;
        }
        if ("false".equalsIgnoreCase(System.getProperty(JdkStapling.ENABLE))) {
            LOG.log(System.Logger.Level.INFO, "staplekit agent: " + JdkStapling.ENABLE
                    + "=false, so stapling is off and the agent does nothing");
            return;
        }
        try {
            JdkStapling.Builder builder = JdkStapling.builder().jvmKeyStores()
                    .registerMBean(MBEAN_NAME);
            if (arguments != null && !arguments.isBlank()) {
                builder.propertiesFile(Path.of(arguments.trim()));
            }
            JdkStapling stapling = builder.start();
            running = stapling;
            Runtime.getRuntime().addShutdownHook(
                    new Thread(stapling::close, "staplekit-agent-shutdown"));
            LOG.log(System.Logger.Level.INFO, stapling.summary());
        } catch (Exception | LinkageError e) {
            LOG.log(System.Logger.Level.ERROR, "staplekit agent: not stapling: " + e.getMessage()
                    + " (" + e.getClass().getSimpleName() + "); the application starts without"
                    + " staplekit's stapling");
        }
    }

    /** What the agent started in this JVM, if anything (for tests and diagnostics). */
    static synchronized JdkStapling running() {
        return running;
    }
}
