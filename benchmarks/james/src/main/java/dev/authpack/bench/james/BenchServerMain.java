package dev.authpack.bench.james;

import dev.authpack.it.AuthpackJames;
import dev.authpack.it.DeliveredMail;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailbox.store.mail.NaiveThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.Mail;
import org.apache.james.modules.MailboxProbeImpl;
import org.apache.james.utils.MailRepositoryProbeImpl;

/**
 * One James under load, in its own JVM (two James servers cannot share one: their JMX names clash), started by
 * {@link BenchServer}. Reads commands on standard input and answers each with one line starting
 * {@value #ANSWER} on standard output (James' own log lines go there too and are passed on):
 * {@code count} (delivered and error mails), {@code reset} (empty the {@code delivered} repository and the
 * recipients' INBOXes, so memory stays flat, and collect the garbage that leaves), {@code header} (the header
 * section of the first delivered mail, line ends as {@code \n}), {@code quit}.
 *
 * <p>Arguments: {@code NAME DNS_SERVER SPOOL_THREADS MAILBOXES [nopack | none | label | enforce [IO_WORKERS
 * [naive | search]]]}
 * (DNS_SERVER {@code 127.0.0.1:PORT}, the loopback DNS server the driver runs for this James, {@link BenchServer};
 * SPOOL_THREADS 0: the sample configuration's; MAILBOXES users {@link JamesEndToEnd#recipient}; then no pack, or
 * the pack with that SessionAuthCheck hook mode, {@link SessionHookBench}; IO_WORKERS the SMTP server's
 * {@code ioWorkerCount}, 0: James' default; then how the mailbox threads messages, {@link BenchOptions#threadIds},
 * default naive).
 */
public final class BenchServerMain {
    static final String ANSWER = "@@ ";
    /** The argument and the command of {@code --mailet-cpu} ({@link MailetCpu}). */
    static final String MAILET_CPU = "mailetcpu";
    static final String USER_NAMESPACE = "#private";
    static final String INBOX = "INBOX";
    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Wait before a reset: a mail is counted once its copy is in the {@code delivered} repository, and
     * {@code LocalDelivery} stores it in the mailbox just after; the mailboxes are deleted only once that is done.
     */
    static final Duration SETTLE = Duration.ofSeconds(1);

