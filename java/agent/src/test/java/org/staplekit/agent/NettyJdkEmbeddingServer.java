package org.staplekit.agent;

import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link NettyJdkServer} built from PEM files ({@code SslContextBuilder.forServer(chain, key)}),
 * which the agent cannot read: the chain is registered with the embedding API,
 * {@link JdkStapling}, before the {@code SslContext} is built. Run in a child JVM without the
 * agent; prints {@code listening on PORT}.
 *
 * <p>Arguments: the PEM chain (leaf first) and the PKCS#8 PEM key.
 */
public final class NettyJdkEmbeddingServer {
    private NettyJdkEmbeddingServer() {}

    public static void main(String[] args) throws Exception {
        List<X509Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .forEach(c -> chain.add((X509Certificate) c));
        }
        // Kept for the JVM's life, as the server runs until it is killed.
        JdkStapling stapling = JdkStapling.builder().chain(chain).start();
        System.err.println(stapling.summary());
        NettyJdkServer.serve(SslContextBuilder.forServer(new File(args[0]), new File(args[1])));
    }
}
