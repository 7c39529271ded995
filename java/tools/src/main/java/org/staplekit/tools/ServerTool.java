package org.staplekit.tools;

import java.io.PrintStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.staplekit.CertificateChain;
import org.staplekit.JmxRegistration;
import org.staplekit.StaplingEngine;
import org.staplekit.StaplingEngineBuilder;
import org.staplekit.StaplingException;

/**
 * What the stapling server tools ({@link BcStaplingServer}, {@link NettyStaplingServer}) share:
 * their options, the engine set-up (-D over the properties file over the defaults), the log
 * line about the chain file and its {@code .ors}, and the MBean's name.
 */
final class ServerTool {
    private ServerTool() {}

    /** The options every server tool takes. */
    static final List<String> KNOWN = List.of("--cert", "--key", "--port", "--properties",
            "--bind", "--jmx-name");

    /** The options, or null after printing why they are wrong (with {@code tool}'s usage). */
    static Map<String, String> options(String tool, String[] args, PrintStream err) {
        Map<String, String> options = new LinkedHashMap<>();
        String usage = "usage: " + tool + " --cert CHAIN.pem --key KEY.pem --port N"
                + " [--properties FILE] [--bind ADDRESS] [--jmx-name NAME]";
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (!KNOWN.contains(name)) {
                err.println("unknown option " + name + "\n" + usage);
                return null;
            }
            if (i + 1 >= args.length) {
                err.println(name + " needs a value\n" + usage);
                return null;
            }
            options.put(name, args[i + 1]);
        }
        for (String required : new String[] {"--cert", "--key", "--port"}) {
            if (!options.containsKey(required)) {
                err.println("missing " + required + "\n" + usage);
                return null;
            }
        }
        try {
            int port = Integer.parseInt(options.get("--port"));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("--port " + options.get("--port") + " is not a port number (0 to 65535)");
            return null;
        }
        return options;
    }

    /** The engine: -D over {@code --properties} (if given, else the security properties). */
    static StaplingEngine engine(Map<String, String> options) throws StaplingException {
        StaplingEngineBuilder builder = StaplingEngine.builder().jvmSettings();
        if (options.containsKey("--properties")) {
            builder.propertiesFile(Paths.get(options.get("--properties")));
        }
        return builder.build();
    }

    /** Says which chain file was registered, and whether an {@code .ors} beside it is used. */
    static void logRegistered(Logger log, Path chainFile) {
        // The engine logs what it registered; this says which file, and whether an .ors is used.
        Path ors = Paths.get(chainFile + ".ors");
        log.log(Level.INFO, "chain file {0}: registered with the engine, {1}", chainFile,
                Files.exists(ors) ? "with the response file " + ors.getFileName()
                        : "no " + ors.getFileName() + " beside it");
    }

    /** Registers the engine's MBean as {@code --jmx-name}, by default {@code <leaf>@<port>}. */
    static JmxRegistration registerMBean(Logger log, StaplingEngine engine,
            CertificateChain chain, Map<String, String> options, int port) {
        String leaf = chain.certificates().get(0).getSubjectX500Principal().getName();
        JmxRegistration mbean = engine.registerMBean(
                options.getOrDefault("--jmx-name", leaf + "@" + port));
        log.log(Level.INFO, "JMX: the engine''s statistics are the MBean {0}", mbean);
        return mbean;
    }

    /** Prints the line the tests and scripts wait for. */
    static void ready(int port) {
        System.out.println("listening on " + port);
        System.out.flush();
    }
}
