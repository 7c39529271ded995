package org.staplekit.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

/**
 * Tomcat 11 embedded serving HTTPS the way its users configure it (a {@code Connector} with an
 * {@code SSLHostConfig} and a certificate key store), with stapling from the embedding API
 * {@link JdkStapling}, started before the connector builds its SSLContext. Run in a child JVM
 * by the tests; prints {@code listening on PORT}.
 *
 * <p>Arguments: the key store (PKCS12) and its password.
 */
public final class TomcatServer {
    private TomcatServer() {}

    public static void main(String[] args) throws Exception {
        String keyStore = args[0];
        String password = args[1];
        // The one line to add: before Tomcat creates its SSLContext.
        JdkStapling stapling = JdkStapling.builder()
                .keyStore(Path.of(keyStore), "PKCS12", password.toCharArray())
                .start();
        System.err.println(stapling.summary());

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("staplekit-tomcat").toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setScheme("https");
        connector.setSecure(true);
        connector.setProperty("SSLEnabled", "true");
        SSLHostConfig host = new SSLHostConfig();
        SSLHostConfigCertificate certificate =
                new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
        certificate.setCertificateKeystoreFile(keyStore);
        certificate.setCertificateKeystorePassword(password);
        certificate.setCertificateKeystoreType("PKCS12");
        host.addCertificate(certificate);
        connector.addSslHostConfig(host);
        tomcat.setConnector(connector);
        tomcat.getHost();
        tomcat.start();
        System.out.println("listening on " + connector.getLocalPort());
        tomcat.getServer().await();
    }
}
