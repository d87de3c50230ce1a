package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.mail.Session;
import javax.mail.util.SharedByteArrayInputStream;
import org.apache.james.core.MailAddress;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.server.core.MailImpl;
import org.apache.james.utils.MailRepositoryProbeImpl;
import javax.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * FixConformance in a real James, configured from conf-samples/fixconformance-snippet.xml: its hook in the SMTP
 * handler chain (checks MISSING_COLON_VALUE: refused at the end of DATA) and its mailet first in the root processor
 * (repairs the rest), before MailAuthCheck so that the DKIM case shows a signature surviving an added field. The
 * mailet detects among all 36 encodings (the sample as it is: no includeEncodings). Cases: refused at DATA with 552 5.6.0; James' SMTP refusing bare LF itself; a bare-LF, unlabelled
 * windows-1251 message (re-spooled from a repository) delivered repaired, and the same over SMTP with CRLF; a DKIM-signed message missing only its
 * Message-ID delivered with a Message-ID added and the signature still passing MailAuthCheck.
 */
class FixConformanceIT {
    private static final String RUSSIAN = "\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439\u0442\u0435!"
            + " \u042d\u0442\u043e \u043f\u0438\u0441\u044c\u043c\u043e \u043d\u0430\u043f\u0438\u0441\u0430\u043d\u043e"
            + " \u043f\u043e-\u0440\u0443\u0441\u0441\u043a\u0438, \u0431\u0435\u0437 \u0443\u043a\u0430\u0437\u0430\u043d\u0438\u044f"
            + " \u043a\u043e\u0434\u0438\u0440\u043e\u0432\u043a\u0438.";
    private static final String SUBJECT = "\u041f\u0440\u0438\u0432\u0435\u0442 \u0438\u0437 \u041c\u043e\u0441\u043a\u0432\u044b";
    private static final String SIGNING_DOMAIN = "fix-signed.example";

    /**
     * James 3.8.1 refuses bare LF in SMTP DATA ("500 5.0.0 line delimiter must be CRLF", its SMTP smuggling fix), so
     * a bare-LF message reaches the mailets from elsewhere: here it is put in a mail repository and re-spooled into
     * {@code root} by James' own {@code FromRepository}, which a trigger mail sets off.
     */
    private static final String RESPOOL_TRIGGER = """
            <mailet match="HasHeader=X-Respool-Inbox" class="ToProcessor"><processor>respool</processor></mailet>
            """;
    private static final String RESPOOL_PROCESSOR = """
            <processor state="respool" enableJmx="false">
                <mailet match="All" class="FromRepository">
                    <repositoryPath>@MAIL_REPOSITORY_ROOT@/inbox-import/</repositoryPath>
                    <processor>root</processor>
                    <delete>true</delete>
                </mailet>
                <mailet match="All" class="Null"/>
            </processor>
            """;

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(FixConformanceIT::configure);

    @TempDir
    static Path tmp;

    static void configure(AuthpackJames.Builder b) {
        String snippet = DkimSignIT.read(Locations.confSamples().resolve("fixconformance-snippet.xml"))
                .replaceAll("(?s)<!--.*?-->", "");
        String hook = element(snippet, "<handler class=\"dev\\.authpack\\.james\\.smtp\\.FixConformanceHook\">.*?</handler>");
        String mailet = element(snippet, "<mailet match=\"All\" class=\"dev\\.authpack\\.james\\.mailets\\.FixConformance\">"
                + ".*?</mailet>");
        String core = "<handler class=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\"/>";
        b.edit("smtpserver.xml", xml -> {
            assertThat(xml).as("smtpserver.xml template").contains(core);
            return xml.replace(core, hook + "\n" + core);
        });
        String check = "<mailet match=\"All\" class=\"dev.authpack.james.mailets.MailAuthCheck\">";
        String errorProcessor = "<processor state=\"error\" enableJmx=\"false\">";
        b.edit("mailetcontainer.xml", xml -> {
            assertThat(xml).as("mailetcontainer.xml template").contains(check, errorProcessor);
            return xml.replace(check, RESPOOL_TRIGGER + mailet + "\n" + check)
                    .replace(errorProcessor, RESPOOL_PROCESSOR + errorProcessor);
        });
    }

