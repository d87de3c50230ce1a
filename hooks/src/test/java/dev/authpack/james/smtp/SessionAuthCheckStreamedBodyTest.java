package dev.authpack.james.smtp;

import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.james.CountingMessages;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.MessageBinding;
import dev.authpack.james.SessionCheckedMail;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message over maxCheckedSize has its body streamed once at the end of DATA, on a James I/O thread, for its DKIM and
 * ARC body hashes: that work blocks the thread as a wait does, so it takes one of the {@code maxWaiting} waits (and
 * of the client's and network's shares) for as long as it lasts, and the check's wait after it is that same one.
 * With none free the hook does what it does when it cannot wait: a message it could refuse is deferred (451), never
 * accepted unverified nor refused for what it did not verify; one it could not refuse is left to MailAuthCheck.
 * The streamed pass also computes the message's SHA-256, which binds the results for MailAuthCheck to reuse.
 */
class SessionAuthCheckStreamedBodyTest {
    private static final LineHandler<SMTPSession> STORED = (s, l) -> null;
    /** A body this long, streamed past {@link #GATE} only when the gate is open. */
    private static final int BODY = 3 << 20;
    /** Past the header section and whatever reading it alone reads (at most 1 MiB), well into the body. */
    private static final long GATE = 3L << 19;

    private final SessionAuthCheckTest.Counting dns = new SessionAuthCheckTest.Counting();

    /** reject.example's (p=reject) message, signed by it: verified over its body streamed, it passes DKIM and DMARC. */
    private static String signedHead() throws Exception {
        return CountingMessages.signedHeader("From: a@reject.example\r\nTo: b@example.net\r\nSubject: large\r\n\r\n",
                BODY, new DkimSigner(SessionAuthCheckTest.KEY, DkimSignOptions.of("reject.example", "big")));
    }

    /** Where the message sources of a test stop ({@link #GATE}) until it opens, counting the readers held there. */
    static final class Gate {
        final CountDownLatch open = new CountDownLatch(1);
        final AtomicInteger held = new AtomicInteger();
        final AtomicInteger mostHeld = new AtomicInteger();

        GatedSource source(String head) {
            return new GatedSource(head, this);
        }

        void awaitHeld(int count) throws InterruptedException {
            // mostHeld too: a reader counts itself in held, then in mostHeld; on a loaded machine a test that saw
            // held reach count could run on and read mostHeld before the reader got there
            for (int i = 0; i < 500 && (held.get() < count || mostHeld.get() < count); i++) {
                Thread.sleep(10);
            }
            assertThat(held.get()).as("readers held at the gate").isEqualTo(count);
        }
    }

    /** A message source whose streams stop at {@link #GATE} until its {@link Gate} opens. */
    static final class GatedSource implements MimeMessageSource {
        final CountingMessages.GeneratedSource generated;
        private final Gate gate;

