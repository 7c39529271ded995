package org.staplekit.bc;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.bouncycastle.util.encoders.Hex;
import org.staplekit.CertificateChain;
import org.staplekit.Staple;
import org.staplekit.StaplingEngine;

/**
 * A {@link StaplingTlsServer} on 127.0.0.1 for tests: one connection at a time, remembering
 * what it sent (to read the ServerHello back), what it stapled, and TLS 1.2 sessions so clients
 * can resume.
 */
final class LoopbackServer implements AutoCloseable {
    /** One served connection. */
    static final class Connection {
        final byte[] sent;
        final Staple staple;
        final Exception failure;

        Connection(byte[] sent, Staple staple, Exception failure) {
            this.sent = sent;
            this.staple = staple;
            this.failure = failure;
        }
    }

    private final JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(new SecureRandom());
    private final StaplingEngine engine;
    private final CertificateChain chain;
    private final PrivateKey key;
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final Map<String, TlsSession> sessions = new ConcurrentHashMap<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final Thread thread = new Thread(this::run, "loopback-tls-server");

    LoopbackServer(StaplingEngine engine, CertificateChain chain, PrivateKey key) throws IOException {
        this.engine = engine;
        this.chain = chain;
        this.key = key;
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /**
     * The {@code index}-th connection served (0 = first), waiting for the server to finish it
     * (the client may be done first).
     */
    Connection connection(int index) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (connections.size() <= index) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server did not finish connection " + index);
            }
            Thread.sleep(10);
        }
        return connections.get(index);
    }

    private void run() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                client.setSoTimeout(20_000);
                ByteArrayOutputStream sent = new ByteArrayOutputStream();
                OutputStream tee = new FilterOutputStream(client.getOutputStream()) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        sent.write(b, off, len);
                        out.write(b, off, len);
                    }

                    @Override
                    public void write(int b) throws IOException {
                        sent.write(b);
                        out.write(b);
                    }
                };
                TlsServerProtocol protocol = new TlsServerProtocol(client.getInputStream(), tee);
                ResumingServer server = new ResumingServer();
                Exception failure = null;
                try {
                    protocol.accept(server);
                    protocol.getInputStream().read(new byte[256]);
                    protocol.getOutputStream().write("HTTP/1.0 200 OK\r\n\r\nok\n".getBytes("US-ASCII"));
                    protocol.close();
                } catch (IOException e) {
                    failure = e;
                }
                connections.add(new Connection(sent.toByteArray(), server.staple().orElse(null), failure));
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps sessions so that TLS 1.2 clients can resume them. */
    private final class ResumingServer extends StaplingTlsServer {
        ResumingServer() {
            super(crypto, engine, chain, key);
        }

        @Override
        public byte[] getNewSessionID() {
            byte[] id = new byte[32];
            crypto.getSecureRandom().nextBytes(id);
            return id;
        }

        @Override
        public TlsSession getSessionToResume(byte[] sessionID) {
            return sessions.get(Hex.toHexString(sessionID));
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            TlsSession session = context.getResumableSession();
            if (session != null) {
                sessions.put(Hex.toHexString(session.getSessionID()), session);
            }
        }
    }
}
