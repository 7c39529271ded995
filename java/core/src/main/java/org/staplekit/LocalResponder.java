package org.staplekit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * A local OCSP responder (RFC 6960 GET and POST over HTTP/1.1) answering from an engine's held
 * responses: exactly what a handshake would staple, never a request to an upstream responder. A
 * certificate the engine holds nothing for is answered {@code unauthorized} at once, which the
 * JDK's server takes as "no staple".
 *
 * <p>It is how stock JSSE servers (Tomcat, Jetty, a plain {@code SSLServerSocket}) staple
 * through the engine: point {@code jdk.tls.stapling.responderURI} at {@link #uri()} with
 * {@code jdk.tls.stapling.responderOverride=true} (the {@code org.staplekit.agent} module does
 * it). Start one with {@link StaplingEngine#startResponder}. Its counters are
 * {@link EngineStats#responder()}.
 *
 * <p>{@link #close()} stops it (idempotent; open connections end). It may outlive its engine,
 * and then answers {@code unauthorized}. A {@link java.lang.ref.Cleaner} stops one that was never
 * closed once it is unreachable, so keep a reference for as long as it should answer.
 */
public final class LocalResponder implements AutoCloseable {
    private final NativeHandle handle;
    private final InetSocketAddress address;

    /** Takes ownership of a native responder ({@link StaplingEngine#startResponder}). */
    LocalResponder(long handle) {
        this.handle = new NativeHandle("LocalResponder", handle, Native::responderFree);
        this.address = parse(this.handle.call(Native::responderAddress));
    }

    /** The address it listens on (the port chosen when 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * {@code http://IP:PORT/}: the value for {@code jdk.tls.stapling.responderURI}, nginx's
     * {@code ssl_stapling_responder} or Apache's {@code SSLStaplingForceURL}.
     */
    public URI uri() {
        String host = address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + address.getPort() + "/");
    }

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Stops answering: the listener closes and open connections end. Idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return "LocalResponder " + uri() + (isClosed() ? " (closed)" : "");
    }

    /** {@code IP:PORT} or {@code [IPv6]:PORT}, as the native library prints a socket address. */
    static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalStateException("not an address: " + text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            // An IP literal: no name service is asked.
            InetAddress ip = InetAddress.getByName(host);
            return new InetSocketAddress(ip, Integer.parseInt(text.substring(colon + 1)));
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalStateException("not an address: " + text, e);
        }
    }
}
