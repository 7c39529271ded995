package org.staplekit.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;

/**
 * The plainest stock JDK server, for the demo and {@code bench/agent}: the default SSLContext (its key store
 * from {@code javax.net.ssl.keyStore}), an {@link SSLServerSocket} on 127.0.0.1, a small HTTP
 * answer per connection. Stapling is whatever the JVM's options say (the agent, the JDK's own
 * properties, or none). Run in a child JVM; prints {@code listening on PORT}.
 */
public final class JdkSocketServer {
    private static final byte[] ANSWER = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
            .getBytes(StandardCharsets.US_ASCII);

    private JdkSocketServer() {}

    public static void main(String[] args) throws IOException {
        SSLServerSocket server = (SSLServerSocket) SSLServerSocketFactory.getDefault()
                .createServerSocket(0, 128, InetAddress.getLoopbackAddress());
        System.out.println("listening on " + server.getLocalPort());
        ExecutorService workers = Executors.newFixedThreadPool(4);
        while (true) {
            Socket socket = server.accept();
            workers.execute(() -> answer(socket));
        }
    }

    /** Reads the request's head, answers, closes; a failed connection is the client's business. */
    private static void answer(Socket socket) {
        try (socket) {
            socket.setSoTimeout(20_000);
            // Small writes would otherwise wait for delayed ACKs (Nagle), tens of ms each.
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            int state = 0; // how much of "\r\n\r\n" was just seen
            for (int b; state < 4 && (b = in.read()) >= 0; ) {
                state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1)
                        ? state + 1 : (b == '\r' ? 1 : 0);
            }
            OutputStream out = socket.getOutputStream();
            out.write(ANSWER);
            out.flush();
        } catch (IOException e) {
            // A client that went away; the next connection is served as usual.
        }
    }
}
