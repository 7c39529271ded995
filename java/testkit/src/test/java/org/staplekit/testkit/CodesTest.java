package org.staplekit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.staplekit.CertificateReport;
import org.staplekit.OcspStatus;
import org.staplekit.ResponseSource;
import org.staplekit.Selection;
import org.staplekit.TlsVersion;

/**
 * Every code and name that Rust and Java share, compared as each side has it: the Rust tables
 * come from the testing library ({@link NativeTesting#rustCodes}), which builds them from the
 * same declarations the shipped library uses.
 */
class CodesTest {
    private static List<String> rust(String table) {
        return Arrays.asList(NativeTesting.rustCodes(table));
    }

    /** {@code NAME=ordinal} for each constant, in order. */
    private static List<String> ordinals(Enum<?>[] constants) {
        return Stream.of(constants).map(c -> c.name() + "=" + c.ordinal())
                .collect(Collectors.toList());
    }

    @Test
    void jniCodesAreTheJavaOrdinals() {
        assertEquals(ordinals(Selection.values()), rust("selection"));
        assertEquals(ordinals(CertificateReport.Outcome.values()), rust("outcome"));
    }

    @Test
    void fixtureKindsAgree() {
        assertEquals(List.of("OPENSSL=" + NativeTesting.KIND_OPENSSL,
                "IN_PROCESS=" + NativeTesting.KIND_IN_PROCESS), rust("fixtureKind"));
    }

    @Test
    void theEngineAcceptsExactlyTheJavaTlsVersions() {
        List<String> rustCodes = rust("tlsVersion").stream()
                .map(entry -> entry.substring(entry.indexOf('=') + 1))
                .collect(Collectors.toList());
        List<String> javaCodes = Stream.of(TlsVersion.values())
                .map(v -> Integer.toString(v.wire())).collect(Collectors.toList());
        assertEquals(javaCodes, rustCodes);
        for (TlsVersion version : TlsVersion.values()) {
            assertEquals(version, TlsVersion.fromWire(version.wire()));
        }
    }

    @Test
    void wireNamesAreTheEngineNamesInTheEngineOrder() {
        assertEquals(Stream.of(ResponseSource.values()).map(s -> s.wire() + "=" + s.ordinal())
                .collect(Collectors.toList()), rust("responseSource"));
        assertEquals(Stream.of(OcspStatus.values()).map(s -> s.wire() + "=" + s.ordinal())
                .collect(Collectors.toList()), rust("status"));
        for (ResponseSource source : ResponseSource.values()) {
            assertEquals(source, ResponseSource.fromWire(source.wire()));
        }
        for (OcspStatus status : OcspStatus.values()) {
            assertEquals(status, OcspStatus.fromWire(status.wire()));
        }
    }

    @Test
    void unknownNamesAndTablesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> OcspStatus.fromWire("GOOD"));
        assertThrows(IllegalArgumentException.class, () -> ResponseSource.fromWire("cache"));
        IllegalArgumentException table = assertThrows(IllegalArgumentException.class,
                () -> NativeTesting.rustCodes("nope"));
        assertTrue(table.getMessage().contains("selection"), table.getMessage());
    }
}
