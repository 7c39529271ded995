package org.staplekit.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The TLS clients other than the JDK's that the Netty tests run against a server: OpenSSL's
 * {@code s_client -status}, which prints the leaf's staple, and {@code curl --cert-status},
 * which fails unless the leaf's stapled response is good and verifies. Each run is bounded.
 */
final class Peers {
    /** How long one client may take. */
    private static final long TIMEOUT_SECONDS = 30;

    private Peers() {}

    /** What a client printed and how it ended. */
    static final class Run {
        final int exitStatus;
        final String output;

        Run(int exitStatus, String output) {
            this.exitStatus = exitStatus;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit status " + exitStatus + ":\n" + output;
        }
    }

    /**
     * {@code openssl s_client -status} on {@code protocol} ({@code -tls1_2}, {@code -tls1_3}),
     * checking the chain against {@code root}; its input is closed at once, so it ends after the
     * handshake.
     */
    static Run sClient(Path root, int port, String protocol) throws IOException,
            InterruptedException {
        return run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-CAfile", root.toString(), "-verify_return_error",
                protocol, "-status"));
    }

    /**
     * {@code curl --cert-status} fetching {@code https://localhost:PORT/} (resolved to
     * 127.0.0.1) with {@code options} ({@code --http1.1}, {@code --http2}, {@code --tlsv1.3}...),
     * trusting {@code root} only; prints the body, then the HTTP version on its own line.
     */
    static Run curl(Path root, int port, String... options) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error",
                "--cert-status", "--cacert", root.toString(), "--resolve",
                "localhost:" + port + ":127.0.0.1", "--max-time", "20",
                "--write-out", "version %{http_version}\n"));
        command.addAll(List.of(options));
        command.add("https://localhost:" + port + "/");
        return run(command);
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            process.getOutputStream().close();
            CompletableFuture<String> output = read(process.getInputStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(command + " did not end within "
                        + TIMEOUT_SECONDS + " s");
            }
            return new Run(process.exitValue(), output.join());
        } finally {
            process.destroyForcibly();
        }
    }

    private static CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(reading the output failed: " + e + ")";
            }
        });
    }
}
