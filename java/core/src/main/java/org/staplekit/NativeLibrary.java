package org.staplekit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Loads the native library once: {@code System.loadLibrary("staplekit")} first (a library the
 * deployment put on {@code java.library.path} wins), else the library for this platform packed
 * in the jar under {@code /native/<os>-<arch>/}, copied to a temporary file and loaded from
 * there. The test kit's library ({@code staplekit_testing}) is loaded the same way, by
 * {@link #load(String, Class)}.
 */
public final class NativeLibrary {
    private static final System.Logger LOG = System.getLogger(NativeLibrary.class.getName());
    private static final String NAME = "staplekit";

    /** Where each library loaded so far came from, by name. */
    private static final Map<String, String> ORIGINS = new HashMap<>();

    private NativeLibrary() {}

    /**
     * Loads the staplekit library if it is not loaded yet.
     *
     * @throws UnsatisfiedLinkError if neither {@code java.library.path} nor the jar has it
     */
    public static void load() {
        load(NAME, NativeLibrary.class);
    }

    /**
     * Loads the library {@code name} if it is not loaded yet: from {@code java.library.path},
     * else from the jar that holds {@code packedBeside} (under {@link #resourcePath(String)}).
     * For the org.staplekit modules that ship a library of their own (the test kit's).
     *
     * @return where it was loaded from: {@code java.library.path} or {@code jar:/native/...}
     * @throws UnsatisfiedLinkError if neither {@code java.library.path} nor the jar has it
     */
    public static synchronized String load(String name, Class<?> packedBeside) {
        String origin = ORIGINS.get(name);
        if (origin != null) {
            return origin;
        }
        try {
            System.loadLibrary(name);
            origin = "java.library.path";
        } catch (UnsatisfiedLinkError notOnPath) {
            origin = loadFromJar(name, packedBeside, notOnPath);
        }
        ORIGINS.put(name, origin);
        LOG.log(Level.DEBUG, "native library {0} loaded from {1}", name, origin);
        return origin;
    }

    /**
     * Where the staplekit library was loaded from: {@code java.library.path} or
     * {@code jar:/native/...}; loads it first if needed.
     */
    public static String origin() {
        return load(NAME, NativeLibrary.class);
    }

    /**
     * The jar's resource path for this platform's staplekit library, e.g.
     * {@code /native/linux-x86_64/libstaplekit.so}.
     */
    public static String resourcePath() {
        return resourcePath(NAME);
    }

    /**
     * The jar's resource path for this platform's library {@code name}, e.g.
     * {@code /native/linux-x86_64/libstaplekit_testing.so} for {@code staplekit_testing}.
     */
    public static String resourcePath(String name) {
        return "/native/" + platform() + "/" + System.mapLibraryName(name);
    }

    /**
     * This platform as {@code <os>-<arch>}: os is {@code linux}, {@code macos} or
     * {@code windows}, arch {@code x86_64} or {@code aarch64}, other names lower-cased as the JVM
     * reports them. Keep in sync with {@code nativePlatform} in {@code gradle/cargo.gradle}.
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

    private static String loadFromJar(String name, Class<?> packedBeside,
            UnsatisfiedLinkError notOnPath) {
        String resource = resourcePath(name);
        try (InputStream in = packedBeside.getResourceAsStream(resource)) {
            if (in == null) {
                UnsatisfiedLinkError error = new UnsatisfiedLinkError("the native library " + name
                        + " is neither on java.library.path (" + notOnPath.getMessage()
                        + ") nor in the jar as " + resource + " (no build for this platform)");
                error.initCause(notOnPath);
                throw error;
            }
            Path dir = Files.createTempDirectory("staplekit-native");
            Path file = dir.resolve(System.mapLibraryName(name));
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
