package org.staplekit.netty;

import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.staplekit.CertificateChain;
import org.staplekit.InvalidChainException;
import org.staplekit.StaplingEngine;

/**
 * A Netty server {@link SslContext} on the OpenSSL/BoringSSL provider (netty-tcnative) that
 * staples through a {@link StaplingEngine}: every server engine it creates is handed the leaf's
 * held response ({@link StaplingEngine#heldLeafResponse}) before its handshake starts, so a
 * client that sends {@code status_request} gets it. Taking the response never fetches nor
 * waits: until the engine holds one (or while it holds none that is still valid), engines are
 * given nothing and handshakes staple nothing.
 *
 * <p>The application keeps its own {@link SslContextBuilder} (ciphers, protocols, ALPN, client
 * authentication); {@link #build} enables OCSP on it and wraps what it builds. The chain is
 * registered with the engine when built and unregistered by {@link #close()}. Use one per
 * certificate chain; with SNI, map each name to its own (Netty's {@code SniHandler} with a
 * {@code DomainWildcardMappingBuilder}): each chain is registered and stapled for.
 *
 * <pre>
 * SslContextBuilder builder = SslContextBuilder.forServer(chainPem.toFile(), keyPem.toFile())
 *         .sslProvider(SslProvider.OPENSSL);
 * StaplingSslContext context = StaplingSslContext.build(engine, builder, chainPem);
 * // ... pipeline.addLast(context.newHandler(channel.alloc()));
 * </pre>
 *
 * <p>OpenSSL staples for {@code status_request} only ({@code status_request_v2} is not
 * supported), and in TLS 1.3 the leaf's response only. The engine's statistics count each
 * engine created (a staple served, or a miss), whether or not its client then asks for status:
 * the response is handed over before the ClientHello is read.
 */
public final class StaplingSslContext extends DelegatingSslContext implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StaplingSslContext.class.getName());

    private final SslContext delegate;
    private final StaplingEngine engine;
    private final CertificateChain chain;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StaplingSslContext(SslContext delegate, StaplingEngine engine, CertificateChain chain) {
        super(delegate);
        this.delegate = delegate;
        this.engine = engine;
        this.chain = chain;
    }

    /**
     * A server builder for {@code key} and {@code chain} (leaf first) on the OpenSSL provider
     * with OCSP stapling enabled, for the application to configure further before
     * {@link #build(StaplingEngine, SslContextBuilder, List, Path)}.
     */
    public static SslContextBuilder forServer(PrivateKey key, List<X509Certificate> chain) {
        return SslContextBuilder.forServer(key, chain)
                .sslProvider(SslProvider.OPENSSL)
                .enableOcsp(true);
    }

    /**
     * Builds {@code builder} (OCSP enabled on it) and registers the chain read from
     * {@code chainPem} (the PEM file the builder was given, leaf first) with {@code engine};
     * {@code <chainPem>.ors}, an operator's DER OCSP response beside it, is read and stapled
     * too.
     *
     * @throws SSLException if the builder cannot build
     * @throws IOException if {@code chainPem} cannot be read
     * @throws InvalidChainException if the engine cannot use the chain
     * @throws IllegalArgumentException if the builder is not a server's on the OpenSSL provider
     */
    public static StaplingSslContext build(StaplingEngine engine, SslContextBuilder builder,
            Path chainPem) throws IOException, InvalidChainException {
        return build(engine, builder, readChain(chainPem), chainPem);
    }

    /**
     * Builds {@code builder} (OCSP enabled on it) and registers {@code chain} (the certificates
     * the builder was given, leaf first) with {@code engine}; {@code chainFile}, if not null, is
     * the PEM file they came from, whose {@code <chainFile>.ors} is read and stapled too.
     *
     * @throws SSLException if the builder cannot build
     * @throws InvalidChainException if the engine cannot use the chain
     * @throws IllegalArgumentException if the builder is not a server's on the OpenSSL provider
     */
    public static StaplingSslContext build(StaplingEngine engine, SslContextBuilder builder,
            List<X509Certificate> chain, Path chainFile)
            throws SSLException, InvalidChainException {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(chain, "chain");
        SslContext built = builder.enableOcsp(true).build();
        if (!(built instanceof ReferenceCountedOpenSslContext) || !built.isServer()) {
            ReferenceCountUtil.release(built);
            throw new IllegalArgumentException("not a server SslContext on the OpenSSL provider: "
                    + built.getClass().getName() + " (set sslProvider(SslProvider.OPENSSL))");
        }
        CertificateChain parsed = null;
        try {
            parsed = engine.parseChain(chain);
            engine.register(parsed, chainFile);
            return new StaplingSslContext(built, engine, parsed);
        } catch (InvalidChainException | RuntimeException e) {
            // Nothing half-built stays behind: the native chain and the OpenSSL context go.
            if (parsed != null) {
                parsed.close();
            }
            ReferenceCountUtil.release(built);
            throw e;
        }
    }

    /** The chain registered with the engine. */
    public CertificateChain chain() {
        return chain;
    }

    /** Hands a new server engine the leaf's held response, if any; never waits. */
    @Override
    protected void initEngine(SSLEngine sslEngine) {
        if (!(sslEngine instanceof ReferenceCountedOpenSslEngine)) {
            return;
        }
        Optional<byte[]> held;
        try {
            held = engine.heldLeafResponse(chain);
        } catch (IllegalStateException closedEngine) {
            // The engine or chain was closed under a live server: serve without stapling.
            LOG.log(Level.DEBUG, "not stapling: {0}", closedEngine.getMessage());
            return;
        }
        held.ifPresent(((ReferenceCountedOpenSslEngine) sslEngine)::setOcspResponse);
    }

    /**
     * Unregisters the chain, closes it, and releases the wrapped context (engines already
     * created keep it until they are released). The engine stays the caller's. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            engine.unregister(chain);
        } catch (IllegalStateException closedEngine) {
            LOG.log(Level.DEBUG, "not unregistering: {0}", closedEngine.getMessage());
        }
        chain.close();
        ReferenceCountUtil.release(delegate);
    }

    private static List<X509Certificate> readChain(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> chain = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) certificate);
            }
            if (chain.isEmpty()) {
                throw new IOException(pem + ": no certificate in it");
            }
            return chain;
        } catch (CertificateException e) {
            throw new IOException(pem + ": not a PEM certificate chain: " + e.getMessage(), e);
        }
    }
}
