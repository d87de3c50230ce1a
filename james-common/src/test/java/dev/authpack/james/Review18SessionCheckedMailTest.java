package dev.authpack.james;

import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

import static dev.authpack.james.PendingChecksTest.SPF_ONLY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s18: the binding of the session's results to the message they describe ({@code CHECKED_MESSAGE}: length
 * and CRC-32C, computed since session 17 with {@link MimeMessageBytes#writeTo}).
 */
class Review18SessionCheckedMailTest {
    private final PendingChecks table = new PendingChecks(8, () -> 0L, () -> "token");

    /**
     * Severity: Low (Medium where a mailet that unwraps sender-chosen content, e.g. James' SMIMEDecrypt, runs
     * before MailAuthCheck: the very case the binding is there for, "a mailet may rebuild the message").
     * Attack: a CRC is linear, so a sender who chooses the octets of the message a mailet will put in place of the
     * received one (the decrypted inner message, say) makes it as long as the received one and sets four octets of
     * it so that the CRC-32C matches. The received message (From: a@attacker.example, the attacker's own domain:
     * SPF and DMARC pass) is checked in the session; the rebuilt one (From: ceo@victim.example) then inherits its
     * results: MailAuthCheck writes dmarc=pass and DmarcDisposition never sees the victim's p=reject.
     * Expected: the session's results are not used for a different message: bind them with a collision-resistant
     * digest (SHA-256, or a keyed SipHash with a per-JVM key: a restart only makes the mailet check again).
     */
    @Test
    void aForgedMessageWithTheSameLengthAndCrcInheritsTheSessionsResults() throws Exception {
        byte[] received = "From: a@attacker.example\r\nSubject: hello\r\n\r\nbody ....\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] forged = "From: ceo@victim.example\r\nSubject: hello\r\n\r\nbody ....\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(forged).hasSameSizeAs(received);
        forged = withCrcOf(forged, forged.length - 6, crc(received));
        assertThat(crc(forged)).isEqualTo(crc(received));

        Mail mail = FakeMail.builder().name("m").sender("a@attacker.example").recipient("b@example.net")
                .mimeMessage(MimeMessageBytes.from(received)).build();
        SessionCheckedMail.store(mail, "mx.test", SPF_ONLY, PendingChecksTest.answered().report().join());
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).isPresent();

        // a mailet puts the message the sender chose in its place
        mail.setMessage(MimeMessageBytes.from(forged));
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY))
                .as("results of the received message applied to %s",
                        new String(forged, StandardCharsets.ISO_8859_1))
                .isEmpty();
    }

    private static long crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b, 0, b.length);
        return c.getValue();
    }

    /**
     * {@code m} with the four octets at {@code at} set so that its CRC-32C is {@code target}: the CRC of a message
     * of fixed length is affine in its bits, so the 32 bits are the solution of a 32x32 system over GF(2). Octets
     * that would be CR or LF are avoided by changing the octet before the patch.
     */
    static byte[] withCrcOf(byte[] m, int at, long target) {
        for (int salt = 'a'; salt <= 'z'; salt++) {
            byte[] b = Arrays.copyOf(m, m.length);
            b[at - 1] = (byte) salt;
            Arrays.fill(b, at, at + 4, (byte) 0);
            long base = crc(b);
            long[] column = new long[32];
            for (int bit = 0; bit < 32; bit++) {
                byte[] f = Arrays.copyOf(b, b.length);
                f[at + bit / 8] ^= (byte) (1 << (bit % 8));
                column[bit] = crc(f) ^ base;
            }
            Integer solution = solve(column, target ^ base);
            if (solution == null) {
                continue;
            }
            for (int i = 0; i < 4; i++) {
                b[at + i] = (byte) (solution >>> (8 * i));
            }
            boolean clean = true;
            for (int i = at; i < at + 4; i++) {
                clean &= b[i] != '\r' && b[i] != '\n';
            }
            if (clean) {
                return b;
            }
        }
        throw new AssertionError("no patch found");
    }

    /** x with sum of column[i] for each bit i of x equal to want, by Gaussian elimination over GF(2). */
    private static Integer solve(long[] column, long want) {
        long[] rows = new long[32];    // row r: bits of the columns in bits 0..31, the wanted bit in bit 32
        for (int r = 0; r < 32; r++) {
            long row = 0;
            for (int c = 0; c < 32; c++) {
                row |= ((column[c] >>> r) & 1L) << c;
            }
            rows[r] = row | ((want >>> r) & 1L) << 32;
        }
        int rank = 0;
        int[] pivotCol = new int[32];
        for (int c = 0; c < 32 && rank < 32; c++) {
            int p = -1;
            for (int r = rank; r < 32; r++) {
                if ((rows[r] >>> c & 1L) != 0) {
                    p = r;
                    break;
                }
            }
            if (p < 0) {
                continue;
            }
            long t = rows[p];
            rows[p] = rows[rank];
            rows[rank] = t;
            for (int r = 0; r < 32; r++) {
                if (r != rank && (rows[r] >>> c & 1L) != 0) {
                    rows[r] ^= rows[rank];
                }
            }
            pivotCol[rank++] = c;
        }
        for (int r = rank; r < 32; r++) {
            if ((rows[r] >>> 32 & 1L) != 0) {
                return null;
            }
        }
        int x = 0;
        for (int r = 0; r < rank; r++) {
            if ((rows[r] >>> 32 & 1L) != 0) {
                x |= 1 << pivotCol[r];
            }
        }
        return x;
    }
}
