package org.staplekit.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.staplekit.CertificateChain;
import org.staplekit.CertificateStats;
import org.staplekit.ConfigurationException;
import org.staplekit.LocalResponder;
import org.staplekit.StaplingEngine;
import org.staplekit.StaplingEngineBuilder;
import org.staplekit.StaplingException;

/**
 * OCSP stapling for the JDK's own TLS server (SunJSSE: Tomcat, Jetty, Undertow, a plain
 * {@code SSLServerSocket}) through the engine: it starts a {@link StaplingEngine} configured as
 * the JVM's stapling is ({@code jdk.tls.*} and {@code staplekit.*}: system properties, then
 * {@code java.security} or the properties file), registers the server's chains, starts a
 * {@link LocalResponder} on loopback, and points the JDK at it:
 *
 * <ul>
 *   <li>{@code jdk.tls.server.enableStatusRequestExtension=true} (unless it is {@code false}:
 *       then {@link Builder#start()} refuses, stapling is off);
 *   <li>{@code jdk.tls.stapling.responderURI} = the responder, with
 *       {@code jdk.tls.stapling.responderOverride=true};
 *   <li>{@code jdk.tls.stapling.cacheLifetime} at most {@value #JDK_CACHE_LIFETIME_SECONDS} s,
 *       so that a REVOKED the engine takes reaches clients within that time.
 * </ul>
 *
 * <p>The JDK reads these when each {@code SSLContext} is created ({@code SSLContextImpl}) and
 * when its stapling cache is built, so call {@link Builder#start()} <b>before the server creates
 * its SSLContext</b> (before the connector starts); a context created earlier, and the JVM's
 * default context once created, do not staple. The Java agent ({@link StaplingAgent}) does this
 * before the application's {@code main}.
 *
 * <pre>{@code
 * JdkStapling stapling = JdkStapling.builder()
 *         .keyStore(Path.of("server.p12"), "PKCS12", password)
 *         .start();
 * // ... then build the server's SSLContext from server.p12 as usual
 * }</pre>
 *
 * <p>The engine is built from the operator's settings <em>before</em> the JDK's responder
 * properties are overridden, so it asks the real responders. {@link #close()} stops the
 * responder and the engine; the system properties stay as set.
 */
public final class JdkStapling implements AutoCloseable {
    /** The longest {@code jdk.tls.stapling.cacheLifetime} left to the JDK, in seconds. */
    public static final int JDK_CACHE_LIFETIME_SECONDS = 30;

    static final String ENABLE = "jdk.tls.server.enableStatusRequestExtension";
    static final String RESPONDER_URI = "jdk.tls.stapling.responderURI";
    static final String RESPONDER_OVERRIDE = "jdk.tls.stapling.responderOverride";
    static final String CACHE_LIFETIME = "jdk.tls.stapling.cacheLifetime";

    private static final System.Logger LOG = System.getLogger(JdkStapling.class.getName());

    private final StaplingEngine engine;
    private final LocalResponder responder;
    private final List<CertificateChain> chains;
    private final Map<String, String> jdkProperties;
    private final String summary;

    private JdkStapling(StaplingEngine engine, LocalResponder responder,
            List<CertificateChain> chains, Map<String, String> jdkProperties, String summary) {
        this.engine = engine;
        this.responder = responder;
        this.chains = Collections.unmodifiableList(chains);
        this.jdkProperties = Collections.unmodifiableMap(jdkProperties);
        this.summary = summary;
    }

    /** A builder; {@link Builder#start()} does the work. */
    public static Builder builder() {
        return new Builder();
    }

    /** The engine (its statistics, {@link StaplingEngine#registerMBean}). */
    public StaplingEngine engine() {
        return engine;
    }

    /** The local responder the JDK asks. */
    public LocalResponder responder() {
        return responder;
    }

    /** The registered chains, leaf first each. */
    public List<CertificateChain> chains() {
        return chains;
    }

    /** The system properties set for the JDK, and their values. */
    public Map<String, String> jdkProperties() {
        return jdkProperties;
    }

    /** One line saying what was done: chains, their state, responder, properties. */
    public String summary() {
        return summary;
    }

    /** Stops the responder, unregisters the chains and closes the engine. Idempotent. */
    @Override
    public void close() {
        responder.close();
        if (!engine.isClosed()) {
            for (CertificateChain chain : chains) {
                engine.unregister(chain);
                chain.close();
            }
        }
        engine.close();
    }

    /** What {@link JdkStapling#builder()} returns. Not thread-safe. */
    public static final class Builder {
        private Path propertiesFile;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<KeyStoreSource> keyStores = new ArrayList<>();
        private final List<List<X509Certificate>> chains = new ArrayList<>();
        private boolean jvmKeyStores;
        private String mbeanName;
        private InetSocketAddress address =
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