    private static String element(String text, String regex) {
        Matcher m = Pattern.compile("(?s)" + regex).matcher(text);
        assertThat(m.find()).as(regex + " in conf-samples/fixconformance-snippet.xml").isTrue();
        return m.group();
    }

    @Test
    void aMessageWithAHeaderLineWithoutColonIsRefusedAtData() {
        String message = "From: bob@spf-pass.example\r\nTo: alice@james.test\r\nSubject: broken\r\nX-No-Colon\r\n"
                + "Date: Sun, 6 Dec 2026 03:00:00 +0000\r\nMessage-ID: <refused@spf-pass.example>\r\n\r\nHi.\r\n";
        try (SmtpClient c = JAMES.server().smtp()) {
            c.ehlo("mail.spf-pass.example");
            c.mailFrom("bob@spf-pass.example");
            c.rcptTo(JamesExtension.ALICE);
            SmtpReply reply = c.data(message);
            assertThat(reply.code()).as(c.transcriptText()).isEqualTo(552);
            assertThat(reply.text()).as(c.transcriptText())
                    .isEqualTo("5.6.0 Message has conformance issues: MISSING_COLON_VALUE");
            c.quit();
        }
    }

    @Test
    void bareLfIsRefusedBySmtpItself() throws IOException {
        String reply = sendRaw("lf-" + UUID.randomUUID() + "@spf-pass.example",
                "From: a@spf-pass.example\nSubject: lf\n\nHi.\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(reply).startsWith("500 5.0.0");
    }

    @Test
    void aBareLfUnlabelledWindows1251MessageIsDeliveredRepaired() throws Exception {
        String sender = "cp1251-lf-" + UUID.randomUUID() + "@spf-pass.example";
        byte[] message = cp1251Message("from an old system".getBytes(StandardCharsets.US_ASCII), "\n");
        MimeMessage lf = new MimeMessage(Session.getInstance(new Properties()), new SharedByteArrayInputStream(message));
        MailRepositoryUrl inbox = JAMES.server().repositoryUrl("inbox-import");
        MailRepositoryStore store = JAMES.server().guiceServer().getProbe(MailRepositoryProbeImpl.class)
                .getMailRepositoryStore();
        store.select(inbox).store(MailImpl.builder().name("cp1251-lf").sender(new MailAddress(sender))
                .addRecipient(new MailAddress(JamesExtension.ALICE)).mimeMessage(lf).build());
        RawMail.create().send(JAMES.server(), "From: bob@spf-pass.example\r\nX-Respool-Inbox: yes\r\n"
                + "Subject: respool\r\nDate: Sun, 6 Dec 2026 03:00:00 +0000\r\nMessage-ID: <respool@spf-pass.example>\r\n"
                + "\r\nGo.\r\n");

        MimeMessage parsed = repairedAndDelivered(sender, "NEEDS_TRANSFER_ENCODING", "NON_CANONICAL_LINE_ENDINGS");
        assertThat(parsed.getSubject()).isEqualTo("from an old system");
    }

    /**
     * Over SMTP the text comes back too. The windows-1251 Subject does not: James 3.8.1 has already replaced its
     * non-UTF-8 octets with '?' before any hook or mailet sees the message (docs/FixConformance.md).
     */
    @Test
    void anUnlabelledWindows1251MessageOverSmtpGetsItsTextBack() throws Exception {
        String sender = "cp1251-" + UUID.randomUUID() + "@spf-pass.example";
        assertThat(sendRaw(sender, cp1251Message(SUBJECT.getBytes(Charset.forName("windows-1251")), "\r\n")))
                .startsWith("250");
        MimeMessage parsed = repairedAndDelivered(sender, "NEEDS_TRANSFER_ENCODING");
        assertThat(parsed.getSubject()).isEqualTo("?????? ?? ??????");
    }

    /** From, To, Subject, and the Russian text in windows-1251; no MIME fields; lines ended by {@code eol}. */
    private static byte[] cp1251Message(byte[] subject, String eol) {
        return concat(("From: ivan@spf-pass.example" + eol + "To: alice@james.test" + eol + "Subject: ")
                .getBytes(StandardCharsets.US_ASCII), subject, (eol + eol).getBytes(StandardCharsets.US_ASCII),
                RUSSIAN.getBytes(Charset.forName("windows-1251")), eol.getBytes(StandardCharsets.US_ASCII));
    }

    /** The delivered copy: 7-bit, CRLF, valid MIME with the Russian text as UTF-8, our Date and Message-ID. */
    private static MimeMessage repairedAndDelivered(String sender, String... fixed) throws Exception {
        DeliveredMail mail = JAMES.server().awaitMail("delivered", m -> m.sender().equals(sender),
                AuthpackJames.DEFAULT_DELIVERY_TIMEOUT);
        String raw = mail.rawMessage();
        assertThat(raw).as("7-bit, CRLF only").matches("(?s)\\p{ASCII}*").doesNotContainPattern("[^\r]\n");
        MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
        assertThat(parsed.getHeader("MIME-Version", null)).isEqualTo("1.0");
        assertThat(parsed.getContentType()).contains("text/plain").contains("charset=utf-8");
        assertThat(parsed.getContent()).isEqualTo(RUSSIAN + "\r\n");
        assertThat(parsed.getHeader("Date", null)).isNotNull();
        assertThat(parsed.getMessageID()).endsWith("@mx.james.test>");
        assertThat(mail.attribute("authpack.conformance.fixed")).hasValueSatisfying(v -> assertThat(v.toString())
                .contains(fixed));
        return parsed;
    }

    @Test
    void aDkimSignedMessageMissingOnlyItsMessageIdStillPassesMailAuthCheck() throws IOException {
        DkimTestKey key = DkimTestKey.ed25519(tmp, SIGNING_DOMAIN, "fix-it");
        JAMES.dns().addZone(key.zoneLine());
        Path unsigned = tmp.resolve("unsigned.eml");
        Files.writeString(unsigned, "From: Carol <carol@" + SIGNING_DOMAIN + ">\r\nTo: alice@james.test\r\n"
                + "Subject: signed without an id\r\nDate: Sun, 6 Dec 2026 03:00:00 +0000\r\nMIME-Version: 1.0\r\n"
                + "\r\nHello.\r\n", StandardCharsets.US_ASCII);
        String signed = AuthpackScript.run("dkim-sign", unsigned.toString(), "--domain", SIGNING_DOMAIN,
                "--selector", key.selector(), "--key", key.pemFile().toString()).ok();
        assertThat(signed).doesNotContainIgnoringCase("Message-ID:");

        DeliveredMail mail = RawMail.create().deliver(JAMES.server(), signed);
        assertThat(mail.header("Message-ID")).as("added by the fix").hasValueSatisfying(id ->
                assertThat(id).endsWith("@mx.james.test>"));
        assertThat(RawMail.dkimSummary(mail)).containsExactly(SIGNING_DOMAIN + "/fix-it/ed25519-sha256=pass");
    }

    /** One SMTP transaction writing the message octets as they are (bare LF kept); the reply to the final dot. */
    private static String sendRaw(String sender, byte[] message) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), JAMES.server().smtpPort())) {
            socket.setSoTimeout(SmtpClient.READ_TIMEOUT_MILLIS);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            StringBuilder transcript = new StringBuilder(reply(in));
            for (String command : new String[] {"EHLO mail.spf-pass.example", "MAIL FROM:<" + sender + ">",
                    "RCPT TO:<" + JamesExtension.ALICE + ">", "DATA"}) {
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String reply = reply(in);
                transcript.append(reply);
                assertThat(reply).as(transcript.toString()).matches("(?s)[23].*");
            }
            out.write(message);
            boolean endsWithCrlf = message.length >= 2 && message[message.length - 2] == '\r'
                    && message[message.length - 1] == '\n';
            out.write((endsWithCrlf ? ".\r\n" : "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String done = reply(in);
            try {
                out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // James closes the connection after some refusals
            }
            return done;
        }
    }

    private static String reply(BufferedReader in) throws IOException {
        StringBuilder reply = new StringBuilder();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                break;
            }
            reply.append(line).append('\n');
        } while (line.length() > 3 && line.charAt(3) == '-');
        return reply.toString();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
