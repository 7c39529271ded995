package org.staplekit.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.staplekit.CertificateChain;
import org.staplekit.testkit.Pki;
import org.staplekit.StaplingEngine;
import org.staplekit.bc.JdkClient;

/** The BcStaplingServer tool, run as its own JVM the way a user runs it. */
@Timeout(60)
class BcStaplingServerTest {
    private static final Pattern LISTENING = Pattern.compile("listening on (\\d+)");

    private Pki pki;
    private Process process;
    private JMXConnector jmx;

    @BeforeEach
    void startPki() throws Exception {
        pki = Pki.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (jmx != null) {
            jmx.close();
        }
        if (process != null) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        pki.close();
    }

    /** Starts the tool with these JVM options and arguments; returns the port it printed. */
    private int start(List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.add("-Xcheck:jni");
        // What this JVM was given for JDK 24+'s native access warning, the tool gets too.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> option.startsWith("--enable-native-access"))
                .forEach(command::add);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BcStaplingServer.class.getName());
        command.addAll(Arrays.asList(args));
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                return "cannot read: " + e;
            }
        }).get(30, TimeUnit.SECONDS);
        assertNotNull(line, "the tool exited before listening");
        Matcher m = LISTENING.matcher(line);
        assertTrue(m.matches(), line);
        return Integer.parseInt(m.group(1));
    }

    /**
     * The tool's MBeanServer, as JConsole reaches it: through the attach API, which starts the
     * process's local management agent.
     */
    private MBeanServerConnection mbeans() throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(process.pid()));
        try {
            jmx = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
        } finally {
            vm.detach();
        }
        return jmx.getMBeanServerConnection();
    }

    /** The tool's registered certificates, once the first is held with {@code source}. */
    private static CompositeData[] awaitLeaf(MBeanServerConnection mbeans, ObjectName name,
            String source) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        while (true) {
            CompositeData[] certificates =
                    (CompositeData[]) mbeans.getAttribute(name, "Certificates");
            if (certificates.length > 0 && "good".equals(certificates[0].get("status"))
                    && source.equals(certificates[0].get("source"))) {
                return certificates;
            }
            assertTrue(Instant.now().isBefore(deadline), "the leaf never held a good " + source
                    + " response: " + Arrays.toString(certificates));
            Thread.sleep(50);
        }
    }

    private String[] serverArgs(String... more) {
        List<String> args = new ArrayList<>(Arrays.asList("--cert", pki.pki().leafChain().toString(),
                "--key", pki.pki().leafKey().toString(), "--port", "0"));
        args.addAll(Arrays.asList(more));
        return args.toArray(new String[0]);
    }

    @Test
    void printsListeningOnItsPortAndStaplesForAJdkClient() throws Exception {
        int port = start(List.of(), serverArgs());
        JdkClient.Result tls12 = JdkClient.handshake(JdkClient.context(pki.root(), true), port,
                "TLSv1.2");
        assertEquals(2, tls12.stapled());
        assertTrue(tls12.response.endsWith(
                "hello from staplekit: stapled status_request_v2 with ocsp_multi, responses for 2 of 3"
                + " certificates\n"),
                tls12.response);
        JdkClient.Result tls13 = JdkClient.handshake(JdkClient.context(pki.root(), true), port,
                "TLSv1.3");
        assertEquals(2, tls13.stapled());
    }

    @Test
    void registersTheChainAtStartUpAndShowsTheEngineAsAnMBean() throws Exception {
        int port = start(List.of(), serverArgs("--jmx-name", "bc-tool"));
        MBeanServerConnection mbeans = mbeans();
        ObjectName name = new ObjectName("org.staplekit:type=StaplingEngine,name=bc-tool");
        assertTrue(mbeans.isRegistered(name));
        // Before any connection: only a registered chain is fetched ahead and listed.
        CompositeData[] certificates = awaitLeaf(mbeans, name, "fetched");
        assertEquals(2, certificates.length, "leaf and intermediate");
        assertEquals("CN=staplekit test leaf", certificates[0].get("subject"));
        assertEquals(0L, mbeans.getAttribute(name, "Hits"));

        JdkClient.Result tls12 = JdkClient.handshake(JdkClient.context(pki.root(), true), port,
                "TLSv1.2");
        assertEquals(2, tls12.stapled());
        assertEquals(2L, mbeans.getAttribute(name, "Hits"));
        assertEquals(0L, mbeans.getAttribute(name, "Misses"));
        assertEquals(1L, mbeans.getAttribute(name, "StaplesServed"));
    }

    @Test
    void staplesTheResponseFileBesideTheChainWhileTheResponderIsDown() throws Exception {
        Path chainFile = pki.pki().leafChain();
        byte[] response;
        try (StaplingEngine engine = StaplingEngine.builder().build();
                CertificateChain chain = engine.parseChain(Pem.certificates(chainFile))) {
            response = engine.check(chain, Duration.ofSeconds(10)).get(0).response().orElseThrow();
        }
        Files.write(Paths.get(chainFile + ".ors"), response);
        pki.pki().close();

        int port = start(List.of(), serverArgs());
        MBeanServerConnection mbeans = mbeans();
        Set<ObjectName> names =
                mbeans.queryNames(new ObjectName("org.staplekit:type=StaplingEngine,*"), null);
        assertEquals(1, names.size(), names.toString());
        ObjectName name = names.iterator().next();
        assertEquals("CN=staplekit test leaf@" + port,
                ObjectName.unquote(name.getKeyProperty("name")),
                "named after the leaf and the port by default");
        awaitLeaf(mbeans, name, "static-file");

        // The intermediate has no response at all: a client that checks only what is stapled.
        JdkClient.Result result = JdkClient.handshake(JdkClient.context(pki.root(), false), port,
                "TLSv1.2");
        assertArrayEquals(response, result.statusResponses.get(0), "the .ors file, as it is");
    }

    @Test
    void readsThePropertiesFileAndLetsDashDOverrideIt() throws Exception {
        Path file = pki.pki().file("stapling.properties");
        Files.write(file, List.of("jdk.tls.server.enableStatusRequestExtension = false"));
        int off = start(List.of(), serverArgs("--properties", file.toString()));
        JdkClient.Result result = JdkClient.handshake(JdkClient.context(pki.root(), false), off,
                "TLSv1.2");
        assertEquals(0, result.stapled());
        assertTrue(result.response.endsWith("stapled nothing\n"), result.response);
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);

        int on = start(List.of("-Djdk.tls.server.enableStatusRequestExtension=true"),
                serverArgs("--properties", file.toString()));
        assertEquals(2, JdkClient.handshake(JdkClient.context(pki.root(), true), on, "TLSv1.2")
                .stapled());
    }

    @Test
    void badArgumentsAreRefusedWithUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertNull(BcStaplingServer.options(new String[] {"--cert", "a", "--key", "b"}, print));
        assertNull(BcStaplingServer.options(new String[] {"--cert", "a", "--key", "b", "--port",
            "99999"}, print));
        assertNull(BcStaplingServer.options(new String[] {"--cret", "a"}, print));
        assertNull(BcStaplingServer.options(new String[] {"--cert"}, print));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("missing --port"), text);
        assertTrue(text.contains("--port 99999 is not a port number"), text);
        assertTrue(text.contains("unknown option --cret"), text);
        assertTrue(text.contains("--cert needs a value"), text);
        assertNotNull(BcStaplingServer.options(new String[] {"--cert", "a", "--key", "b", "--port",
            "0"}, print));
        assertEquals("x", BcStaplingServer.options(new String[] {"--cert", "a", "--key", "b",
            "--port", "0", "--jmx-name", "x"}, print).get("--jmx-name"));
    }
}
