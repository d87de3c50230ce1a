package dev.authpack.dkim;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authpack.fuzz.FuzzInput;

import static dev.authpack.fuzz.FuzzInput.check;

/**
 * {@link KeyRecord#parse} on arbitrary TXT record text, then {@link KeyRecord#problemFor} for every algorithm.
 *
 * <p>Allowed: nothing is thrown (a bad record is a value with a syntax or key error). Invariants: a record usable
 * for an algorithm holds a key of that type (RSA: a positive modulus size), a record with a syntax error is usable
 * for none.
 */
class KeyRecordFuzzTest {

    @FuzzTest
    void parse(byte[] data) {
        fuzzerTestOneInput(data);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        String text = FuzzInput.text(data);
        KeyRecord record = KeyRecord.parse(text);
        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            KeyRecord.Problem problem = record.problemFor(algorithm);
            if (problem != null) {
                check(problem.status() != null && problem.reason() != null, "problem without status", text);
                continue;
            }
            check(record.syntaxOk(), "usable although a syntax error", text);
            if (algorithm.keyType() == DkimAlgorithm.KeyType.RSA) {
                check(record.rsaKey() != null && record.rsaBits() > 0, "usable RSA record without a key", text);
            } else {
                check(record.ed25519Key() != null, "usable ed25519 record without a key", text);
            }
        }
    }
}