        GatedSource(String head, Gate gate) {
            generated = new CountingMessages.GeneratedSource(head, BODY);
            this.gate = gate;
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
                private boolean passed;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (!passed && position + len > GATE) {
                        passed = true;
                        gate.mostHeld.accumulateAndGet(gate.held.incrementAndGet(), Math::max);
                        try {
                            gate.open.await(20, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        } finally {
                            gate.held.decrementAndGet();
                        }
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

    /** The transaction up to the end of DATA: HELO, MAIL FROM, the header section's lines; then the end of DATA. */
    private static HookResult endOfData(SessionAuthCheck hook, SMTPSession session, String head, FakeMail mail)
            throws Exception {
        hook.doHelo(session, "mx.other.example");
        hook.doMail(session, MaybeSender.of(new MailAddress("x@other.example")));
        session.setHeaderComplete(false);
        for (String line : head.split("(?<=\r\n)")) {
            hook.onLine(session, line.getBytes(StandardCharsets.US_ASCII), STORED);
        }
        try {
            return hook.onMessage(session, mail);
        } finally {
            hook.onDisconnect(session);
        }
    }

    private static FakeMail mail(MimeMessageSource source) throws Exception {
        return FakeMail.builder().name("large").sender("x@other.example").recipient("b@example.net")
                .size(source.getMessageSize()).mimeMessage(new MimeMessageWrapper(source)).build();
    }

    private static CompletableFuture<HookResult> endOfDataElsewhere(SessionAuthCheck hook, SMTPSession session,
                                                                    String head, FakeMail mail) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return endOfData(hook, session, head, mail);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * maxWaiting=1: one client's large message is being hashed (held at the gate); another client's, of another
     * network, finds no wait free: it is answered 451 at once, its body not streamed (before: both were hashed at
     * once, two I/O threads blocked with maxWaiting 1). Once the first is done, the second passes when sent again;
     * the first passed (its signature verified over its body).
     */
    @Test
    void aLargeMessageHashedAtTheEndOfDataHoldsAWaitAndOneFindingNoneIsDeferredNotHashed() throws Exception {
        SessionAuthCheck hook = SessionAuthCheckTest.hook(dns, "maxCheckedSize", "64K", "maxWaiting", "1",
                "waitYieldAfter", "4999");
        String head = signedHead();
        Gate gate = new Gate();
        GatedSource first = gate.source(head);
        GatedSource second = gate.source(head);
        CompletableFuture<HookResult> hashing;
        HookResult busy;
        try {
            hashing = endOfDataElsewhere(hook, SessionAuthCheckTest.session("198.51.100.7", null, false), head,
                    mail(first));
            gate.awaitHeld(1);
            assertThat(hook.freeWaits()).as("the hash holds the wait").isZero();

            CompletableFuture<HookResult> another = endOfDataElsewhere(hook,
                    SessionAuthCheckTest.session("203.0.113.9", null, false), head, mail(second));
            try {
                busy = another.get(3, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                busy = null;
            }
        } finally {
            try {
                assertThat(gate.mostHeld.get()).as("I/O threads hashing at once").isEqualTo(1);
            } finally {
                gate.open.countDown();
            }
        }
        assertThat(busy).as("answered within 3 s").isNotNull();
        assertThat(busy.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(busy.getSmtpRetCode()).isEqualTo("451");
        assertThat(busy.getSmtpDescription()).startsWith("4.7.1 ");
        assertThat(second.generated.read()).as("the second body not streamed").isLessThan(GATE);

        assertThat(hashing.get(20, TimeUnit.SECONDS)).isEqualTo(HookResult.DECLINED);
        assertThat(hook.freeWaits()).isEqualTo(1);
        GatedSource again = gate.source(head);
        assertThat(endOfData(hook, SessionAuthCheckTest.session("203.0.113.9", null, false), head, mail(again)))
                .isEqualTo(HookResult.DECLINED);
        assertThat(hook.freeWaits()).isEqualTo(1);
    }

    /**
     * A client the hook never refuses (here one that may relay), with awaitAtData=always: finding no wait free for
     * its large message's body, the hook leaves it to MailAuthCheck (no results stored, nothing streamed), as it
     * does a check it cannot wait for.
     */
    @Test
    void aLargeMessageTheHookCouldNotRefuseFindingNoWaitIsLeftToMailAuthCheck() throws Exception {
        SessionAuthCheck hook = SessionAuthCheckTest.hook(dns, "maxCheckedSize", "64K", "maxWaiting", "1",
                "waitYieldAfter", "4999", "awaitAtData", "always");
        String head = signedHead();
        Gate gate = new Gate();
        GatedSource first = gate.source(head);
        GatedSource second = gate.source(head);
        FakeMail left = mail(second);
        CompletableFuture<HookResult> hashing;
        HookResult result;
        try {
            hashing = endOfDataElsewhere(hook, SessionAuthCheckTest.session("198.51.100.7", null, false), head,
                    mail(first));
            gate.awaitHeld(1);
            result = SessionAuthCheckTest.within(Duration.ofSeconds(3), () -> endOfData(hook,
                    SessionAuthCheckTest.session("203.0.113.9", null, true), head, left));
        } finally {
            gate.open.countDown();
        }
        assertThat(gate.mostHeld.get()).isEqualTo(1);
        assertThat(result).isEqualTo(HookResult.DECLINED);
        assertThat(second.generated.read()).isLessThan(GATE);
        assertThat(left.getAttribute(SessionCheckedMail.CHECKED_IN_SESSION)).isEmpty();
        assertThat(MailAttributes.results(left)).isEmpty();
        assertThat(hashing.get(20, TimeUnit.SECONDS)).isEqualTo(HookResult.DECLINED);
        assertThat(hook.freeWaits()).isEqualTo(1);
    }

    /**
     * A wait taken for work on the I/O thread does not yield while the work lasts, however old (it cannot stop
     * halfway, and yielding it would block one more I/O thread than maxWaiting for as long as the work goes on);
     * once the work is done it waits as any wait, yielding after waitYieldAfter counted from then.
     */
    @Test
    void aWaitTakenForWorkYieldsOnlyOnceTheWorkIsDone() throws Exception {
        SessionLimits limits = SessionLimits.read(p -> switch (p) {
            case "maxWaiting" -> "1";
            case "waitYieldAfter" -> "100";
            default -> null;
        });
        Waits waits = limits.waits(SessionCounts.fresh());
        java.net.InetAddress one = java.net.InetAddress.getByName("198.51.100.7");
        java.net.InetAddress other = java.net.InetAddress.getByName("203.0.113.9");
        Waits.Wait working = waits.tryTakeForWork(one);
        assertThat(working).isNotNull();
        Thread.sleep(250);
        assertThat(waits.tryTake(other)).as("no yield while working").isNull();
        working.workDone();
        assertThat(waits.tryTake(other)).as("waitYieldAfter counted from the work's end").isNull();
        Thread.sleep(250);
        Waits.Wait taken = waits.tryTake(other);
        assertThat(taken).as("an ordinary wait now: it yields").isNotNull();
        assertThat(working.yielded()).isTrue();
        taken.close();
        working.close();
        assertThat(waits.free()).isEqualTo(1);
    }

    /**
     * The body of a signed message over maxCheckedSize is streamed once by the enforcing hook, and the SHA-256 of
     * the message is made in that same pass: its results are stored on the mail, bound by it. MailAuthCheck's
     * {@link SessionCheckedMail#checked} then reads the message once, for its SHA-256 alone (no header section read,
     * nothing canonicalised or verified again: before, the results were not stored and MailAuthCheck streamed the
     * body through the DKIM canonicalisation again). A message changed after the end of DATA is not given them.
     */
    @Test
    void theBodyStreamedAtTheEndOfDataAlsoBindsItsResultsForMailAuthCheck() throws Exception {
        SessionAuthCheck hook = SessionAuthCheckTest.hook(dns, "maxCheckedSize", "64K");
        String head = signedHead();
        CountingMessages.GeneratedSource source = new CountingMessages.GeneratedSource(head, BODY);
        long size = source.getMessageSize();
        FakeMail mail = mail(source);

        assertThat(endOfData(hook, SessionAuthCheckTest.session("198.51.100.7", null, false), head, mail))
                .isEqualTo(HookResult.DECLINED);

        long byTheHook = source.read();
        assertThat(byTheHook).as("the header section, then the message once").isBetween(size, size + (1L << 20));
        dev.authpack.check.CheckOptions options = dev.authpack.james.CheckSettings.read(
                p -> "serverId".equals(p) ? "mx.test" : null).options();
        assertThat(mail.getAttribute(SessionCheckedMail.CHECKED_IN_SESSION)).isPresent();
        var checked = SessionCheckedMail.checked(mail, "mx.test", options);
        assertThat(checked).isPresent();
        assertThat(checked.get().resinfos().toString()).contains("dkim", "pass");
        assertThat(MailAttributes.results(mail).orElseThrow().toString()).contains("dmarc");
        assertThat(source.read() - byTheHook).as("MailAuthCheck's SHA-256: the message once, nothing else")
                .isEqualTo(size);
        assertThat(mail.getAttribute(SessionCheckedMail.CHECKED_MESSAGE).orElseThrow().getValue().value())
                .isEqualTo(MessageBinding.digest(mail.getMessage()));

        // a mailet put another message in its place (one octet of the body changed): checked again
        mail.setMessage(new MimeMessageWrapper(new CountingMessages.GeneratedSource(head, BODY, BODY / 2)));
        assertThat(SessionCheckedMail.checked(mail, "mx.test", options)).isEmpty();
        assertThat(mail.getAttribute(SessionCheckedMail.CHECKED_IN_SESSION)).isEmpty();
    }

    /**
     * An unsigned message over maxCheckedSize: nothing to hash, nothing streamed, no wait taken for it, no results
     * stored (binding them would take a pass over the message that MailAuthCheck, reading its header section alone,
     * does not need).
     */
    @Test
    void anUnsignedMessageOverMaxCheckedSizeTakesNoWaitAndStreamsNothing() throws Exception {
        SessionAuthCheck hook = SessionAuthCheckTest.hook(dns, "maxCheckedSize", "64K", "maxWaiting", "1",
                "waitYieldAfter", "4999");
        String head = "From: a@ok.example\r\nTo: b@example.net\r\nSubject: large\r\n\r\n";
        CountingMessages.GeneratedSource source = new CountingMessages.GeneratedSource(head, BODY);
        FakeMail mail = mail(source);

        // checked from its header section: unsigned, MAIL FROM at other.example, so DMARC fails for ok.example
        // (p=reject): refused, with no body to verify
        assertThat(endOfData(hook, SessionAuthCheckTest.session("192.0.2.1", null, false), head, mail)
                .getSmtpRetCode()).isEqualTo("550");
        assertThat(hook.freeWaits()).isEqualTo(1);
        assertThat(source.read()).isLessThan(GATE);
        assertThat(mail.getAttribute(SessionCheckedMail.CHECKED_IN_SESSION)).isEmpty();
    }
}
