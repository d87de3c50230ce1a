package dev.authpack.authres;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s22 (reviewC): MailAttributes.results is now all-or-nothing and reads the stored text form with
 * AuthResultsParser; AddAuthResults sends the mail to the error processor and ArcSeal does not seal when it does
 * not parse. So every field body our writer makes from sender-influenced values (reasons, header.d/i/from,
 * smtp.mailfrom/helo) must parse back whole, with every resinfo, or a legitimate mail is diverted.
 */
class ReviewCS22RoundTripTest {
    private static final String NASTY = "\"\\()<>@,;:=[]. \t\r\n\u0000\u007f\u0085\u2028\u202e\ud800\udc00\ud800xé.-+_/%'";

    private static String random(Random r) {
        StringBuilder b = new StringBuilder();
        for (int k = r.nextInt(40); k > 0; k--) {
            int pick = r.nextInt(4);
            b.append(pick == 0 ? (char) ('a' + r.nextInt(26)) : pick == 1 ? NASTY.charAt(r.nextInt(NASTY.length()))
                    : pick == 2 ? (char) r.nextInt(0x80) : (char) r.nextInt(0x10000));
        }
        return b.toString();
    }

    @Test
    void everyBodyWeWriteParsesBackWithEveryResinfo() {
        Random r = new Random(22);
        String[] ptypes = {"header", "smtp", "policy"};
        String[] props = {"d", "i", "s", "b", "from", "mailfrom", "helo", "ip"};
        for (int n = 0; n < 20_000; n++) {
            List<MethodResult> results = new ArrayList<>();
            for (int k = 1 + r.nextInt(8); k > 0; k--) {
                List<ResultProperty> properties = new ArrayList<>();
                for (int p = r.nextInt(5); p > 0; p--) {
                    properties.add(new ResultProperty(ptypes[r.nextInt(3)], props[r.nextInt(props.length)],
                            random(r)));
                }
                results.add(new MethodResult("dkim", "fail", r.nextBoolean() ? random(r) : null, properties));
            }
            String body = AuthResultsWriter.headerValue("mx.example.org", results);
            // the attribute's text form: folds made single spaces (MailAttributes.resultsText)
            String text = body.replace("\r\n\t", " ");
            for (String form : List.of(body, text)) {
                ParsedAuthResults parsed = AuthResultsParser.parse(form);
                assertThat(parsed.error()).as("%s", form).isEmpty();
                assertThat(parsed.header()).as("%s", form).isPresent();
                assertThat(parsed.header().get().results()).as("%s", form).hasSize(results.size());
            }
        }
    }
}