    private BenchServerMain() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        InetSocketAddress dnsServer = dnsServer(args[1]);
        int spoolThreads = Integer.parseInt(args[2]);
        int mailboxes = Integer.parseInt(args[3]);
        boolean withoutPack = args.length > 4 && args[4].equals("nopack");
        String hook = args.length > 4 && !withoutPack ? args[4] : "none";
        int ioWorkers = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        boolean naiveThreadIds = args.length <= 6 || args[6].equals(BenchOptions.NAIVE_THREAD_IDS);
        int checks = args.length > 7 ? Integer.parseInt(args[7]) : 1;
        boolean mailetCpu = args.length > 8 && args[8].equals(MAILET_CPU);
        AuthpackJames.Builder builder = AuthpackJames.builder().name("bench-" + name).dnsServer(dnsServer);
        for (int i = 0; i < mailboxes; i++) {
            builder.user(JamesEndToEnd.recipient(i), "bench-secret");
        }
        if (withoutPack) {
            builder.withoutPack();
        }
        // issue 11: --session-hook label|enforce checks in the SMTP session (SessionHookBench, docs/SessionAuthCheck.md)
        if (!withoutPack && !hook.equals("none")) {
            builder.edit("smtpserver.xml", xml -> SessionHookBench.withHook(xml, hook));
        }
        if (ioWorkers != 0) {
            // James 3.8.1 runs the SMTP hooks on these Netty IO threads (default: 2 per CPU), not on the
            // maxExecutorCount workers: a hook that waits holds every connection of its thread
            builder.edit("smtpserver.xml", xml -> xml.replaceFirst("<jmxName>smtpserver</jmxName>",
                    "<jmxName>smtpserver</jmxName><ioWorkerCount>" + ioWorkers + "</ioWorkerCount>"));
        }
        if (spoolThreads != 0) {
            builder.edit("mailetcontainer.xml", xml -> xml.replaceFirst("<threads>\\d+</threads>",
                    "<threads>" + spoolThreads + "</threads>"));
        }
        if (!withoutPack && checks == 2) {
            // --baseline-checks 2: a second MailAuthCheck after the sample's, under another authserv-id (so it
            // checks the mail again and adds its own field): what one check costs James' spool, measured in James
            builder.edit("mailetcontainer.xml", BenchServerMain::secondCheck);
        }
        if (!withoutPack && mailetCpu) {
            // --mailet-cpu: the sample's MailAuthCheck between two marks that read the spool thread's CPU clock
            builder.edit("mailetcontainer.xml", BenchServerMain::timedCheck);
        }
        if (naiveThreadIds) {
            // BenchOptions.NAIVE_THREAD_IDS: James' own O(1) way (its JPA server's) instead of the memory server's
            // search of all the mail stored so far on every delivery
            builder.overrideWith(binder -> binder.bind(ThreadIdGuessingAlgorithm.class)
                    .to(NaiveThreadIdGuessingAlgorithm.class));
        }
        builder.combineWith(BenchMailboxMemory.module());
        try (AuthpackJames james = builder.start()) {
            MailRepositoryProbeImpl repositories = james.guiceServer().getProbe(MailRepositoryProbeImpl.class);
            MailRepositoryUrl delivered = james.repositoryUrl("delivered");
            MailRepositoryUrl error = james.repositoryUrl("error");
            answer("ready " + james.smtpPort());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                String[] command = line.trim().split(" ");
                switch (command[0]) {
                    case "count" -> answer(count(repositories, delivered) + " " + count(repositories, error));
                    case "reset" -> {
                        reset(james, repositories, delivered, mailboxes);
                        answer("ok");
                    }
                    case MAILET_CPU -> answer(MailetCpu.nanos() + " " + MailetCpu.mails() + " "
                            + MailetCpu.unpaired());
                    case "header" -> {
                        DeliveredMail mail = james.awaitMail("delivered", d -> true, HEADER_TIMEOUT);
                        String raw = mail.rawMessage();
                        int end = raw.indexOf("\r\n\r\n");
                        answer(raw.substring(0, Math.max(0, end)).replace("\r\n", "\\n"));
                    }
                    default -> answer("error unknown command " + line);
                }
            }
        }
        System.exit(0); // James leaves non-daemon threads behind
    }

    /** {@code 127.0.0.1:PORT}. */
    static InetSocketAddress dnsServer(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("DNS server not host:port: " + hostAndPort);
        }
        return new InetSocketAddress(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
    }

    /** The sample's MailAuthCheck element, then a copy of it with another serverId. */
    static String secondCheck(String xml) {
        java.util.regex.Matcher check = sampleCheck(xml);
        String second = check.group().replaceFirst("<serverId>[^<]*</serverId>", "<serverId>second.james.test</serverId>");
        return xml.substring(0, check.end()) + "\n            " + second + xml.substring(check.end());
    }

    /** The sample's MailAuthCheck element between {@link MailetCpu}'s two marks. */
    static String timedCheck(String xml) {
        java.util.regex.Matcher check = sampleCheck(xml);
        return xml.substring(0, check.start())
                + "<mailet match=\"All\" class=\"" + MailetCpu.Start.class.getName() + "\"/>\n            "
                + check.group()
                + "\n            <mailet match=\"All\" class=\"" + MailetCpu.End.class.getName() + "\"/>"
                + xml.substring(check.end());
    }

    /** The sample's MailAuthCheck element, found. */
    private static java.util.regex.Matcher sampleCheck(String xml) {
        java.util.regex.Matcher check = java.util.regex.Pattern.compile(
                "(?s)<mailet match=\"All\" class=\"dev\\.authpack\\.james\\.mailets\\.MailAuthCheck\">.*?</mailet>")
                .matcher(xml);
        if (!check.find()) {
            throw new IllegalStateException("no MailAuthCheck in the sample mailetcontainer.xml");
        }
        return check;
    }

    private static void answer(String text) {
        System.out.println(ANSWER + text);
        System.out.flush();
    }

    private static long count(MailRepositoryProbeImpl repositories, MailRepositoryUrl url) throws Exception {
        return repositories.getMailRepositoryStore().get(url).isPresent() ? repositories.getRepositoryMailCount(url) : 0;
    }

    private static void reset(AuthpackJames james, MailRepositoryProbeImpl repositories, MailRepositoryUrl delivered,
                              int mailboxes) throws Exception {
        Thread.sleep(SETTLE.toMillis());
        if (repositories.getMailRepositoryStore().get(delivered).isPresent()) {
            // disposed one by one: removeAll() alone leaves James' leak detector to log every message
            MailRepository repository = repositories.getMailRepositoryStore().select(delivered);
            for (MailKey key : repositories.listMailKeys(delivered)) {
                Mail mail = repository.retrieve(key);
                repository.remove(key);
                LifecycleUtil.dispose(mail);
            }
        }
        MailboxProbeImpl probe = james.guiceServer().getProbe(MailboxProbeImpl.class);
        for (int i = 0; i < mailboxes; i++) {
            String user = JamesEndToEnd.recipient(i);
            if (probe.listUserMailboxes(user).contains(INBOX)) {
                probe.deleteMailbox(USER_NAMESPACE, user, INBOX);
            }
        }
        // the deleted INBOXes' messages would stay in James' memory store for good (BenchMailboxMemory)
        james.guiceServer().getProbe(BenchMailboxMemory.class).forgetMessages();
        for (int i = 0; i < mailboxes; i++) {
            probe.createMailbox(USER_NAMESPACE, JamesEndToEnd.recipient(i), INBOX);
        }
        // the round's mail is garbage now: collected here, between rounds, not in the next round's figures
        System.gc();
    }
}
