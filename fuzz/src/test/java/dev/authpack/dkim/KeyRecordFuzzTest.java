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
    static {
        // Load the JCA and Bouncy Castle classes of both key forms before the first timed input: loading and
        // instrumenting them on a busy machine can take longer than the one-second hang limit.
        KeyRecord.parse("p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Q"
                + "vx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryO"
                + "TIKT+l/K4w3QIDAQAB");
        KeyRecord.parse("p=MIGJAoGBAOQeU5CgFPNZGIazlXo2k/eJ1jpaTTxrmqF1HrDLlt04pvaMtCJjRC/H9vJjMI1vdb3XLcW60AIN/PBD8EL97/y4"
                + "GwJH7LPUvGP48vqUe+oyqszesbiGy1PlCO8c70/OjFnJVgvMF87YR4LcincbL6SvI5MgpP6X8rjDdAgMBAAE=");
        KeyRecord.parse("p=MIGJAoGBAOQe");
        KeyRecord.parse("k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    }

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
