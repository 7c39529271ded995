package org.staplekit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads the native library once: {@code System.loadLibrary("staplekit")} first (a library the
 * deployment put on {@code java.library.path} wins), else the library for this platform packed
 * in the jar under {@code /native/<os>-<arch>/}, copied to a temporary file and loaded from
 * there.
 */
public final class NativeLibrary {
    private static final System.Logger LOG = System.getLogger(NativeLibrary.class.getName());
    private static final String NAME = "staplekit";

    private static String origin;

    private NativeLibrary() {}

    /**
     * Loads the library if it is not loaded yet.
     *
     * @throws UnsatisfiedLinkError if neither {@code java.library.path} nor the jar has it
     */
    public static synchronized void load() {
        if (origin != null) {
            return;
        }
        try {
            System.loadLibrary(NAME);
            origin = "java.library.path";
        } catch (UnsatisfiedLinkError notOnPath) {
            origin = loadFromJar(notOnPath);
        }
        LOG.log(Level.DEBUG, "staplekit native library loaded from {0}", origin);
    }

    /**
     * Where the library was loaded from: {@code java.library.path} or {@code jar:/native/...};
     * loads it first if needed.
     */
    public static synchronized String origin() {
        load();
        return origin;
    }

    /**
     * The jar's resource path for this platform's library, e.g.
     * {@code /native/linux-x86_64/libstaplekit.so}.
     */
    public static String resourcePath() {
        return "/native/" + platform() + "/" + System.mapLibraryName(NAME);
    }

    /**
     * This platform as {@code <os>-<arch>}: os is {@code linux}, {@code macos} or
     * {@code windows}, arch {@code x86_64} or {@code aarch64}, other names lower-cased as the JVM
     * reports them. Keep in sync with {@code nativePlatform} in {@code java/build.gradle}.
     */
    public static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            os = "linux";
        } else if (os.startsWith("mac") || os.startsWith("darwin")) {
            os = "macos";
        } else if (os.startsWith("windows")) {
            os = "windows";
        }
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            arch = "x86_64";
        } else if (arch.equals("arm64") || arch.equals("aarch64")) {
            arch = "aarch64";
        }
        return os.replace(' ', '_') + "-" + arch;
    }

    private static String loadFromJar(UnsatisfiedLinkError notOnPath) {
        String resource = resourcePath();
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                UnsatisfiedLinkError error = new UnsatisfiedLinkError("the staplekit native library"
                        + " is neither on java.library.path (" + notOnPath.getMessage()
                        + ") nor in the jar as " + resource + " (no build for this platform)");
                error.initCause(notOnPath);
                throw error;
            }
            Path dir = Files.createTempDirectory("staplekit-native");
            Path file = dir.resolve(System.mapLibraryName(NAME));
            Files.copy(in, file);
            System.load(file.toAbsolutePath().toString());
            deleteLoaded(dir, file);
            return "jar:" + resource;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + resource + " to a temporary file", e);
        }
    }

    /**
     * Removes the temporary copy: at once where a loaded library may be unlinked (not Windows),
     * else when the JVM exits.
     */
    private static void deleteLoaded(Path dir, Path file) {
        try {
            Files.delete(file);
            Files.delete(dir);
        } catch (IOException stillInUse) {
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
        }
    }
}
