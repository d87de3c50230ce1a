package dev.authpack.james.mailets;

import dev.authpack.james.InitParameters;
import dev.authpack.james.LogText;
import dev.authpack.james.MailRelayRequests;
import dev.authpack.james.ConfFileLocations;
import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.WholeReadBudget;
import dev.authpack.dkim.DkimKeyException;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.sign.DomainPattern;
import dev.authpack.dkim.sign.KeyTable;
import dev.authpack.dkim.sign.KeyTableException;
import dev.authpack.dkim.sign.SignOutcome;
import dev.authpack.dkim.sign.SignSettings;
import dev.authpack.dkim.sign.SigningKeyEntry;
import dev.authpack.dkim.sign.SigningTable;
import dev.authpack.dkim.sign.Submitter;
import dev.authpack.dkim.sign.TableSigner;
import dev.authpack.dns.IpRange;
import dev.authpack.mail.MessageLimits;
import dev.authpack.mail.OctetSlice;
import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Signs outgoing mail with DKIM (RFC 6376; rsa-sha256 and ed25519-sha256, RFC 8463): one DKIM-Signature field per
 * key, prepended; every other octet of the message is kept. The keys are chosen by the author domain (the domain
 * of the From field): either one domain ({@code domain}, {@code selector}, {@code privateKey}, optionally
 * {@code selector2}/{@code privateKey2}) or a key table and a signing table for many domains. See
 * docs/DkimSign.md for the parameters.
 *
 * <p>In {@code mailetcontainer.xml}, just before {@code RemoteDelivery}:
 * <pre>{@code
 * <processor state="relay" enableJmx="false">
 *     <mailet match="All" class="dev.authpack.james.mailets.DkimSign">
 *         <keyTable>file://conf/dkim/keytable</keyTable>
 *         <signingTable>file://conf/dkim/signingtable</signingTable>
 *     </mailet>
 *     <mailet match="All" class="RemoteDelivery"> ... </mailet>
 * </processor>
 * }</pre>
 *
 * <p>Only our clients' mail is signed (review s22): a client that authenticated, that the relay policy trusted
 * itself ({@link MailRelayRequests#TRUSTED_CLIENT}) or in {@code signNetworks}; {@code signAnyClient} signs any.
 *
 * <p>Keys and tables are read at {@link #init()}: a missing or bad one stops James with a message naming the file
 * (and line). {@link #service} never throws for a mail: one whose author domain has no key is passed on unsigned
 * (logged at debug), one that cannot be read is passed on unsigned with a warning. A message over
 * {@code maxSignedSize} is signed from its header section, its body streamed once, never held whole.
 */
public class DkimSign extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(DkimSign.class);
    static final Set<String> PARAMETERS = Set.of("domain", "selector", "privateKey", "selector2", "privateKey2",
            "fromDomains", "keyTable", "signingTable", "canonicalization", "headers", "overSignedHeaders",
            "expiration", "identity", "maxSignedSize", "allowSenderMismatch", "allowForeignDisplayName", "signNetworks",
            "signAnyClient", WholeReadBudget.PARAMETER);
    /**
     * {@code signNetworks} by default: the loopback addresses, the client address James gives the mail it makes
     * itself (MailImpl's 127.0.0.1; DSNBounce's is its host's address, which usually resolves to it).
     */
    static final String DEFAULT_SIGN_NETWORKS = "127.0.0.1, ::1";
    /** Stand-ins to check settings with before (or apart from) a key's own domain and selector. */
    private static final String CHECK_DOMAIN = "example.com";
    private static final String CHECK_SELECTOR = "selector";
    /** Stands for an SMTP AUTH user James recorded but not as a name: its domain matches no From. */
    private static final String UNREADABLE_USER = "@";
    private static final List<String> SINGLE_DOMAIN = List.of("domain", "selector", "privateKey", "selector2",
            "privateKey2", "fromDomains");

    private final ConfFileLocations locations;
    /** Our own: the signed bytes are read back with no system-wide mail.mime.* property in the way. */
    private volatile TableSigner signer;
    /** {@code maxSignedSize}: a larger message is signed with its body streamed, never read whole. */
    private volatile MessageSizeLimit maxSigned = new MessageSizeLimit("maxSignedSize", MessageSizeLimit.DEFAULT);
    /**
     * {@code maxCheckedTotal} ({@link WholeReadBudget}: the JVM-wide count of the messages read whole at once): a
     * message it leaves no room for is signed as one over {@code maxSignedSize} is, its body streamed (the same
     * signatures).
     */
    private volatile WholeReadBudget maxCheckedTotal = WholeReadBudget.read(null, maxSigned);
    /** {@code allowSenderMismatch}: sign whatever the From, whoever submitted the mail (off by default). */
    private volatile boolean allowSenderMismatch;
    /** {@code signNetworks}: clients whose mail is signed without SMTP AUTH or the relay policy's trust. */
    private volatile List<IpRange> signNetworks = parseNetworks(DEFAULT_SIGN_NETWORKS);
    /** {@code signAnyClient}: sign whoever the client (off by default; review s22). */
    private volatile boolean signAnyClient;

    /** Outside James, or without Guice: {@code file://conf/} needs the {@code working.directory} property. */
    public DkimSign() {
        this.locations = new ConfFileLocations(Optional.empty());
    }

    /** Inside James: {@code file://conf/} is resolved by James' FileSystem. */
    @Inject
    public DkimSign(FileSystem fileSystem) {
        this.locations = new ConfFileLocations(Optional.of(fileSystem));
    }

    @Override
    public void init() throws MessagingException {
        InitParameters.check("DkimSign", getMailetConfig(), PARAMETERS);
        TableSigner built;
        try {
            SignSettings settings = settings();
            SigningTable table = parameter("keyTable").isPresent() || parameter("signingTable").isPresent()
                    ? tables(settings) : singleDomain(settings);
            built = new TableSigner(table, settings).allowingOtherDomainsShown(InitParameters.flag(
                    "allowForeignDisplayName", getInitParameter("allowForeignDisplayName"), false));
            maxSigned = MessageSizeLimit.parse("maxSignedSize", getInitParameter("maxSignedSize"));
            maxCheckedTotal = WholeReadBudget.read(getInitParameter(WholeReadBudget.PARAMETER), maxSigned);
            allowSenderMismatch = InitParameters.flag("allowSenderMismatch",
                    getInitParameter("allowSenderMismatch"), false);
            signNetworks = blaming("signNetworks", () -> parseNetworks(Optional.ofNullable(
                    getInitParameter("signNetworks")).orElse(DEFAULT_SIGN_NETWORKS)));
            signAnyClient = InitParameters.flag("signAnyClient", getInitParameter("signAnyClient"), false);
        } catch (KeyTableException | DkimKeyException | IllegalArgumentException e) {
            throw new MessagingException("DkimSign: " + e.getMessage(), e);
        }
        signer = built;
    }

    @Override
    public void service(Mail mail) {
        try {
            MimeMessage message = mail.getMessage();
            if (message == null) {
                return;
            }
            String stranger = stranger(mail);
            if (stranger != null) {
                LOGGER.info("DkimSign: mail {} not signed: {}", mail.getName(), stranger);
                return;
            }
            long size = MimeMessageBytes.size(mail);
            SignOutcome outcome;
            if (maxSigned.exceededBy(size)) {
                outcome = signStreamed(mail, message, maxSigned.reason(size));
            } else {
                outcome = signWithinBudget(mail, message, size);
            }
            if (outcome == null) {
                return;
            }
            switch (outcome.status()) {
                case SIGNED -> LOGGER.debug("DkimSign: mail {} signed: {}", mail.getName(), outcome.signatures());
                case NO_KEY -> LOGGER.debug("DkimSign: mail {} not signed: {}", mail.getName(), outcome.reason());
                case SENDER_MISMATCH, DISPLAYED_DOMAIN -> LOGGER.info("DkimSign: mail {} not signed: {}",
                        mail.getName(), outcome.reason());
                case NO_AUTHOR_DOMAIN -> LOGGER.info("DkimSign: mail {} not signed: {}", mail.getName(),
                        outcome.reason());
                case UNREADABLE -> LOGGER.warn("DkimSign: mail {} not signed: unreadable: {}", mail.getName(),
                        outcome.reason());
            }
        } catch (IOException | MessagingException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.warn("DkimSign: mail {} not signed: {}", mail.getName(), String.valueOf(e));
        }
    }

    /**
     * A message within {@code maxSignedSize}: read whole while {@code maxCheckedTotal} holds its octets (of unknown
     * size: {@code maxSignedSize}), released on every path; with no room for it, signed with its body streamed.
     */
    private SignOutcome signWithinBudget(Mail mail, MimeMessage message, long size) throws IOException,
            MessagingException {
        WholeReadBudget.Hold hold = maxCheckedTotal.tryHold(size, maxSigned);
        if (hold == null) {
            return signStreamed(mail, message, maxCheckedTotal.reason(size));
        }
        try (hold) {
            if (size < 0) {
                // a size not known beforehand: read whole only within maxSignedSize (review s18 L2)
                Optional<byte[]> within = MimeMessageBytes.ofAtMost(message, maxSigned.octets());
                return within.isPresent() ? signed(mail, signer.sign(within.get(), submitter(mail)))
                        : signStreamed(mail, message, maxSigned.reason(size));
            }
            return signed(mail, signer.sign(MimeMessageBytes.of(message), submitter(mail)));
        }
    }

    /** The whole message signed: the signed octets become the message. */
    private static SignOutcome signed(Mail mail, SignOutcome outcome) throws MessagingException {
        if (outcome.signed()) {
            // the signed octets become the message as they are: in James not copied, parsed or marked modified
            // (MimeMessageBytes.set)
            MimeMessageBytes.set(mail, outcome.message());
        }
        return outcome;
    }

    /**
     * A message over {@code maxSignedSize} (or of unknown size found over it, or over what {@code maxCheckedTotal}
     * leaves: {@code why}), never read whole: its header section
     * read from its start and no further, its body streamed once for the body hash
     * ({@link TableSigner#signStreamed}), and the fields put on top with the rest of the message streamed after them
     * ({@link MimeMessageBytes#replaceHeaderSection}: in James into its own source). A header section that is not
     * clean (no end within {@link MessageLimits#DEFAULT_MAX_HEADER_BYTES}, or not CRLF lines alone, where readers
     * disagree on its fields) is not signed: passed on with {@link MessageSizeLimit#DKIM_SIGN_SKIPPED} and null.
     */
    private SignOutcome signStreamed(Mail mail, MimeMessage message, String why) throws IOException,
            MessagingException {
        MimeMessageBytes.HeaderSection header = MimeMessageBytes.readHeaderSection(message,
                MessageLimits.DEFAULT_MAX_HEADER_BYTES);
        if (!header.clean()) {
            String reason = why + " and its header section is not CRLF lines alone ended within "
                    + MessageLimits.DEFAULT_MAX_HEADER_BYTES + " octets: not signed";
            mail.setAttribute(new Attribute(MessageSizeLimit.DKIM_SIGN_SKIPPED, AttributeValue.of(reason)));
            LOGGER.warn("DkimSign: mail {} not signed: {}", mail.getName(), reason);
            return null;
        }
        LOGGER.debug("DkimSign: mail {}: {}; signed with its body streamed", mail.getName(), why);
        SignOutcome outcome = signer.signStreamed(header.octets(), MimeMessageBytes.stream(message), submitter(mail));
        if (outcome.signed()) {
            MimeMessageBytes.replaceHeaderSection(mail, header.octets().length,
                    List.of(OctetSlice.of(outcome.message())));
        }
        return outcome;
    }

    /**
     * Why the mail's client is none of ours to sign for, or null when it is (review s22): as rspamd by default
     * ({@code sign_authenticated}, {@code sign_networks}, no {@code sign_inbound}), only the mail of a client that
     * authenticated (its user's domain then binds the From: {@link #submitter}), that the relay policy trusted
     * itself (RelayAllowed's {@link MailRelayRequests#TRUSTED_CLIENT}: relay_hosts, relay_from), or whose address
     * is in {@code signNetworks}. Anyone else's, such as a stranger's relayed to a relay_to (backup MX) domain, is
     * not: its MAIL FROM, the only other binding, is the stranger's to choose.
     */
    private String stranger(Mail mail) {
        if (signAnyClient || MailRelayRequests.authRecorded(mail) || MailRelayRequests.trustedClient(mail)) {
            return null;
        }
        Optional<InetAddress> client = MailRelayRequests.clientIp(mail);
        if (client.isPresent() && signNetworks.stream().anyMatch(r -> r.contains(client.get()))) {
            return null;
        }
        return "client " + LogText.of(String.valueOf(mail.getRemoteAddr())) + " did not authenticate, is not"
                + " trusted by the relay policy (relay_hosts, relay_from) and is not in signNetworks";
    }

    /** A list of addresses and CIDR ranges, separated by commas or white space; empty for none. */
    private static List<IpRange> parseNetworks(String text) {
        List<IpRange> ranges = new ArrayList<>();
        for (String entry : text.strip().split("[,\\s]+")) {
            if (!entry.isEmpty()) {
                ranges.add(IpRange.parse(entry));
            }
        }
        return List.copyOf(ranges);
    }

    /**
     * Whom James took the mail from: the SMTP AUTH user and the envelope sender, whose domains bind the From a key
     * signs (review s22). An AUTH attribute James recorded but that is not a readable name binds to no domain: such
     * a mail is not signed.
     */
    private Submitter submitter(Mail mail) {
        if (allowSenderMismatch) {
            return Submitter.UNKNOWN;
        }
        String user = MailRelayRequests.authUser(mail)
                .orElse(MailRelayRequests.authRecorded(mail) ? UNREADABLE_USER : null);
        String sender = mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse(null);
        return Submitter.of(user, sender);
    }

    @Override
    public String getMailetInfo() {
        return "authpack DkimSign: DKIM signing (rsa-sha256, ed25519-sha256) by author domain";
    }

    private SignSettings settings() {
        SignSettings settings = SignSettings.defaults();
        Optional<String> canonicalization = parameter("canonicalization");
        if (canonicalization.isPresent()) {
            settings = settings.withCanonicalization(canonicalization.get());
        }
        Optional<String> headers = parameter("headers");
        if (headers.isPresent()) {
            List<String> names = blaming("headers", () -> SignSettings.parseHeaderNames(headers.get()));
            // the list's own rules (From included, at most so many), checked here so that an error names headers
            blaming("headers", () -> DkimSignOptions.of(CHECK_DOMAIN, CHECK_SELECTOR).withSignedHeaders(names));
            settings = settings.withSignedHeaders(names);
        }
        String overSigned = getInitParameter("overSignedHeaders");
        if (overSigned != null) {
            Set<String> names = new LinkedHashSet<>();
            if (!overSigned.isBlank()) {
                for (String name : blaming("overSignedHeaders", () -> SignSettings.parseHeaderNames(overSigned))) {
                    names.add(name.toLowerCase(Locale.ROOT));
                }
            }
            blaming("overSignedHeaders", () -> DkimSignOptions.of(CHECK_DOMAIN, CHECK_SELECTOR)
                    .withOverSignedHeaders(names));
            settings = settings.withOverSignedHeaders(names);
        }
        Optional<String> expiration = parameter("expiration");
        if (expiration.isPresent()) {
            settings = settings.withExpiration(SignSettings.parseExpiration(expiration.get()));
        }
        Optional<String> identity = parameter("identity");
        if (identity.isPresent()) {
            settings = settings.withIdentity(identity.get());
        }
        return settings;
    }

    /** {@code keyTable} + {@code signingTable}. */
    private SigningTable tables(SignSettings settings) throws KeyTableException {
        List<String> mixed = SINGLE_DOMAIN.stream().filter(name -> parameter(name).isPresent()).toList();
        if (!mixed.isEmpty()) {
            throw new IllegalArgumentException("give either keyTable and signingTable or " + SINGLE_DOMAIN
                    + ", not both (found " + mixed + ")");
        }
        if (parameter("identity").isPresent()) {
            throw new IllegalArgumentException("identity goes with one domain only; with key tables i= is left out"
                    + " (it then means @d)");
        }
        String keyTableLocation = required("keyTable", "with signingTable");
        String signingTableLocation = required("signingTable", "with keyTable");
        KeyTable keys = KeyTable.load(locations.resolve(keyTableLocation), locations::resolve);
        SigningTable table = SigningTable.load(locations.resolve(signingTableLocation), keys);
        for (SigningKeyEntry entry : keys.list()) {
            check(settings, entry);
        }
        LOGGER.info("DkimSign ready: {} keys from {}, {} patterns from {}", keys.entries().size(),
                keyTableLocation, table.patternCount(), signingTableLocation);
        return table;
    }

    /** {@code domain}, {@code selector}, {@code privateKey} and optionally the second key. */
    private SigningTable singleDomain(SignSettings settings) throws DkimKeyException {
        String domain = parameter("domain").orElseThrow(() -> new IllegalArgumentException("no key: give domain,"
                + " selector and privateKey (one domain) or keyTable and signingTable (many domains)"))
                .toLowerCase(Locale.ROOT);
        List<SigningKeyEntry> keys = new ArrayList<>();
        keys.add(key("privateKey", domain, required("selector", "with domain"), required("privateKey",
                "with domain")));
        Optional<String> selector2 = parameter("selector2");
        Optional<String> privateKey2 = parameter("privateKey2");
        if (selector2.isPresent() != privateKey2.isPresent()) {
            throw new IllegalArgumentException("selector2 and privateKey2 go together");
        }
        if (selector2.isPresent()) {
            keys.add(key("privateKey2", domain, selector2.get(), privateKey2.get()));
            if (keys.get(0).selector().equals(keys.get(1).selector())) {
                throw new IllegalArgumentException("selector2 must differ from selector (one key record each)");
            }
        }
        for (SigningKeyEntry entry : keys) {
            check(settings, entry);
        }
        SigningTable.Builder builder = SigningTable.builder();
        String patterns = parameter("fromDomains").orElse(domain + ", *." + domain);
        for (String pattern : patterns.split("[,\\s]+")) {
            if (!pattern.isEmpty()) {
                builder.add(DomainPattern.parse(pattern), keys);
            }
        }
        SigningTable table = builder.build();
        if (table.patternCount() == 0) {
            throw new IllegalArgumentException("fromDomains is empty; give patterns such as " + domain + ", *."
                    + domain + " or *");
        }
        LOGGER.info("DkimSign ready: {} for From domains {}", keys.stream().map(SigningKeyEntry::describe).toList(),
                patterns);
        return table;
    }

    private SigningKeyEntry key(String parameter, String domain, String selector, String location)
            throws DkimKeyException {
        Path file;
        try {
            file = locations.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(parameter + ": " + e.getMessage(), e);
        }
        DkimSigningKey key;
        try {
            key = DkimKeys.load(file);
        } catch (DkimKeyException e) {
            throw new DkimKeyException(parameter + ": " + e.getMessage(), e);
        }
        return new SigningKeyEntry(parameter, domain, selector.strip().toLowerCase(Locale.ROOT), file, key,
                parameter);
    }

    /** {@code value}, or its error with the name of the parameter it came from. */
    private static <T> T blaming(String parameter, Supplier<T> value) {
        try {
            return value.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(parameter + ": " + e.getMessage(), e);
        }
    }

    /** The settings must make valid options with every key (identity within d=, a valid d= and s=...). */
    private static void check(SignSettings settings, SigningKeyEntry entry) {
        try {
            settings.options(entry.signingDomain(CHECK_DOMAIN), entry.selector());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(entry.source() + ": " + e.getMessage(), e);
        }
    }

    private Optional<String> parameter(String name) {
        String value = getInitParameter(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private String required(String name, String context) {
        return parameter(name).orElseThrow(() -> new IllegalArgumentException("parameter " + name + " is required "
                + context));
    }
}
