package org.staplekit.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Command-line TLS clients as peers of a server under test: {@code openssl s_client -status}
 * and {@code curl --cert-status} (both installed by {@code ./gradlew}).
 */
public final class CommandPeers {
    private CommandPeers() {}

    /** A finished command: its exit status and what it printed (stdout and stderr). */
    public static final class Run {
        /** The exit status. */
        public final int status;
        /** stdout and stderr, interleaved. */
        public final String output;

        Run(int status, String output) {
            this.status = status;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + status + ":\n" + output;
        }
    }

    /**
     * {@code openssl s_client -status} to 127.0.0.1:port with SNI {@code serverName}, trusting
     * {@code caFile}; its input is empty, so it ends after the handshake.
     */
    public static Run sClient(int port, Path caFile, String serverName)
            throws IOException, InterruptedException {
        return run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-status",
                "-servername", serverName, "-CAfile", caFile.toString()));
    }

    /**
     * {@code curl --cert-status} for https://localhost:port/ trusting {@code caFile}, over HTTP/2
     * (ALPN h2) when {@code http2}, else HTTP/1.1. Exit status 0 only with a good staple.
     */
    public static Run curl(int port, Path caFile, boolean http2)
            throws IOException, InterruptedException {
        return run(List.of("curl", "--silent", "--show-error", "--max-time", "20",
                "--cert-status", "--cacert", caFile.toString(),
                http2 ? "--http2" : "--http1.1", "https://localhost:" + port + "/"));
    }

    /** Runs {@code command} with empty input, for at most 30 s. */
    public static Run run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                in.transferTo(output);
            } catch (IOException ignored) {
                // The process is gone; what was read is kept.
            }
        });
        pump.start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        pump.join(5_000);
        return new Run(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    }
}
