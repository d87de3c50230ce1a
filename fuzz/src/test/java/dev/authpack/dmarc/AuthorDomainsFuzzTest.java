package dev.authpack.dmarc;

import dev.authpack.dns.DomainNames;
import dev.authpack.mail.AuthorDomains;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authpack.fuzz.FuzzInput;

import java.util.List;

import static dev.authpack.fuzz.FuzzInput.check;

/**
 * {@link AuthorDomains#of} on arbitrary From field values. The first byte is the bound on author domains (1 to 8);
 * the rest holds one or more From values separated by the byte 0xFF.
 *
 * <p>Allowed: nothing is thrown (an unreadable From field is a value with a problem). Invariants: at most one more
 * domain than the bound, a result is either domains or a problem, every domain is already normalised (normalising
 * it again gives itself, so DMARC compares what it looked up), the field count is the number of values.
 */
class AuthorDomainsFuzzTest {

    @FuzzTest
    void of(byte[] data) {
        fuzzerTestOneInput(data);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int maxDomains = 1 + (data[0] & 0x07);
        List<String> values = FuzzInput.texts(data, 1);
        AuthorDomains authors = AuthorDomains.of(values, maxDomains);
        check(authors.domains().size() <= maxDomains + 1, "too many domains: " + authors.domains().size(), values);
        check(authors.fields() == values.size(), "field count " + authors.fields(), values);
        check(authors.problem() == null ? !authors.domains().isEmpty() : authors.domains().isEmpty(),
                "domains and a problem: " + authors, values);
        for (String domain : authors.domains()) {
            String again;
            try {
                again = DomainNames.canonical(domain);
            } catch (IllegalArgumentException e) {
                throw new AssertionError("author domain '" + domain + "' is not a valid domain: " + e.getMessage()
                        + " (From " + values + ")");
            }
            check(again.equals(domain), "author domain '" + domain + "' not normalised", values);
        }
    }
}
