package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions shared by the integration tests. */
final class Expectations {
    /** The authserv-id of conf-samples/james/mailetcontainer.xml. */
    static final String SERVER_ID = "mx.james.test";

    private Expectations() {
    }

    /** The SPF resinfo for the MAIL FROM identity (the one with {@code smtp.mailfrom}; HELO has {@code smtp.helo}). */
    static AuthResultsField.Resinfo spfMailFrom(AuthResultsField field) {
        return field.results().stream()
                .filter(r -> r.method().equals("spf") && r.property("smtp.mailfrom").isPresent())
                .findFirst().orElseThrow(() -> new AssertionError("no spf ... smtp.mailfrom= in " + field));
    }

    /** The SPF resinfo for the HELO identity. */
    static AuthResultsField.Resinfo spfHelo(AuthResultsField field) {
        return field.results().stream()
                .filter(r -> r.method().equals("spf") && r.property("smtp.helo").isPresent())
                .findFirst().orElseThrow(() -> new AssertionError("no spf ... smtp.helo= in " + field));
    }

    /** The domain of an address (what smtp.mailfrom carries, RFC 8601 §2.7.2 / RFC 7208 §9.1). */
    static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    /** Our field: exactly one with our authserv-id, and it is the topmost Authentication-Results field. */
    static AuthResultsField ourField(DeliveredMail mail) {
        assertThat(mail.authenticationResults())
                .as("Authentication-Results fields of\n%s", mail.headerSection())
                .filteredOn(f -> f.authservId().equalsIgnoreCase(SERVER_ID)).hasSize(1);
        AuthResultsField top = mail.authenticationResults().get(0);
        assertThat(top.authservId()).as("topmost Authentication-Results").isEqualTo(SERVER_ID);
        return top;
    }
}
