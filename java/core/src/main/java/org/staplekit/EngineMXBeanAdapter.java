package org.staplekit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link StaplingEngine#registerMBean} registers: each attribute read takes a fresh
 * {@link StaplingEngine#stats()} snapshot, so JMX clients always see the engine as it is.
 */
final class EngineMXBeanAdapter implements StaplingEngineMXBean {
    private final StaplingEngine engine;

    EngineMXBeanAdapter(StaplingEngine engine) {
        this.engine = engine;
    }

    @Override
    public long getHits() {
        return engine.stats().hits();
    }

    @Override
    public long getMisses() {
        return engine.stats().misses();
    }

    @Override
    public long getStaplesServed() {
        return engine.stats().staplesServed();
    }

    @Override
    public Map<String, Long> getFetches() {
        return engine.stats().fetches();
    }

    @Override
    public List<Certificate> getCertificates() {
        List<Certificate> certificates = new ArrayList<>();
        for (CertificateStats stats : engine.stats().certificates()) {
            certificates.add(new CertificateView(stats));
        }
        return certificates;
    }

    @Override
    public long getResponderAnswered() {
        return engine.stats().responder().answered();
    }

    @Override
    public long getResponderUnauthorized() {
        return engine.stats().responder().unauthorized();
    }

    @Override
    public long getResponderMalformed() {
        return engine.stats().responder().malformed();
    }

    @Override
    public long getResponderDroppedConnections() {
        return engine.stats().responder().droppedConnections();
    }

    @Override
    public String getSharedStoreUrl() {
        return engine.stats().sharedStore().map(SharedStoreStats::url).orElse(null);
    }

    @Override
    public boolean isSharedStoreConnected() {
        return engine.stats().sharedStore().map(SharedStoreStats::connected).orElse(false);
    }

    @Override
    public Map<String, Long> getSharedStore() {
        Map<String, Long> counts = new LinkedHashMap<>();
        engine.stats().sharedStore().ifPresent(store -> {
            counts.put("reads", store.reads());
            counts.put("writes", store.writes());
            counts.put("refusals", store.refusals());
            counts.put("leasesHeld", store.leasesHeld());
            counts.put("leasesElsewhere", store.leasesElsewhere());
            counts.put("errors", store.errors());
        });
        return counts;
    }

    @Override
    public List<String> getConfigurationWarnings() {
        return engine.configurationWarnings();
    }

    /** A {@link CertificateStats} with JMX's getter names and open types. */
    private static final class CertificateView implements Certificate {
        private final CertificateStats stats;

        CertificateView(CertificateStats stats) {
            this.stats = stats;
        }

        private static Date date(Optional<Instant> instant) {
            return instant.map(Date::from).orElse(null);
        }

        @Override
        public String getSubject() {
            return stats.subject();
        }

        @Override
        public String getSerialHex() {
            return stats.serialHex();
        }

        @Override
        public String getResponder() {
            return stats.responder().orElse(null);
        }

        @Override
        public String getStatus() {
            return stats.status().map(OcspStatus::wire).orElse(null);
        }

        @Override
        public String getSource() {
            return stats.source().map(ResponseSource::wire).orElse(null);
        }

        @Override
        public Date getThisUpdate() {
            return date(stats.thisUpdate());
        }

        @Override
        public Date getNextUpdate() {
            return date(stats.nextUpdate());
        }

        @Override
        public Date getNextRefresh() {
            return date(stats.nextRefresh());
        }

        @Override
        public Date getLastFetch() {
            return date(stats.lastFetch());
        }

        @Override
        public String getLastError() {
            return stats.lastError().orElse(null);
        }

        @Override
        public int getConsecutiveFailures() {
            return stats.consecutiveFailures();
        }

        @Override
        public Map<String, Long> getFetches() {
            return stats.fetches();
        }

        @Override
        public long getHits() {
            return stats.hits();
        }

        @Override
        public long getMisses() {
            return stats.misses();
        }

        @Override
        public long getStaplesServed() {
            return stats.staplesServed();
        }
    }
}
