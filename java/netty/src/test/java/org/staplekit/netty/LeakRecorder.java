package org.staplekit.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's leak detector at PARANOID (every buffer and engine tracked), with every report kept,
 * so that a test fails when Netty reports a leak rather than only logging it. Installed by each
 * test class before it touches Netty: the detectors are created when Netty's classes load.
 */
final class LeakRecorder extends ResourceLeakDetectorFactory {
    private static final List<String> REPORTS = new ArrayList<>();
    private static boolean installed;

    private LeakRecorder() {}

    /** Installs the recorder (once per JVM) and sets the level to PARANOID. */
    static synchronized void install() {
        if (!installed) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
            ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new LeakRecorder());
            installed = true;
        }
    }

    /**
     * Collects garbage, lets the detectors look (they report on their next allocation), and
     * asserts nothing was reported.
     */
    static void assertNoLeaks() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(100);
            for (int i = 0; i < 100; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(64);
                pooled.release();
                unpooled.release();
            }
        }
        synchronized (REPORTS) {
            assertEquals(List.of(), REPORTS, "Netty's leak detector reported leaks");
        }
    }

    // Abstract, though deprecated: every factory must still implement it.
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource,
            int samplingInterval, long maxActive) {
        return new Recording<>(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource,
            int samplingInterval) {
        return new Recording<>(resource, samplingInterval);
    }

    private static final class Recording<T> extends ResourceLeakDetector<T> {
        Recording(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record(resourceType + " leaked: " + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record(resourceType + " leaked");
        }

        private static void record(String report) {
            synchronized (REPORTS) {
                REPORTS.add(report);
            }
        }
    }
}
