package org.staplekit;

import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * An engine seen through JMX ({@link StaplingEngine#registerMBean}), as
 * {@code org.staplekit:type=StaplingEngine,name=<name>}. Every attribute is read from the
 * engine when asked ({@link StaplingEngine#stats()}), never cached; the bean is unregistered
 * when the engine closes. Open types only, so any JMX client (JConsole, VisualVM, Jolokia)
 * reads it without the library's classes.
 */
public interface StaplingEngineMXBean {
    /** {@link EngineStats#hits()}. */
    long getHits();

    /** {@link EngineStats#misses()}. */
    long getMisses();

    /** {@link EngineStats#staplesServed()}. */
    long getStaplesServed();

    /** {@link EngineStats#fetches()}: every fetch by outcome. */
    Map<String, Long> getFetches();

    /** {@link EngineStats#certificates()}: each registered certificate, in registration order. */
    List<Certificate> getCertificates();

    /** {@link ResponderStats#answered()}: the local responder's hits. */
    long getResponderAnswered();

    /** {@link ResponderStats#unauthorized()}: the local responder's misses. */
    long getResponderUnauthorized();

    /** {@link ResponderStats#malformed()}. */
    long getResponderMalformed();

    /** {@link ResponderStats#droppedConnections()}. */
    long getResponderDroppedConnections();

    /** {@link SharedStoreStats#url()}, or null without a shared store. */
    String getSharedStoreUrl();

    /** {@link SharedStoreStats#connected()}; false without a shared store. */
    boolean isSharedStoreConnected();

    /**
     * The shared store's counters by name: {@code reads}, {@code writes}, {@code refusals},
     * {@code leasesHeld}, {@code leasesElsewhere}, {@code errors}; empty without a shared store.
     */
    Map<String, Long> getSharedStore();

    /** {@link StaplingEngine#configurationWarnings()}. */
    List<String> getConfigurationWarnings();

    /**
     * One registered certificate ({@link CertificateStats}), a {@code CompositeData} in JMX:
     * absent values are null.
     */
    interface Certificate {
        /** {@link CertificateStats#subject()}. */
        String getSubject();

        /** {@link CertificateStats#serialHex()}. */
        String getSerialHex();

        /** {@link CertificateStats#responder()}, or null. */
        String getResponder();

        /**
         * {@link CertificateStats#status()} as {@link OcspStatus#wire()}: {@code good},
         * {@code revoked}, or null.
         */
        String getStatus();

        /** {@link CertificateStats#source()} as {@link ResponseSource#wire()}, or null. */
        String getSource();

        /** {@link CertificateStats#thisUpdate()}, or null. */
        Date getThisUpdate();

        /** {@link CertificateStats#nextUpdate()}, or null. */
        Date getNextUpdate();

        /** {@link CertificateStats#nextRefresh()}, or null. */
        Date getNextRefresh();

        /** {@link CertificateStats#lastFetch()}, or null. */
        Date getLastFetch();

        /** {@link CertificateStats#lastError()}, or null. */
        String getLastError();

        /** {@link CertificateStats#consecutiveFailures()}. */
        int getConsecutiveFailures();

        /** {@link CertificateStats#fetches()}. */
        Map<String, Long> getFetches();

        /** {@link CertificateStats#hits()}. */
        long getHits();

        /** {@link CertificateStats#misses()}. */
        long getMisses();

        /** {@link CertificateStats#staplesServed()}. */
        long getStaplesServed();
    }
}
