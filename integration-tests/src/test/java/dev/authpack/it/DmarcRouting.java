package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

/**
 * The DMARC policy as routing, shared by the DMARC and ARC integration tests: right after the sample's
 * MailAuthCheck, {@code DmarcDisposition=reject} sends mail to the {@value #REJECT} processor and
 * {@code DmarcDisposition=quarantine} to {@value #QUARANTINE}; each stores it in the repository of that name. All
 * other mail goes on as in the sample (local mail to {@code delivered}).
 */
final class DmarcRouting {
    static final String DELIVERED = "delivered";
    static final String REJECT = "dmarc-reject";
    static final String QUARANTINE = "dmarc-quarantine";
    static final List<String> OUTCOMES = List.of(DELIVERED, REJECT, QUARANTINE);

    private static final String RULES = """
            <mailet match="dev.authpack.james.matchers.DmarcDisposition=reject" class="ToProcessor">
                <processor>dmarc-reject</processor>
            </mailet>
            <mailet match="dev.authpack.james.matchers.DmarcDisposition=quarantine" class="ToProcessor">
                <processor>dmarc-quarantine</processor>
            </mailet>
            """;

    private static final String PROCESSORS = """
            <processor state="dmarc-reject" enableJmx="false">
                <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/dmarc-reject/</repositoryPath>
                </mailet>
            </processor>
            <processor state="dmarc-quarantine" enableJmx="false">
                <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/dmarc-quarantine/</repositoryPath>
                </mailet>
            </processor>
            """;

    /**
     * MailAuthCheck's DNS timeout for the DMARC and ARC tests (the harness default is 3000 ms too).
     * A tree walk sends up to eight queries at once; on a busy two-core machine the loopback DNS server (in this
     * JVM) once left a walk unanswered for over 500 ms twice in a row, and DMARC rightly said temperror. No test
     * here waits for a timeout, so a longer one costs nothing.
     */
    static final String DNS_TIMEOUT_MILLIS = "3000";

    static final String POSTMASTER_ALIAS = "<mailet match=\"All\" class=\"PostmasterAlias\"/>";
    static final String ERROR_PROCESSOR = "<processor state=\"error\" enableJmx=\"false\">";
    static final String MAIL_AUTH_CHECK_END = "<dnsTimeout>@DNS_TIMEOUT@</dnsTimeout>";

    private DmarcRouting() {
    }

    /** The sample mailetcontainer.xml with the two DmarcDisposition rules and their processors. */
    static String withRules(String xml) {
        assertThat(xml).as("mailetcontainer.xml template").contains(POSTMASTER_ALIAS, ERROR_PROCESSOR);
        return xml.replace(POSTMASTER_ALIAS, RULES + POSTMASTER_ALIAS)
                .replace(ERROR_PROCESSOR, PROCESSORS + ERROR_PROCESSOR);
    }

    /** Adds MailAuthCheck parameters (XML elements) to the sample's MailAuthCheck. */
    static String withMailAuthCheckParameters(String xml, String parameters) {
        assertThat(xml).as("mailetcontainer.xml template").contains(MAIL_AUTH_CHECK_END);
        return xml.replace(MAIL_AUTH_CHECK_END, MAIL_AUTH_CHECK_END + "\n" + parameters);
    }

    /** Sends, waits for the mail in {@code repository}, and checks it is in no other outcome repository. */
    static DeliveredMail routedTo(AuthpackJames james, String repository, Submission submission) {
        String id = james.send(submission);
        DeliveredMail mail = james.awaitMail(repository, m -> m.headers("Message-ID").contains(id),
                AuthpackJames.DEFAULT_DELIVERY_TIMEOUT);
        for (String other : OUTCOMES) {
            if (!other.equals(repository)) {
                assertThat(james.mails(other)).as("also in " + other + ": " + id)
                        .noneMatch(m -> m.headers("Message-ID").contains(id));
            }
        }
        return mail;
    }

    /** Sends a message text as it is, waits for it in {@code repository}, checks it is in no other outcome. */
    static DeliveredMail routedTo(AuthpackJames james, String repository, RawMail raw, String message) {
        raw.send(james, message);
        DeliveredMail mail = raw.await(james, repository);
        for (String other : OUTCOMES) {
            if (!other.equals(repository)) {
                assertThat(raw.isIn(james, other)).as("also in " + other + ": " + raw.sender()).isFalse();
            }
        }
        return mail;
    }

    /** The {@code authpack.dmarc} attribute. */
    static Map<?, ?> dmarc(DeliveredMail mail) {
        Object value = mail.attribute("authpack.dmarc").orElseThrow(() ->
                new AssertionError("no authpack.dmarc attribute on\n" + mail.headerSection()));
        assertThat(value).isInstanceOf(Map.class);
        return (Map<?, ?>) value;
    }

    /** The {@code authpack.dmarc.disposition} attribute. */
    static Object disposition(DeliveredMail mail) {
        return mail.attribute("authpack.dmarc.disposition").orElse(null);
    }

    /** Our {@code dmarc} resinfo. */
    static AuthResultsField.Resinfo dmarcResinfo(DeliveredMail mail) {
        return Expectations.ourField(mail).method("dmarc").orElseThrow(() ->
                new AssertionError("no dmarc resinfo in\n" + mail.headerSection()));
    }
}
