package org.staplekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.staplekit.testkit.Pki;

/** The native library's log records reach System.Logger (java.util.logging here). */
@Timeout(60)
class LoggingTest {
    @Test
    void targetsBecomeLoggerNamesUnderOrgStaplekitNative() {
        assertEquals("org.staplekit.native.engine", NativeLog.loggerName("staplekit::engine"));
        assertEquals("org.staplekit.native.tls.selection",
                NativeLog.loggerName("staplekit::tls::selection"));
        assertEquals("org.staplekit.native", NativeLog.loggerName("staplekit"));
    }

    @Test
    void aFetchThreadsWarningArrivesAsAWarningRecord() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger(NativeLog.ROOT);
        root.addHandler(handler);
        try (Pki pki = Pki.start();
                StaplingEngine engine = StaplingEngine.builder().build();
                CertificateChain chain = engine.parseChain(pki.leafChain())) {
            pki.pki().close();
            List<CertificateReport> reports = engine.check(chain, Duration.ofSeconds(10));
            assertEquals(CertificateReport.Outcome.FAILED, reports.get(0).outcome());

            Instant deadline = Instant.now().plusSeconds(10);
            while (records.stream().noneMatch(LoggingTest::isLeafFailure)) {
                assertTrue(Instant.now().isBefore(deadline), "no warning arrived: " + records);
                Thread.sleep(20);
            }
            LogRecord warning = records.stream().filter(LoggingTest::isLeafFailure).findFirst()
                    .orElseThrow();
            assertEquals(Level.WARNING, warning.getLevel());
            assertEquals("org.staplekit.native.engine.shared", warning.getLoggerName());
        } finally {
            root.removeHandler(handler);
        }
    }

    private static boolean isLeafFailure(LogRecord record) {
        return record.getMessage().startsWith("no OCSP response for CN=staplekit test leaf ");
    }
}