        private Builder() {}

        /**
         * Reads the engine's properties from this file ({@code java.security} format) in place
         * of {@code java.security}, under the system properties.
         */
        public Builder propertiesFile(Path file) {
            this.propertiesFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /** Sets one engine property over every other source. */
        public Builder property(String key, String value) {
            properties.put(Objects.requireNonNull(key, "key"),
                    Objects.requireNonNull(value, () -> "value of " + key));
            return this;
        }

        /**
         * Registers the chain of every private key entry of a key store. {@code type} null:
         * PKCS12 or JKS told from the content; {@code password} null: none.
         */
        public Builder keyStore(Path path, String type, char[] password) {
            keyStores.add(new KeyStoreSource(Objects.requireNonNull(path, "path"), type,
                    password == null ? null : password.clone(), "keyStore(...)"));
            return this;
        }

        /** Registers a chain the server sends, leaf first. */
        public Builder chain(List<X509Certificate> chain) {
            chains.add(new ArrayList<>(chain));
            return this;
        }

        /**
         * Also registers the key stores the JVM's settings name, as the agent does:
         * {@code javax.net.ssl.keyStore} (with {@code javax.net.ssl.keyStoreType} and
         * {@code javax.net.ssl.keyStorePassword}) and {@code staplekit.stapling.keyStores}
         * (with {@code staplekit.stapling.keyStorePassword}).
         */
        public Builder jvmKeyStores() {
            this.jvmKeyStores = true;
            return this;
        }

        /**
         * Registers the engine's MBean as {@code org.staplekit:type=StaplingEngine,name=<name>}
         * ({@link StaplingEngine#registerMBean}): its statistics, the local responder's
         * answers ({@code ResponderAnswered}, {@code ResponderUnauthorized}) included. The
         * agent registers {@value StaplingAgent#MBEAN_NAME}.
         */
        public Builder registerMBean(String name) {
            this.mbeanName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Where the responder listens; default loopback, any free port. */
        public Builder responderAddress(InetSocketAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Starts the engine, registers the chains, waits for their first answers (at most
         * {@code jdk.tls.stapling.responseTimeout}), starts the responder and sets the JDK's
         * properties.
         *
         * @throws IllegalStateException if {@code jdk.tls.server.enableStatusRequestExtension}
         *     is {@code false} (stapling is off)
         * @throws ConfigurationException if a property or a key store is wrong (the message
         *     names it), or there is no chain to register
         * @throws StaplingException if the engine cannot start
         * @throws IOException if the responder cannot listen on its address
         */
        public JdkStapling start() throws StaplingException, IOException {
            if ("false".equalsIgnoreCase(System.getProperty(ENABLE))) {
                throw new IllegalStateException(ENABLE + "=false: stapling is off");
            }
            long started = System.nanoTime();
            // The operator's settings, read before this class points the JDK at itself.
            StaplingEngineBuilder engineBuilder = StaplingEngine.builder().jvmSettings();
            if (propertiesFile != null) {
                engineBuilder.propertiesFile(propertiesFile);
            }
            StaplingEngine engine = engineBuilder.properties(properties).build();
            List<CertificateChain> parsed = new ArrayList<>();
            try {
                List<String> origins = new ArrayList<>();
                for (Map.Entry<List<X509Certificate>, String> chain : chains(engine).entrySet()) {
                    CertificateChain certificateChain = engine.parseChain(chain.getKey());
                    parsed.add(certificateChain);
                    engine.register(certificateChain);
                    origins.add(chain.getValue());
                }
                String state = waitForFirstAnswers(engine, engine.responseTimeout());
                if (mbeanName != null) {
                    engine.registerMBean(mbeanName);
                }
                LocalResponder responder = engine.startResponder(address);
                Map<String, String> set = pointTheJdkAt(responder.uri());
                long millis = (System.nanoTime() - started) / 1_000_000;
                String summary = "staplekit: stapling " + parsed.size() + " chain(s) for the JDK's"
                        + " TLS server (" + String.join("; ", origins) + ") through the local OCSP"
                        + " responder " + responder.uri() + "; " + state + " after " + millis
                        + " ms" + (mbeanName == null ? "" : "; MBean "
                        + "org.staplekit:type=StaplingEngine,name=" + mbeanName) + "; set "
                        + set.entrySet().stream().map(e -> e.getKey() + "="
                        + e.getValue()).collect(Collectors.joining(", "));
                return new JdkStapling(engine, responder, parsed, set, summary);
            } catch (StaplingException | IOException | RuntimeException e) {
                for (CertificateChain chain : parsed) {
                    chain.close();
                }
                engine.close();
                throw e;
            }
        }

        /** Every chain to register, with where it came from, in order, without duplicates. */
        private Map<List<X509Certificate>, String> chains(StaplingEngine engine)
                throws ConfigurationException {
            List<KeyStoreSource> sources = new ArrayList<>(keyStores);
            if (jvmKeyStores) {
                String path = System.getProperty("javax.net.ssl.keyStore");
                if (path != null && !path.isEmpty() && !"NONE".equals(path)) {
                    String password = System.getProperty("javax.net.ssl.keyStorePassword");
                    sources.add(new KeyStoreSource(Path.of(path),
                            System.getProperty("javax.net.ssl.keyStoreType",
                                    KeyStore.getDefaultType()),
                            password == null ? null : password.toCharArray(),
                            "javax.net.ssl.keyStore"));
                }
                Optional<char[]> password = engine.keyStorePassword();
                for (Path store : engine.keyStores()) {
                    sources.add(new KeyStoreSource(store, null, password.orElse(null),
                            "staplekit.stapling.keyStores"));
                }
            }
            Map<List<X509Certificate>, String> all = new LinkedHashMap<>();
            for (List<X509Certificate> chain : chains) {
                all.putIfAbsent(chain, "chain(...): " + leaf(chain));
            }
            for (KeyStoreSource source : sources) {
                // A copy, cleared once read: the builder may start again.
                char[] password = source.password == null ? null : source.password.clone();
                try {
                    for (List<X509Certificate> chain : KeyStoreChains.read(source.path,
                            source.type, password)) {
                        all.putIfAbsent(chain, leaf(chain) + " from " + source.path + " ("
                                + source.setting + ")");
                    }
                } finally {
                    if (password != null) {
                        Arrays.fill(password, '\0');
                    }
                }
            }
            if (all.isEmpty()) {
                throw new ConfigurationException("no certificate chain to staple: set "
                        + "javax.net.ssl.keyStore or staplekit.stapling.keyStores, or give "
                        + "JdkStapling.Builder a key store or a chain");
            }
            return all;
        }

        private static String leaf(List<X509Certificate> chain) {
            return chain.isEmpty() ? "(empty chain)"
                    : chain.get(0).getSubjectX500Principal().getName();
        }
    }

    /**
     * Waits until every registered certificate holds a response or its first fetch has ended,
     * at most {@code timeout}, so that the application's first handshake can be stapled;
     * returns what each holds.
     */
    static String waitForFirstAnswers(StaplingEngine engine, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<CertificateStats> certificates = engine.stats().certificates();
        while (!certificates.stream().allMatch(JdkStapling::answered)
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            certificates = engine.stats().certificates();
        }
        long held = certificates.stream().filter(c -> c.status().isPresent()).count();
        String details = certificates.stream().map(c -> c.subject() + " " + c.status()
                .map(s -> s.wire() + c.source().map(src -> " (" + src.wire() + ")").orElse(""))
                .orElse("nothing yet" + c.lastError().map(e -> " (" + e + ")").orElse("")))
                .collect(Collectors.joining(", "));
        return held + " of " + certificates.size() + " certificate(s) with a response to staple ["
                + details + "]";
    }

    private static boolean answered(CertificateStats certificate) {
        return certificate.status().isPresent() || certificate.lastFetch().isPresent()
                || certificate.responder().isEmpty();
    }

    /** Sets the JDK's stapling properties to use {@code responder}; returns what was set. */
    static Map<String, String> pointTheJdkAt(URI responder) {
        Map<String, String> set = new LinkedHashMap<>();
        set.put(ENABLE, "true");
        set.put(RESPONDER_URI, responder.toString());
        set.put(RESPONDER_OVERRIDE, "true");
        set.put(CACHE_LIFETIME, String.valueOf(jdkCacheLifetime(System.getProperty(CACHE_LIFETIME))));
        set.forEach(System::setProperty);
        LOG.log(System.Logger.Level.DEBUG, "set {0}", set);
        return set;
    }

    /**
     * The JDK's cacheLifetime: the operator's when it is a positive number of seconds up to
     * {@link #JDK_CACHE_LIFETIME_SECONDS}, else that (0 or less means "no limit" to the JDK).
     */
    static int jdkCacheLifetime(String operator) {
        if (operator != null) {
            try {
                int seconds = Integer.decode(operator.trim());
                if (seconds > 0 && seconds <= JDK_CACHE_LIFETIME_SECONDS) {
                    return seconds;
                }
            } catch (NumberFormatException e) {
                // The JDK would use its default (3600 s): too long, so ours.
            }
        }
        return JDK_CACHE_LIFETIME_SECONDS;
    }

    /** A key store to read, and which setting named it. */
    private static final class KeyStoreSource {
        final Path path;
        final String type;
        final char[] password;
        final String setting;

        KeyStoreSource(Path path, String type, char[] password, String setting) {
            this.path = path;
            this.type = type;
            this.password = password;
            this.setting = setting;
        }
    }
}
