package dev.authpack.it;

import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import com.google.inject.Module;
import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.modules.data.MemoryUsersRepositoryModule;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real James 3.8.1 memory server, started in this JVM from a working directory built like an administrator's:
 * {@code conf/} from {@code conf-samples/james} with placeholders filled in, the pack JAR in
 * {@code extensions-jars/}; plus a {@link LoopbackDnsServer} serving {@code conf-samples/demo.zone}, which the
 * pack's resolver uses ({@code dnsServers}), or a DNS server running elsewhere ({@link Builder#dnsServer}).
 *
 * <pre>{@code
 * try (AuthpackJames james = AuthpackJames.builder().user("alice@james.test", "secret").start()) {
 *     SubmissionResult r = james.submit(Submission.create().mailFrom("bob@spf-fail.example"));
 *     DeliveredMail mail = james.awaitDelivered(r.messageId());
 * }
 * }</pre>
 *
 * Tests normally use it through {@link JamesExtension} (one server per test class).
 */
public final class AuthpackJames implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuthpackJames.class);
    /** How long {@link #awaitDelivered} waits for the spooler by default. */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    /** Which Guice modules make up the server. */
    public enum ServerKind {
        /** SMTP, mailet container, mailboxes and users: what the tests need; starts in a few seconds. */
        SMTP_ONLY,
        /** {@code MemoryJamesServerMain.createServer}: the memory server as its main class starts it. */
        FULL
    }

    private final GuiceJamesServer server;
    private final LoopbackDnsServer dns;
    private final Path workDir;
    private final String mailRepositoryRoot;
    private final Duration startupTime;

    private AuthpackJames(GuiceJamesServer server, LoopbackDnsServer dns, Path workDir, String mailRepositoryRoot,
                          Duration startupTime) {
        this.server = server;
        this.dns = dns;
        this.workDir = workDir;
        this.mailRepositoryRoot = mailRepositoryRoot;
        this.startupTime = startupTime;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures and starts a server; see the defaults on each method. */
    public static final class Builder {
        private Path template = Locations.jamesConfTemplate();
        private final List<Path> zoneFiles = new ArrayList<>(List.of(Locations.demoZone()));
        private final List<String> zoneTexts = new ArrayList<>();
        private final Map<String, String> placeholders = new LinkedHashMap<>();
        private final List<Object[]> edits = new ArrayList<>();
        private final Map<String, String> confFiles = new LinkedHashMap<>();
        private final List<Path> extensionJars = new ArrayList<>(List.of(Locations.extensionsJars()));
        private final Map<String, String> users = new LinkedHashMap<>();
        private String name = "james";
        private Path workDir;
        private ServerKind kind = ServerKind.SMTP_ONLY;
        private InetSocketAddress dnsServer;
        private final List<Module> overrides = new ArrayList<>();
        private final List<Module> additions = new ArrayList<>();

        private Builder() {
            placeholders.put("SMTP_BIND", "127.0.0.1:0");
            placeholders.put("DNS_TIMEOUT", "3000");
            placeholders.put("MAIL_REPOSITORY_ROOT", "memory://var/mail");
        }

        /** Working directory name under {@link Locations#workRoot()}; default {@code james}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Working directory (emptied first); default {@link Locations#workRoot()}{@code /<name>}. */
        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /**
         * Makes SMTP listen on every address ({@code 0.0.0.0:0}; Java's dual-stack socket then also accepts IPv6
         * clients such as {@code ::1}). James 3.8.1 cannot parse an IPv6 literal in {@code <bind>}, so this is the
         * only way to test IPv6 clients. The port is still ephemeral and the server lives for one test class.
         */
        public Builder acceptIpv6Clients() {
            return placeholder("SMTP_BIND", "0.0.0.0:0");
        }

        /** The {@code conf/} template folder; default {@code conf-samples/james}. */
        public Builder template(Path folder) {
            this.template = folder;
            return this;
        }

        /**
         * Sets a placeholder. Defaults: {@code SMTP_BIND=127.0.0.1:0}, {@code DNS_TIMEOUT=3000} (dnsjava 3.5.2 may hold a query up to 1 s before sending it),
         * {@code MAIL_REPOSITORY_ROOT=memory://var/mail}; {@code DNS_SERVERS} is the loopback DNS server.
         */
        public Builder placeholder(String name, String value) {
            placeholders.put(name, value);
            return this;
        }

        /** Edits {@code conf/<file>} (text in, text out) before the placeholders are filled in, so an edit may add placeholders. */
        public Builder edit(String file, UnaryOperator<String> edit) {
            edits.add(new Object[] {file, edit});
            return this;
        }

        /** Adds or replaces {@code conf/<file>}; placeholders in the text are filled in. */
        public Builder confFile(String file, String text) {
            confFiles.put(file, text);
            return this;
        }

        /** Serves this zone file too (the demo zone is always served unless {@link #noDemoZone()}). */
        public Builder zoneFile(Path file) {
            zoneFiles.add(file);
            return this;
        }

        /** Serves these records too (master file syntax, absolute names). */
        public Builder zone(String text) {
            zoneTexts.add(text);
            return this;
        }

        public Builder noDemoZone() {
            zoneFiles.remove(Locations.demoZone());
            return this;
        }

        /**
         * Uses this DNS server (for {@code DNS_SERVERS}) instead of starting a {@link LoopbackDnsServer} in this JVM,
         * so that its work is not this JVM's (the end-to-end benchmark measures the James JVM's CPU time). The zones
         * are then that server's business: {@link #zone}, {@link #zoneFile} and {@link #noDemoZone} are refused, and
         * {@link AuthpackJames#dns()} has no server to give.
         */
        public Builder dnsServer(InetSocketAddress address) {
            this.dnsServer = address;
            return this;
        }

        /**
         * Does not install the pack (for checking the harness or James itself). When no other JAR is added with
         * {@link #extensionJar}, the template's authpack lines, which James could not load, are taken out before
         * the test's own edits: the relay hook and mailets removed, {@code RelayAllowed} replaced by James'
         * {@code SMTPAuthSuccessful}, the Guice module line removed.
         */
        public Builder withoutPack() {
            extensionJars.clear();
            return this;
        }

        /** Installs this JAR (or every JAR of this folder) in {@code extensions-jars/} too. */
        public Builder extensionJar(Path jarOrFolder) {
            extensionJars.add(jarOrFolder);
            return this;
        }

        /** A user ({@code user@domain}) to create once the server runs; its domain must be local. */
        public Builder user(String user, String password) {
            users.put(user, password);
            return this;
        }

        /**
         * Guice bindings that replace the server's own (the end-to-end benchmark swaps one of James' components for
         * another of James'); none by default.
         */
        public Builder overrideWith(Module module) {
            overrides.add(module);
            return this;
        }

        /** Guice bindings added to the server's (a probe of the benchmark's, say); none by default. */
        public Builder combineWith(Module module) {
            additions.add(module);
            return this;
        }

        public Builder kind(ServerKind kind) {
            this.kind = kind;
            return this;
        }

        public AuthpackJames start() throws Exception {
            long t0 = System.nanoTime();
            if (dnsServer != null && (!zoneTexts.isEmpty() || !zoneFiles.equals(List.of(Locations.demoZone())))) {
                throw new IllegalStateException("zones are served by the DNS server " + dnsServer + ", not by this builder");
            }
            LoopbackDnsServer dns = dnsServer != null ? null
                    : LoopbackDnsServer.builder().zoneFiles(zoneFiles).zoneTexts(zoneTexts).start();
            String dnsAddress = dns != null ? dns.address() : hostAndPort(dnsServer);
            GuiceJamesServer server = null;
            Path dir = (workDir != null ? workDir : Locations.workRoot().resolve(name)).toAbsolutePath();
            try {
                JamesWorkDir work = new JamesWorkDir(template);
                work.placeholder("DNS_SERVERS", dnsAddress);
                placeholders.forEach(work::placeholder);
                confFiles.forEach(work::confFile);
                if (extensionJars.isEmpty()) {
                    PacklessConfiguration.edits(template).forEach(work::edit);
                }
                for (Object[] e : edits) {
                    @SuppressWarnings("unchecked")
                    UnaryOperator<String> edit = (UnaryOperator<String>) e[1];
                    work.edit((String) e[0], edit);
                }
                extensionJars.forEach(work::extensionJars);
                work.writeTo(dir);

                MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
                        .workingDirectory(dir.toFile()).build();
                server = switch (kind) {
                    case FULL -> MemoryJamesServerMain.createServer(configuration);
                    case SMTP_ONLY -> GuiceJamesServer.forConfiguration(configuration)
                            .combineWith(MemoryJamesServerMain.SMTP_ONLY_MODULE, new MemoryUsersRepositoryModule());
                };
                server = server.combineWith(new FakeSearchMailboxModule());
                if (!additions.isEmpty()) {
                    server = server.combineWith(additions.toArray(Module[]::new));
                }
                if (!overrides.isEmpty()) {
                    server = server.overrideWith(overrides.toArray(Module[]::new));
                }
                server.start();
                DataProbeImpl data = server.getProbe(DataProbeImpl.class);
                for (Map.Entry<String, String> u : users.entrySet()) {
                    data.addUser(u.getKey(), u.getValue());
                }
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                AuthpackJames james = new AuthpackJames(server, dns, dir, placeholders.get("MAIL_REPOSITORY_ROOT"),
                        took);
                LOG.info("James started in {} ms: SMTP 127.0.0.1:{}, DNS {}, working directory {}",
                        took.toMillis(), james.smtpPort(), dnsAddress, dir);
                return james;
            } catch (Exception | Error e) {
                if (server != null) {
                    try {
                        server.stop();
                    } catch (RuntimeException stopFailure) {
                        e.addSuppressed(stopFailure);
                    }
                }
                if (dns != null) {
                    dns.close();
                }
                throw new IllegalStateException("James did not start (working directory " + dir + "): " + e, e);
            }
        }
    }

    /** {@code host:port} as {@code dnsServers} takes it ({@code [v6]:port} for an IPv6 address). */
    static String hostAndPort(InetSocketAddress address) {
        String host = address.isUnresolved() ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    // ------------------------------------------------------------------ the running server

    public int smtpPort() {
        return server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue();
    }

    /**
     * The loopback DNS server: {@code dns().servfail(name)}, {@code dns().drop(name)}, {@code clearFailures()}.
     *
     * @throws IllegalStateException when the server was started with {@link Builder#dnsServer} (none runs here)
     */
    public LoopbackDnsServer dns() {
        if (dns == null) {
            throw new IllegalStateException("this James uses a DNS server running elsewhere (Builder.dnsServer)");
        }
        return dns;
    }

    public Path workDir() {
        return workDir;
    }

    /** From the start of the DNS server to James accepting connections, users created. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The James server itself, for probes this class has no shortcut for. */
    public GuiceJamesServer guiceServer() {
        return server;
    }

    public void addUser(String user, String password) throws Exception {
        server.getProbe(DataProbeImpl.class).addUser(user, password);
    }

    public void addDomain(String domain) throws Exception {
        server.getProbe(DataProbeImpl.class).addDomain(domain);
    }

    /** A new SMTP connection from the default local address. */
    public SmtpClient smtp() {
        return SmtpClient.connect(InetAddress.getLoopbackAddress(), smtpPort());
    }

    /** A new SMTP connection from this local address ({@code 127.0.0.2}, {@code ::1}, ...). */
    public SmtpClient smtpFrom(String localAddress) {
        InetAddress local = address(localAddress);
        return SmtpClient.connect(serverAddressFor(local), smtpPort(), local);
    }

    /**
     * Runs one SMTP transaction: EHLO, optional AUTH PLAIN, MAIL, RCPT for each recipient, DATA, QUIT. Stops at
     * the first reply that is not positive (QUIT is still sent); never throws for an SMTP refusal.
     */
    public SubmissionResult submit(Submission s) {
        InetAddress local = s.clientAddress().map(AuthpackJames::address).orElse(null);
        InetAddress server = local == null ? InetAddress.getLoopbackAddress() : serverAddressFor(local);
        try (SmtpClient c = SmtpClient.connect(server, smtpPort(), local, s.proxyHeader())) {
            return Transactions.run(c, s);
        }
    }

    /** Submits and asserts the message was accepted; returns its Message-ID. */
    public String send(Submission s) {
        SubmissionResult r = submit(s);
        if (!r.accepted()) {
            throw new AssertionError("message not accepted: " + r);
        }
        return r.messageId();
    }

    /** Submits, asserts acceptance, and waits for the copy in the {@code delivered} repository. */
    public DeliveredMail deliver(Submission s) {
        return awaitDelivered(send(s));
    }

    /** The mail with this Message-ID in the {@code delivered} repository, waiting up to 20 s for it. */
    public DeliveredMail awaitDelivered(String messageId) {
        return awaitMail("delivered", m -> m.headers("Message-ID").contains(messageId), DEFAULT_DELIVERY_TIMEOUT);
    }

    /**
     * Polls the repository {@code <MAIL_REPOSITORY_ROOT>/<repository>/} (for example {@code delivered},
     * {@code outgoing}, {@code relay-denied}, {@code error}) until a mail matches, or fails after {@code timeout}
     * listing what the repositories hold.
     */
    public DeliveredMail awaitMail(String repository, Predicate<DeliveredMail> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            Optional<DeliveredMail> found = mails(repository).stream().filter(matching).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            sleep(POLL_INTERVAL);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no matching mail in " + repositoryUrl(repository) + " after " + timeout.toMillis()
                + " ms; repositories now: " + repositorySummary());
    }

    /** Every mail now in {@code <MAIL_REPOSITORY_ROOT>/<repository>/}. */
    public List<DeliveredMail> mails(String repository) {
        MailRepositoryUrl url = repositoryUrl(repository);
        MailRepositoryProbeImpl probe = server.getProbe(MailRepositoryProbeImpl.class);
        try {
            List<DeliveredMail> mails = new ArrayList<>();
            for (MailKey key : probe.listMailKeys(url)) {
                org.apache.mailet.Mail mail = probe.getMail(url, key);
                if (mail != null) {
                    mails.add(DeliveredMail.of(mail));
                }
            }
            return mails;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + url, e);
        }
    }

    public MailRepositoryUrl repositoryUrl(String repository) {
        return MailRepositoryUrl.from(mailRepositoryRoot + "/" + repository + "/");
    }

    /** {@code url=count} for every repository James knows, for failure messages. */
    public String repositorySummary() {
        MailRepositoryProbeImpl probe = server.getProbe(MailRepositoryProbeImpl.class);
        StringBuilder s = new StringBuilder();
        for (MailRepositoryUrl url : probe.listRepositoryUrls()) {
            long count;
            try {
                count = probe.getRepositoryMailCount(url);
            } catch (Exception e) {
                count = -1;
            }
            s.append(s.length() == 0 ? "" : ", ").append(url.asString()).append('=').append(count);
        }
        return s.toString();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            if (dns != null) {
                dns.close();
            }
        }
    }

    private InetAddress serverAddressFor(InetAddress local) {
        return local instanceof java.net.Inet6Address ? address("::1") : address("127.0.0.1");
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + literal, e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
