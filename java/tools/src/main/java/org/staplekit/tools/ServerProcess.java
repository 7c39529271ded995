package org.staplekit.tools;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A server's {@code main} (such as {@link JdkSocketServer}, or the agent tests' Jetty and Tomcat
 * servers) running in a child JVM of its own, as users run servers: the JDK reads its stapling
 * properties per JVM and per SSLContext, so each configuration needs its own JVM. The child
 * prints {@code listening on PORT} once it serves; closing kills it, on every path. Used by the
 * demo, {@code bench/agent} and the agent's tests.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (\\d+)");

    private final Process process;
    private final int port;
    private final StringBuffer log;

    private ServerProcess(Process process, int port, StringBuffer log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code main} with {@code jvmArguments} and {@code arguments} on this JVM's own
     * class path and {@code java}, and waits (at most 60 s) for {@code listening on PORT}.
     *
     * @throws IllegalStateException if the child exits or stays silent; the message holds what
     *     it printed
     */
    public static ServerProcess start(Class<?> main, List<String> jvmArguments, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(jvmArguments);
        command.add("-cp");
        command.add(classPath().stream()
                .filter(e -> !e.contains("junit-platform-console-standalone"))
                .collect(Collectors.joining(File.pathSeparator)));
        command.add(main.getName());
        command.addAll(Arrays.asList(arguments));
        Process process = new ProcessBuilder(command).start();
        ServerProcess server = null;
        try {
            CompletableFuture<Integer> port = new CompletableFuture<>();
            StringBuffer log = new StringBuffer();
            pump(process, true, log, port);
            pump(process, false, log, port);
            process.onExit().thenRun(() -> port.completeExceptionally(new IllegalStateException(
                    main.getSimpleName() + " exited with status " + process.exitValue()
                            + " before listening:\n" + log)));
            int listening;
            try {
                listening = port.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException(main.getSimpleName()
                        + " did not print \"listening on PORT\" within 60 s:\n" + log);
            }
            server = new ServerProcess(process, listening, log);
            return server;
        } finally {
            if (server == null) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The port it serves HTTPS on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** What it printed so far (stdout and stderr, interleaved by line). */
    public String log() {
        return log.toString();
    }

    /** Kills the JVM (no shutdown hooks: the hardest stop) and waits for it. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> classPath() {
        return Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    }

    /** Copies one of the child's streams into {@code log}, completing {@code port} on the line. */
    private static void pump(Process process, boolean stdout, StringBuffer log,
            CompletableFuture<Integer> port) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    stdout ? process.getInputStream() : process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    log.append(line).append('\n');
                    Matcher listening = LISTENING.matcher(line);
                    if (stdout && listening.find()) {
                        port.complete(Integer.parseInt(listening.group(1)));
                    }
                }
            } catch (IOException e) {
                log.append("(reading the child's output failed: ").append(e).append(")\n");
            }
        }, "child-output");
        thread.setDaemon(true);
        thread.start();
    }
}
