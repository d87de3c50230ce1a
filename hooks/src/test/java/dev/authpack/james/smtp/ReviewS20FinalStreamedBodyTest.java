package dev.authpack.james.smtp;

import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.james.CountingMessages;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Final review s20 (attacker): the wait taken to stream a large message's body (Waits.tryTakeForWork) is freed only
 * through the Started record; an Error while the body is streamed (an OutOfMemoryError under the heap pressure of
 * another mail, say) leaves startHeaderOnly before that record exists, and the wait is never given back: each such
 * message takes one of maxWaiting for good, until every refusable end of DATA is 451.
 */
class ReviewS20FinalStreamedBodyTest {
    private static final LineHandler<SMTPSession> STORED = (s, l) -> null;
    private static final int BODY = 1 << 20;

    /** A source whose stream throws {@code error} once past the header section and 512 KiB of the body. */
    static final class FailingSource implements MimeMessageSource {
        final CountingMessages.GeneratedSource generated;

        FailingSource(String head) {
            generated = new CountingMessages.GeneratedSource(head, BODY);
        }

        @Override
        public String getSourceId() {
            return generated.getSourceId();
        }

        @Override
        public long getMessageSize() {
            return generated.getMessageSize();
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(generated.getInputStream()) {
                private long position;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (position > (1 << 19)) {
                        throw new OutOfMemoryError("Java heap space (simulated)");
                    }
                    int n = super.read(b, off, len);
                    position += Math.max(n, 0);
                    return n;
                }

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }
            };
        }
    }

    @Test
    void anErrorWhileTheBodyIsStreamedGivesItsWaitBack() throws Exception {
        SessionAuthCheckTest.Counting dns = new SessionAuthCheckTest.Counting();
        SessionAuthCheck hook = SessionAuthCheckTest.hook(dns, "maxCheckedSize", "64K", "maxWaiting", "2",
                "waitYieldAfter", "4999");
        String head = CountingMessages.signedHeader(
                "From: a@reject.example\r\nTo: b@example.net\r\nSubject: large\r\n\r\n", BODY,
                new DkimSigner(SessionAuthCheckTest.KEY, DkimSignOptions.of("reject.example", "big")));
        FailingSource source = new FailingSource(head);
        FakeMail mail = FakeMail.builder().name("large").sender("x@other.example").recipient("b@example.net")
                .size(source.getMessageSize()).mimeMessage(new MimeMessageWrapper(source)).build();
        SMTPSession session = SessionAuthCheckTest.session("198.51.100.7", null, false);
        hook.doHelo(session, "mx.other.example");
        hook.doMail(session, MaybeSender.of(new MailAddress("x@other.example")));
        session.setHeaderComplete(false);
        for (String line : head.split("(?<=\r\n)")) {
            hook.onLine(session, line.getBytes(StandardCharsets.US_ASCII), STORED);
        }
        assertThat(hook.freeWaits()).isEqualTo(2);
        Throwable thrown = catchThrowable(() -> hook.onMessage(session, mail));
        hook.onDisconnect(session);
        System.out.println("onMessage: " + thrown + "; free waits after: " + hook.freeWaits());
        assertThat(hook.freeWaits()).as("the wait taken to stream the body, given back").isEqualTo(2);
    }
}
