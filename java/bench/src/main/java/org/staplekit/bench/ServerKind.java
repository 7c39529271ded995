package org.staplekit.bench;

/** The four servers compared: two TLS stacks, each with stapling on and off. */
enum ServerKind {
    /** SunJSSE's SSLServerSocket with {@code jdk.tls.server.enableStatusRequestExtension=true}. */
    JDK_STAPLING("JDK (SunJSSE)", true),
    /** The same without stapling (the JDK's default). */
    JDK_PLAIN("JDK (SunJSSE)", false),
    /** Bouncy Castle's TLS server stapling through staplekit ({@code StaplingTlsServer}). */
    STAPLEKIT("Bouncy Castle + staplekit", true),
    /** Bouncy Castle's TLS server without the engine ({@code PlainTlsServer}). */
    BC_PLAIN("Bouncy Castle", false);

    /** The TLS stack, as the tables name it. */
    final String stack;
    /** Whether this server staples. */
    final boolean stapling;

    ServerKind(String stack, boolean stapling) {
        this.stack = stack;
        this.stapling = stapling;
    }

    /** The server of the same stack with stapling the other way. */
    ServerKind other() {
        switch (this) {
            case JDK_STAPLING:
                return JDK_PLAIN;
            case JDK_PLAIN:
                return JDK_STAPLING;
            case STAPLEKIT:
                return BC_PLAIN;
            default:
                return STAPLEKIT;
        }
    }

    /** E.g. {@code JDK (SunJSSE), stapling on}. */
    String label() {
        return stack + ", stapling " + (stapling ? "on" : "off");
    }
}
