package org.staplekit;

import java.time.Instant;
import java.util.Optional;

/** What the engine learned about one certificate of a chain ({@link StaplingEngine#check}). */
public final class CertificateReport {
    /**
     * The outcome for a certificate. The ordinal is the native code ({@code jni/src/codes.rs}),
     * checked by the test kit's {@code CodesTest}.
     */
    public enum Outcome {
        /** A verified response: not revoked. */
        GOOD,
        /** A verified response: revoked. */
        REVOKED,
        /** A verified response: the responder does not know the certificate. */
        UNKNOWN,
        /** Not asked (a root, no issuer, no responder, or id-pkix-ocsp-nocheck). */
        SKIPPED,
        /** Asked, and no usable response (network, timeout, rejected). */
        FAILED
    }

    private static final long NO_NEXT_UPDATE = Long.MIN_VALUE;

    private final int index;
    private final String subject;
    private final String serialHex;
    private final String responder;
    private final Outcome outcome;
    private final String detail;
    private final byte[] response;
    private final long nextUpdateMillis;

    /** Called by the native library. */
    CertificateReport(int index, String subject, String serialHex, String responder, int outcome,
            String detail, byte[] response, long nextUpdateMillis) {
        this.index = index;
        this.subject = subject;
        this.serialHex = serialHex;
        this.responder = responder;
        this.outcome = Outcome.values()[outcome];
        this.detail = detail;
        this.response = response;
        this.nextUpdateMillis = nextUpdateMillis;
    }

    /** Position in the chain, 0 = leaf. */
    public int index() {
        return index;
    }

    /** The certificate's subject, as {@code CN=..., O=...}. */
    public String subject() {
        return subject;
    }

    /** The serial number, upper-case hex. */
    public String serialHex() {
        return serialHex;
    }

    /** The responder asked (or that would be asked). */
    public Optional<String> responder() {
        return Optional.ofNullable(responder);
    }

    /** What happened. */
    public Outcome outcome() {
        return outcome;
    }

    /**
     * One line saying what happened: status, signer and validity of a response, or why there
     * is none.
     */
    public String detail() {
        return detail;
    }

    /** The verified response, DER (GOOD, REVOKED and UNKNOWN outcomes). */
    public Optional<byte[]> response() {
        return Optional.ofNullable(response).map(byte[]::clone);
    }

    /** The response's nextUpdate, when it has one. */
    public Optional<Instant> nextUpdate() {
        return nextUpdateMillis == NO_NEXT_UPDATE
                ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(nextUpdateMillis));
    }

    @Override
    public String toString() {
        return index + " " + subject + ": " + outcome + " (" + detail + ")";
    }
}
