package org.staplekit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;

/**
 * Builds RFC 6960 requests as the JDK's server does (SHA-1 CertID, no extensions) and sends
 * them over HTTP, for the local responder's tests. The JDK has no public API for either.
 */
final class OcspRequests {
    /** The HTTP status and body of an answer. */
    static final class Answer {
        final int httpStatus;
        final byte[] body;

        Answer(int httpStatus, byte[] body) {
            this.httpStatus = httpStatus;
            this.body = body;
        }

        /** The OCSPResponseStatus (0 successful, 1 malformedRequest, 6 unauthorized). */
        int ocspStatus() {
            // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, ... }: 30 len 0A 01 status.
            int offset = 1 + lengthOfLength(body[1]);
            if (body[0] != 0x30 || body[offset] != 0x0A || body[offset + 1] != 1) {
                throw new IllegalStateException("not an OCSPResponse: " + Arrays.toString(body));
            }
            return body[offset + 2];
        }
    }

    private OcspRequests() {}

    /** A DER OCSPRequest for {@code certificate} issued by {@code issuer}. */
    static byte[] request(X509Certificate certificate, X509Certificate issuer)
            throws GeneralSecurityException {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        byte[] nameHash = sha1.digest(issuer.getSubjectX500Principal().getEncoded());
        byte[] keyHash = sha1.digest(subjectPublicKeyBits(issuer.getPublicKey().getEncoded()));
        byte[] sha1Algorithm = tlv(0x30, concat(
                tlv(0x06, new byte[] {0x2B, 0x0E, 0x03, 0x02, 0x1A}), tlv(0x05, new byte[0])));
        byte[] certId = tlv(0x30, concat(sha1Algorithm, tlv(0x04, nameHash), tlv(0x04, keyHash),
                tlv(0x02, certificate.getSerialNumber().toByteArray())));
        byte[] request = tlv(0x30, certId);
        byte[] tbsRequest = tlv(0x30, tlv(0x30, request));
        return tlv(0x30, tbsRequest);
    }

    /** GET {@code base}/{base64 of the request}, as the JDK sends short requests. */
    static Answer get(URI base, byte[] request) throws IOException {
        String encoded = Base64.getEncoder().encodeToString(request)
                .replace("+", "%2B").replace("/", "%2F").replace("=", "%3D");
        return exchange(new URL(base.toString() + encoded), null);
    }

    /** POST the request to {@code base}. */
    static Answer post(URI base, byte[] request) throws IOException {
        return exchange(base.toURL(), request);
    }

    /** GET an arbitrary path under {@code base}. */
    static Answer getPath(URI base, String path) throws IOException {
        return exchange(new URL(base.toString() + path), null);
    }

    private static Answer exchange(URL url, byte[] body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(5000);
        if (body != null) {
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/ocsp-request");
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
        }
        int status = connection.getResponseCode();
        InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (in != null) {
            try (in) {
                in.transferTo(bytes);
            }
        }
        connection.disconnect();
        return new Answer(status, bytes.toByteArray());
    }

    /** The subjectPublicKey BIT STRING's bits (after the unused-bits byte) of an SPKI. */
    private static byte[] subjectPublicKeyBits(byte[] spki) {
        int offset = headerLength(spki, 0); // into SubjectPublicKeyInfo
        offset += headerLength(spki, offset) + contentLength(spki, offset); // past AlgorithmIdentifier
        if (spki[offset] != 0x03) {
            throw new IllegalStateException("no BIT STRING in the public key");
        }
        int start = offset + headerLength(spki, offset) + 1;
        return Arrays.copyOfRange(spki, start, offset + headerLength(spki, offset)
                + contentLength(spki, offset));
    }

    private static int lengthOfLength(byte first) {
        return (first & 0x80) == 0 ? 1 : 1 + (first & 0x7F);
    }

    private static int headerLength(byte[] der, int offset) {
        return 1 + lengthOfLength(der[offset + 1]);
    }

    private static int contentLength(byte[] der, int offset) {
        byte first = der[offset + 1];
        if ((first & 0x80) == 0) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7F); i++) {
            length = length << 8 | der[offset + 2 + i] & 0xFF;
        }
        return length;
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
