package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Session 21: malformed messages over SMTP into a real James with the sample configuration (conf-samples/james:
 * SessionAuthCheck and RelayPolicyRcptHook in the SMTP chain, MailAuthCheck first in root). None is lost: each is
 * delivered to alice with our Authentication-Results field, or refused at the end of DATA with a clear reply, or,
 * where James' own mailets cannot handle it, in the error repository exactly as in a James without the pack
 * ({@link MalformedMailPacklessIT}: the same {@link #EXPECTED} outcomes).
 */
class MalformedMailIT {
    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension();

    /**
     * The outcome of each case, with or without the pack. "broken MIME" (an empty {@code boundary=}) goes to the
     * error repository in James 3.8.1 either way: its in-memory repository copies the mail (MemoryMailRepository
     * .cloneMail) after RemoveMimeHeader, and javax.mail cannot parse the Content-Type (ParseException).
     */
    static final Map<String, String> EXPECTED = expected();

    private static Map<String, String> expected() {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String name : cases("x").keySet()) {
            expected.put(name, "delivered");
        }
        expected.put("broken MIME", "error");
        return expected;
    }

    /** The cases: name to octets as sent after DATA (lines end in CRLF; none starts with a dot). */
    static Map<String, byte[]> cases(String id) {
        String header = "From: bob@spf-pass.example\r\nTo: alice@james.test\r\nSubject: malformed " + id + "\r\n";
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("0 octets", new byte[0]);
        cases.put("header only, no separator", octets(header));
        cases.put("no header/body separator", octets(header + "this is no field\r\nbody\r\n"));
        cases.put("NUL octets", octets("From: bob@spf-pass.ex\0ample\r\nSubject: a\0b " + id + "\r\n\r\nbo\0dy\r\n"));
        cases.put("8-bit header", octets("From: B\u00f6b <bob@spf-pass.example>\r\nSubject: caf\u00e9 \u00ff " + id
                + "\r\n\r\nbody\r\n"));
        cases.put("broken MIME", octets(header + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\r\n"
                + "\r\n--\r\nContent-Type: text/plain; charset=\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "!!!not base64===\r\n--x--\r\n"));
        cases.put("bad encodings", octets(header + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-none\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n!!!not base64===\r\n=?utf-8?B?###?=\r\n"));
        StringBuilder nested = new StringBuilder(header + "MIME-Version: 1.0\r\n");
        for (int i = 0; i < 500; i++) {
            nested.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i)
                    .append("\r\n");
        }
        cases.put("500 nested multiparts, unclosed", octets(nested.append("\r\nleaf\r\n").toString()));
        return cases;
    }

    private static byte[] octets(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends each case to alice and tells what became of it: {@code delivered}, {@code error} (the error repository),
     * {@code refused CODE TEXT} (at the end of DATA), or {@code lost} (accepted, in neither repository after 30 s).
     */
    static Map<String, String> outcomes(AuthpackJames james) {
        String id = UUID.randomUUID().toString();
        Map<String, String> senders = new LinkedHashMap<>();
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> c : cases(id).entrySet()) {
            String sender = "malformed-" + outcomes.size() + "-" + id + "@spf-pass.example";
            try (SmtpClient client = james.smtp()) {
                client.ehlo("mail.spf-pass.example");
                assertThat(client.mailFrom(sender).isPositive()).as(client.transcriptText()).isTrue();
                assertThat(client.rcptTo(JamesExtension.ALICE).isPositive()).as(client.transcriptText()).isTrue();
                SmtpReply reply = client.dataOctets(c.getValue());
                client.quit();
                outcomes.put(c.getKey(), reply.isPositive() ? "lost" : "refused " + reply.code() + " " + reply.text());
                if (reply.isPositive()) {
                    senders.put(c.getKey(), sender);
                }
            }
        }
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (outcomes.containsValue("lost") && System.nanoTime() < end) {
            for (Map.Entry<String, String> accepted : senders.entrySet()) {
                String sender = accepted.getValue();
                if (james.mails("delivered").stream().anyMatch(m -> m.sender().equals(sender)
                        && m.recipients().equals(java.util.List.of(JamesExtension.ALICE)))) {
                    outcomes.put(accepted.getKey(), "delivered");
                } else if (james.mails("error").stream().anyMatch(m -> m.sender().equals(sender))) {
                    outcomes.put(accepted.getKey(), "error");
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return outcomes;
    }

    @Test
    void eachMalformedMessageIsDeliveredOrRefusedClearlyNeverLost() {
        assertThat(outcomes(JAMES.server())).isEqualTo(EXPECTED);
        for (DeliveredMail mail : JAMES.server().mails("delivered")) {
            assertThat(mail.headerSection()).as(mail.sender())
                    .contains("Authentication-Results: " + Expectations.SERVER_ID + ";");
        }
    }
}
