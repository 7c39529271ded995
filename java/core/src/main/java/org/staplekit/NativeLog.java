package org.staplekit;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the native library's log records go: {@code System.Logger}s named
 * {@code org.staplekit.native.<module>}, e.g. {@code org.staplekit.native.engine} for the
 * engine's fetch outcomes. The native side drops records below the most verbose level
 * {@code org.staplekit.native} accepted when the library was loaded.
 */
final class NativeLog {
    /** The parent of every native logger. */
    static final String ROOT = "org.staplekit.native";

    /** Level codes of the native side (1 error to 5 trace); keep in sync with src/jni/logging.rs. */
    private static final Level[] LEVELS =
        {Level.OFF, Level.ERROR, Level.WARNING, Level.INFO, Level.DEBUG, Level.TRACE};

    private static final Map<String, Logger> LOGGERS = new ConcurrentHashMap<>();

    private NativeLog() {}

    /** Installs the native side's logger at the level {@link #ROOT} accepts now. */
    static void install() {
        Native.loggingInit(maxLevel());
    }

    /** The most verbose level code {@link #ROOT} accepts, 0 for none. */
    static int maxLevel() {
        Logger root = System.getLogger(ROOT);
        for (int code = LEVELS.length - 1; code > 0; code--) {
            if (root.isLoggable(LEVELS[code])) {
                return code;
            }
        }
        return 0;
    }

    /** Called by the native library for each record. */
    static void log(int level, String target, String message) {
        Level javaLevel = level > 0 && level < LEVELS.length ? LEVELS[level] : Level.INFO;
        LOGGERS.computeIfAbsent(target, t -> System.getLogger(loggerName(t)))
                .log(javaLevel, message);
    }

    /** {@code staplekit::tls::selection} becomes {@code org.staplekit.native.tls.selection}. */
    static String loggerName(String target) {
        String module = target.startsWith("staplekit") ? target.substring("staplekit".length()) : target;
        return ROOT + module.replace("::", ".");
    }
}
