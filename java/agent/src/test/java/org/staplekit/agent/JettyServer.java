package org.staplekit.agent;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty 12 serving HTTPS the way its users configure it: {@code SslContextFactory.Server} with a
 * PKCS12 key store, a {@code ServerConnector} with TLS then HTTP/1.1. Nothing here knows about
 * stapling: the agent ({@code -javaagent:}) or the JDK's own properties do it. Run in a child
 * JVM by the tests; prints {@code listening on PORT}.
 *
 * <p>Arguments: the key store and its password.
 */
public final class JettyServer {
    private JettyServer() {}

    public static void main(String[] args) throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(args[0]);
        tls.setKeyStorePassword(args[1]);
        tls.setKeyStoreType("PKCS12");
        HttpConfiguration https = new HttpConfiguration();
        // The test client names no host (SNI) it could be checked against.
        https.addCustomizer(new SecureRequestCustomizer(false));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(https));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.start();
        System.out.println("listening on " + connector.getLocalPort());
        server.join();
    }
}
