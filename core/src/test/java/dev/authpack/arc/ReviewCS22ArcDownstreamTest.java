package dev.authpack.arc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.authpack.arc.ArcFixtures.MESSAGE;
import static dev.authpack.arc.ArcFixtures.dns;
import static dev.authpack.arc.ArcFixtures.listSealer;
import static dev.authpack.arc.ArcFixtures.parse;
import static dev.authpack.arc.ArcFixtures.verifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s22 (reviewC): the ARC sealer's default AMS h= now over-signs as DkimSign does (From, Reply-To, Subject,
 * To, Cc always; Sender, Date, Message-ID, MIME fields when present). What a downstream hop legitimately adds above
 * our set without sealing (a gateway's Received, a list's List-* fields, Precedence, a Sender where none was, its own
 * DKIM-Signature, X- fields) must still validate.
 */
class ReviewCS22ArcDownstreamTest {
    @Test
    void legitimateDownstreamAdditionsKeepTheChainValid() {
        byte[] sealed = listSealer().seal(parse(MESSAGE), ArcResult.none(), "mx.lists.example", "spf=pass")
                .message();
        assertThat(verifier(dns()).verify(sealed).join().status()).isEqualTo(ArcStatus.PASS);
        String added = "Received: from mx.lists.example by gw.example; Sun, 1 Mar 2026 12:00:01 +0000\r\n"
                + "Received: from gw.example by mx2.example; Sun, 1 Mar 2026 12:00:02 +0000\r\n"
                + "List-Id: <list.lists.example>\r\nList-Unsubscribe: <mailto:leave@lists.example>\r\n"
                + "List-Post: <mailto:list@lists.example>\r\nPrecedence: list\r\nX-Scanned: clean\r\n"
                + "Sender: list-bounces@lists.example\r\n"
                + "DKIM-Signature: v=1; a=rsa-sha256; d=gw.example; s=x; h=from; bh=AA==; b=AA==\r\n";
        byte[] forwarded = (added + new String(sealed, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        ArcResult result = verifier(dns()).verify(forwarded).join();
        assertThat(result.status()).as("%s", result).isEqualTo(ArcStatus.PASS);
    }
}
