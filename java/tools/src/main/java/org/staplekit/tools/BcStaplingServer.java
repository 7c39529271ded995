package org.staplekit.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.staplekit.CertificateChain;
import org.staplekit.StaplingEngine;
import org.staplekit.bc.StaplingTlsServer;

/**
 * A TLS server on Bouncy Castle that staples through the engine, answering each connection's
 * request (anything ending with an empty line) with a short text.
 *
 * <pre>
 * java -cp 'lib/*' org.staplekit.tools.BcStaplingServer --cert CHAIN.pem --key KEY.pem --port N
 *     [--properties FILE] [--bind ADDRESS] [--jmx-name NAME]
 * </pre>
 *
 * <p>The engine reads each property from the {@code -D} system properties first; then from
 * {@code --properties FILE} ({@code java.security} format) if given, else from the JVM's
 * security properties; then its default. At start-up the chain is registered with the engine
 * (its responses fetched in the background and kept fresh; {@code CHAIN.pem.ors}, a DER OCSP
 * response beside the chain file, is stapled when present), and the engine's MBean is
 * registered as {@code org.staplekit:type=StaplingEngine,name=NAME} (by default
 * {@code <leaf subject>@<port>}). Prints {@code listening on PORT} once ready (the port
 * actually bound, useful with {@code --port 0}); logs go through {@code System.Logger}.
 */
public final class BcStaplingServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BcStaplingServer.class.getName());
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private final StaplingEngine engine;
    private final CertificateChain chain;
    private final PrivateKey key;
    private final JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(new SecureRandom());
    private final ServerSocket socket;
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "staplekit-connection");
        thread.setDaemon(true);
        return thread;
    });
    private final Thread acceptor;

    /**
     * Binds {@code address:port} (0 for any free port) and starts accepting. The engine and the
     * chain stay the caller's to close.
     */
    public BcStaplingServer(StaplingEngine engine, CertificateChain chain, PrivateKey key,
            InetAddress address, int port) throws IOException {
        this.engine = engine;
        this.chain = chain;
        this.key = key;
        this.socket = new ServerSocket();
        socket.bind(new InetSocketAddress(address, port));
        this.acceptor = new Thread(this::acceptLoop, "staplekit-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port bound. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Stops accepting, then waits briefly for open connections. */
    @Override
    public void close() throws IOException {
        socket.close();
        connections.shutdown();
        try {
            connections.awaitTermination(5, TimeUnit.SECONDS);
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                connections.execute(() -> serve(client));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                LOG.log(Level.WARNING, "accept failed: {0}", e.toString());
            }
        }
    }

    private void serve(Socket client) {
        try (Socket s = client) {
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            TlsServerProtocol protocol = new TlsServerProtocol(s.getInputStream(), s.getOutputStream());
            StaplingTlsServer server = new StaplingTlsServer(crypto, engine, chain, key);
            protocol.accept(server);
            respond(protocol.getInputStream(), protocol.getOutputStream(), server);
            protocol.close();
        } catch (IOException e) {
            LOG.log(Level.INFO, "connection from {0} failed: {1}",
                    client.getRemoteSocketAddress(), e.toString());
        }
    }

    private static void respond(InputStream in, OutputStream out, StaplingTlsServer server)
            throws IOException {
        BufferedReader request = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = request.readLine(); line != null && !line.isEmpty();
                line = request.readLine()) {
            // Reads the request up to its empty line; its content does not matter.
        }
        String body = "hello from staplekit: stapled "
                + server.staple().map(Object::toString).orElse("nothing") + "\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** Runs the tool; see the class comment. Exit status 2 for bad arguments. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args, System.err);
        if (options == null) {
            System.exit(2);
            return;
        }
        StaplingEngine engine = ServerTool.engine(options);
        Path chainFile = Paths.get(options.get("--cert"));
        CertificateChain chain = engine.parseChain(Pem.certificates(chainFile));
        PrivateKey key = Pem.privateKey(Paths.get(options.get("--key")));
        engine.register(chain, chainFile);
        ServerTool.logRegistered(LOG, chainFile);
        InetAddress address = InetAddress.getByName(options.getOrDefault("--bind", "127.0.0.1"));
        BcStaplingServer server = new BcStaplingServer(engine, chain, key, address,
                Integer.parseInt(options.get("--port")));
        ServerTool.registerMBean(LOG, engine, chain, options, server.port());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing: {0}", e.toString());
            }
            chain.close();
            engine.close();
        }));
        ServerTool.ready(server.port());
        server.acceptor.join();
    }

    /** The options, or null after printing why they are wrong. */
    static Map<String, String> options(String[] args, PrintStream err) {
        return ServerTool.options("BcStaplingServer", args, err);
    }
}
