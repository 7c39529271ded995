package org.staplekit;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.NotCompliantMBeanException;
import javax.management.ObjectName;

/**
 * The native OCSP stapling engine: the JDK's {@code jdk.tls.stapling.*} behaviour (selection,
 * cache, fetch deadline) with verified responses, for TLS stacks that let a server fill the
 * ServerHello and CertificateStatus themselves (see {@code org.staplekit.bc}).
 *
 * <p>One engine serves every handshake of a server and is thread-safe. Parse each certificate
 * chain once ({@link #parseChain}) and {@link #register} it, so its responses are fetched and
 * renewed in the background; then per handshake call {@link #staple} before writing the
 * ServerHello: when it returns nothing, assert no status extension at all. {@link #stats()}
 * and {@link #registerMBean} show what the engine did. Start one with {@link #builder()}.
 *
 * <p>Close the engine when the server stops; {@link #close()} is idempotent and waits for calls
 * in flight (a {@link #staple} call may wait up to {@code jdk.tls.stapling.responseTimeout}).
 * Calls after close throw {@link IllegalStateException}. A {@link java.lang.ref.Cleaner} frees
 * an engine that was never closed.
 */
public final class StaplingEngine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StaplingEngine.class.getName());
    /** Characters an unquoted ObjectName value cannot hold (or that would make it a pattern). */
    private static final String NEEDS_QUOTES = ",=:\"*?\n\\";

    private final NativeHandle handle;
    private final List<String> warnings;
    /** Guards {@link #mbean} and {@link #closing}, so no MBean is registered after close. */
    private final Object jmxLock = new Object();
    private JmxRegistration mbean;
    private boolean closing;

    /** Takes ownership of a native engine ({@link StaplingEngineBuilder#build}). */
    StaplingEngine(long handle) {
        this.handle = new NativeHandle("StaplingEngine", handle, Native::engineFree);
        this.warnings = Collections.unmodifiableList(
                Arrays.asList(this.handle.call(Native::engineWarnings)));
        for (String warning : warnings) {
            LOG.log(Level.WARNING, warning);
        }
    }

    /**
     * A builder: {@code StaplingEngine.builder().jvmSettings().build()} is configured as the
     * JVM's own stapling (system property, else security property, else default);
     * {@code builder().propertiesFile(path).property(key, value).build()} reads a file.
     */
    public static StaplingEngineBuilder builder() {
        return new StaplingEngineBuilder();
    }

    /**
     * The JVM's value of every property the engine reads: the system property, else the
     * security property. Unset properties are left out.
     */
    public static Map<String, String> jvmSettings() {
        return StaplingEngineBuilder.jvmSettings(true);
    }

    /** Every property key the engine reads, in listing order. */
    public static List<String> propertyKeys() {
        return Collections.unmodifiableList(Arrays.asList(Native.propertyKeys()));
    }

    /**
     * What the configuration did not take as written (bad values replaced, likely typos), each
     * naming the key, the value, where it came from and what is used instead. Also logged.
     */
    public List<String> configurationWarnings() {
        return warnings;
    }

    /** {@code jdk.tls.stapling.responseTimeout}: how long a handshake waits for its fetches. */
    public Duration responseTimeout() {
        return Duration.ofMillis(handle.call(Native::engineResponseTimeout));
    }

    /**
     * {@code staplekit.stapling.keyStores}: the key stores whose chains the Java agent
     * registers, each resolved against the properties file it was read from. Unmodifiable.
     */
    public List<Path> keyStores() {
        List<Path> paths = new ArrayList<>();
        for (String path : handle.call(Native::engineKeyStores)) {
            paths.add(Path.of(path));
        }
        return Collections.unmodifiableList(paths);
    }

    /**
     * {@code staplekit.stapling.keyStorePassword}, the password of {@link #keyStores()}: a new
     * array each call, for the caller to clear.
     */
    public Optional<char[]> keyStorePassword() {
        String password = handle.call(Native::engineKeyStorePassword);
        return Optional.ofNullable(password).map(String::toCharArray);
    }

    /**
     * Parses a chain, leaf first; issuers are found in the chain or in
     * {@code staplekit.stapling.issuers}.
     *
     * @throws InvalidChainException if the chain is empty or a certificate is not valid X.509
     */
    public CertificateChain parseChain(List<X509Certificate> certificates)
            throws InvalidChainException {
        List<X509Certificate> copy = new ArrayList<>(certificates);
        byte[][] der = new byte[copy.size()][];
        for (int i = 0; i < der.length; i++) {
            try {
                der[i] = Objects.requireNonNull(copy.get(i), "certificate " + i).getEncoded();
            } catch (CertificateEncodingException e) {
                throw new InvalidChainException("certificate " + i + " cannot be encoded: " + e);
            }
        }
        long chain = handle.call(engine -> Native.chainParse(engine, der));
        return new CertificateChain(copy, chain);
    }

    /** Parses a chain, leaf first (see {@link #parseChain(List)}). */
    public CertificateChain parseChain(X509Certificate... certificates)
            throws InvalidChainException {
        return parseChain(Arrays.asList(certificates));
    }

    /**
     * What the ServerHello would assert for this ClientHello and a chain of
     * {@code chainLength} certificates, without fetching anything.
     *
     * @throws MalformedStatusRequestException if a status extension the JDK would read is
     *     malformed (answer with a decode_error alert)
     */
    public Selection select(ClientStatusRequest request, int chainLength)
            throws MalformedStatusRequestException {
        Objects.requireNonNull(request, "request");
        int code = handle.call(engine -> Native.engineSelect(engine, request.statusRequest(),
                request.statusRequestV2(), request.version().wire(), request.resumed(),
                chainLength));
        return Selection.fromCode(code);
    }

    /**
     * Decides and builds what to staple for one handshake: selects as the JDK does, takes
     * responses from the cache or fetches them (waiting at most
     * {@code jdk.tls.stapling.responseTimeout}), and encodes them. Empty: assert no status
     * extension and send no CertificateStatus.
     *
     * @throws MalformedStatusRequestException if a status extension is malformed (answer with a
     *     decode_error alert)
     */
    public Optional<Staple> staple(ClientStatusRequest request, CertificateChain chain)
            throws MalformedStatusRequestException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(chain, "chain");
        Staple staple = handle.call(engine -> chain.handle().call(parsed ->
                Native.engineStaple(engine, parsed, request.statusRequest(),
                        request.statusRequestV2(), request.version().wire(), request.resumed())));
        return Optional.ofNullable(staple);
    }

    /**
     * The leaf's held response for a {@linkplain #register registered} chain: exactly what a
     * handshake answering a plain {@code status_request} would staple now (verified when
     * taken, and only before its nextUpdate). For TLS stacks that must be handed the staple
     * before the handshake starts, such as Netty's OpenSSL engine
     * ({@code ReferenceCountedOpenSslEngine.setOcspResponse}): it never fetches and never
     * waits, so it may be called for every connection, on an event loop. Counted in
     * {@link #stats} as a handshake: a hit and a staple served, or a miss.
     *
     * @return the DER OCSPResponse, a new array for each call; empty when the chain is not
     *     registered, when nothing is held for its leaf yet (the engine is fetching it), or
     *     when the configuration staples nothing for {@code status_request}
     *     ({@code jdk.tls.server.enableStatusRequestExtension=false}, or
     *     {@code status_request} in {@code jdk.tls.server.disableExtensions})
     */
    public Optional<byte[]> heldLeafResponse(CertificateChain chain) {
        Objects.requireNonNull(chain, "chain");
        byte[] held = handle.call(engine -> chain.handle().call(parsed ->
                Native.engineHeldLeafResponse(engine, parsed)));
        return Optional.ofNullable(held);
    }

    /**
     * Registers a chain the server sends, and returns at once: the engine fetches its
     * certificates' responses now, in the background, and renews each before it goes stale, so
     * its handshakes never wait for a responder (until the first responses arrive they staple
     * nothing). Responses kept in {@code staplekit.stapling.cacheDir} and in
     * {@code staplekit.stapling.responseFile} are read and verified first. Register each chain
     * once; {@link #unregister} undoes one registration. Closing the chain does not unregister
     * it: unregister first.
     */
    public void register(CertificateChain chain) {
        register(chain, null);
    }

    /**
     * Registers a chain (see {@link #register(CertificateChain)}) read from {@code chainFile},
     * so that an operator's response file beside it, {@code <chainFile>.ors} (one DER OCSP
     * response), is read, verified and stapled too: handshakes staple it even while the
     * responder is down. {@code chainFile} may be null.
     */
    public void register(CertificateChain chain, Path chainFile) {
        Objects.requireNonNull(chain, "chain");
        String file = chainFile == null ? null : chainFile.toString();
        handle.call(engine -> chain.handle().call(parsed -> {
            Native.engineRegister(engine, parsed, file);
            return null;
        }));
    }

    /**
     * Undoes one {@link #register} of {@code chain}: its certificates that no other registered
     * chain contains are no longer refreshed, and their handshakes fetch on demand again.
     */
    public void unregister(CertificateChain chain) {
        Objects.requireNonNull(chain, "chain");
        handle.call(engine -> chain.handle().call(parsed -> {
            Native.engineUnregister(engine, parsed);
            return null;
        }));
    }

    /** What the engine has done so far, and the state of each registered certificate. */
    public EngineStats stats() {
        return handle.call(Native::engineStats);
    }

    /**
     * Registers this engine's {@link StaplingEngineMXBean} in the platform MBeanServer as
     * {@code org.staplekit:type=StaplingEngine,name=<name>} ({@code name} quoted when it holds
     * characters an ObjectName value cannot, e.g. {@code ,=:"*?}). Its attributes are read
     * live. Closing the registration, or the engine, unregisters it; until then the MBeanServer
     * keeps the engine reachable.
     *
     * @return the registration, with the name registered
     * @throws IllegalArgumentException if an MBean with that name is already registered (two
     *     engines given the same name)
     * @throws IllegalStateException if this engine is closed or its MBean already registered
     */
    public JmxRegistration registerMBean(String name) {
        ObjectName objectName = objectName(Objects.requireNonNull(name, "name"));
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        JmxRegistration registration = new JmxRegistration(this, objectName);
        synchronized (jmxLock) {
            if (closing) {
                throw new IllegalStateException("this StaplingEngine is closed");
            }
            if (mbean != null) {
                throw new IllegalStateException(
                        "this StaplingEngine's MBean is already registered as " + mbean.name());
            }
            try {
                server.registerMBean(new EngineMXBeanAdapter(this), objectName);
            } catch (InstanceAlreadyExistsException e) {
                throw new IllegalArgumentException("an MBean named " + objectName
                        + " is already registered: give each engine its own name", e);
            } catch (MBeanRegistrationException | NotCompliantMBeanException e) {
                throw new IllegalStateException("cannot register " + objectName + ": " + e, e);
            }
            mbean = registration;
        }
        LOG.log(Level.DEBUG, "registered the MBean {0}", objectName);
        return registration;
    }

    /** Unregisters {@code registration}'s MBean if it is this engine's current one. */
    void unregisterMBean(JmxRegistration registration) {
        synchronized (jmxLock) {
            if (mbean == registration) {
                unregisterMBean(registration.name());
                mbean = null;
            }
        }
    }

    /** {@code org.staplekit:type=StaplingEngine,name=<name>}, quoting the name if needed. */
    static ObjectName objectName(String name) {
        boolean plain = !name.isEmpty()
                && name.chars().noneMatch(c -> NEEDS_QUOTES.indexOf(c) >= 0);
        String value = plain ? name : ObjectName.quote(name);
        try {
            return new ObjectName("org.staplekit:type=StaplingEngine,name=" + value);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("\"" + name + "\" cannot name an MBean: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Asks every certificate's responder now (filling the cache), waiting at most {@code wait},
     * and reports each certificate, leaf first. For tools and health checks.
     */
    public List<CertificateReport> check(CertificateChain chain, Duration wait) {
        Objects.requireNonNull(chain, "chain");
        long millis = wait.toMillis();
        CertificateReport[] reports = handle.call(engine -> chain.handle().call(parsed ->
                Native.engineCheck(engine, parsed, millis)));
        return Collections.unmodifiableList(Arrays.asList(reports));
    }

    /**
     * Starts a local OCSP responder on {@code address} (an IP address; port 0 = any free port)
     * answering from this engine's held responses, for TLS stacks that fetch their own staples
     * (the JDK's: {@code jdk.tls.stapling.responderURI}). Register the chains it should answer
     * for; others get {@code unauthorized}. Close it when done; it may outlive the engine.
     *
     * @throws IOException if the address cannot be bound (in use, not local)
     * @throws IllegalArgumentException if the address is unresolved
     * @throws IllegalStateException if this engine is closed
     */
    public LocalResponder startResponder(InetSocketAddress address) throws IOException {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("the responder's address " + address
                    + " is unresolved: give an IP address");
        }
        String host = address.getAddress().getHostAddress();
        int scope = host.indexOf('%');
        String ip = scope < 0 ? host : host.substring(0, scope);
        long responder = handle.call(engine -> Native.responderStart(engine, ip,
                address.getPort()));
        return new LocalResponder(responder);
    }

    NativeHandle handle() {
        return handle;
    }

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /**
     * Unregisters its MBean, then stops the engine once calls in flight have returned.
     * Idempotent. Chains it parsed stay usable with other engines.
     */
    @Override
    public void close() {
        synchronized (jmxLock) {
            closing = true;
            if (mbean != null) {
                unregisterMBean(mbean.name());
                mbean = null;
            }
        }
        handle.close();
    }

    private static void unregisterMBean(ObjectName name) {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            LOG.log(Level.DEBUG, "unregistered the MBean {0}", name);
        } catch (InstanceNotFoundException e) {
            // Someone else unregistered it through the MBeanServer: nothing left to do.
            LOG.log(Level.DEBUG, "the MBean {0} was already unregistered", name);
        } catch (MBeanRegistrationException e) {
            LOG.log(Level.WARNING, "cannot unregister the MBean {0}: {1}", name, e.toString());
        }
    }
}
