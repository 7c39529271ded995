package org.staplekit;

import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;

/**
 * A server's certificate chain, parsed once by {@link StaplingEngine#parseChain} and reused by
 * every handshake that sends it: its CertIDs, issuers and responder URLs are worked out once.
 *
 * <p>Thread-safe. Independent of the engine that parsed it once parsed (closing the engine does
 * not close its chains). Close it when the server stops using it; a {@link java.lang.ref.Cleaner}
 * frees it otherwise.
 */
public final class CertificateChain implements AutoCloseable {
    private final List<X509Certificate> certificates;
    private final NativeHandle handle;

    CertificateChain(List<X509Certificate> certificates, long handle) {
        this.certificates = Collections.unmodifiableList(certificates);
        this.handle = new NativeHandle("CertificateChain", handle, Native::chainFree);
    }

    /** The certificates, leaf first, as given. */
    public List<X509Certificate> certificates() {
        return certificates;
    }

    /** How many certificates the chain has. */
    public int size() {
        return certificates.size();
    }

    NativeHandle handle() {
        return handle;
    }

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Frees the native chain, after any call using it has returned. Idempotent. */
    @Override
    public void close() {
        handle.close();
    }
}
