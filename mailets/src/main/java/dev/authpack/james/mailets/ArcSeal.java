package dev.authpack.james.mailets;

import dev.authpack.james.InitParameters;
import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.ConfFileLocations;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.WholeReadBudget;
import dev.authpack.arc.ArcAuthResults;
import dev.authpack.arc.ArcChainSummary;
import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcSealOptions;
import dev.authpack.arc.ArcSealResult;
import dev.authpack.arc.ArcSealer;
import dev.authpack.arc.ArcVerifier;
import dev.authpack.arc.ArcVerifyOptions;
import dev.authpack.authres.MethodResult;
import dev.authpack.check.CheckBudgets;
import dev.authpack.dkim.DkimKeyException;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.internal.BodyHasher;
import dev.authpack.dkim.internal.BodyTail;
import dev.authpack.dkim.sign.SignSettings;
import dev.authpack.dns.DnsSettings;
import dev.authpack.mail.MessageLimits;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.OctetSlice;
import dev.authpack.mail.RawMessage;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Adds the next ARC Set (RFC 8617 §5.1) to mail this server passes on after changing it (mailing lists,
 * forwarding): ARC-Authentication-Results with this server's results, ARC-Message-Signature and ARC-Seal, all
 * rsa-sha256. See docs/ArcSeal.md for the parameters.
 *
 * <p>In {@code mailetcontainer.xml}, just before {@code RemoteDelivery}:
 * <pre>{@code
 * <processor state="relay" enableJmx="false">
 *     <mailet match="All" class="dev.authpack.james.mailets.ArcSeal">
 *         <domain>james.test</domain>
 *         <selector>arc2026</selector>
 *         <privateKey>file://conf/arc/arc.james.test.rsa.pem</privateKey>
 *     </mailet>
 *     <mailet match="All" class="RemoteDelivery"> ... </mailet>
 * </processor>
 * }</pre>
 *
 * <p>The chain status ({@code cv=}) is the one {@code MailAuthCheck} found when the mail arrived (the
 * {@code authpack.arc} attribute): that is the validation RFC 8617 asks for, made before this server changed the
 * message. Re-validating here would make every chain whose newest ARC-Message-Signature our own changes broke
 * {@code fail}. When MailAuthCheck did not validate the mail (not run, {@code arc=false}) or its result does not
 * describe the ARC sets the message now carries, the chain is validated here, on the message as it is.
 *
 * <p>The ARC-Authentication-Results records MailAuthCheck's results of this mail (the {@code authpack.results}
 * attribute) under its authserv-id, or only {@code arc=} when it did not run.
 *
 * <p>The key is read at {@link #init()}: a missing or bad one, or a bad parameter, stops James with the reason.
 * {@link #service} never throws: mail whose chain has already failed ({@code cv=fail}, RFC 8617 §5.1 step 2), or
 * that cannot be read or sealed, is passed on unsealed with a log line; so is mail whose {@code authpack.results}
 * cannot be read whole ({@link MailAttributes#resultsUnreadable}; review s22: never a seal of part of them); but mail
 * whose fields claiming our authserv-ids cannot be removed, or MailAuthCheck's own field among them not put back
 * whole, goes to James' error processor ({@link Mail#ERROR}), not on with them.
 */
public class ArcSeal extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(ArcSeal.class);
    static final Set<String> PARAMETERS = Set.of("domain", "selector", "privateKey", "authservId", "headers",
            "dnsServers", "dnsTimeout", "maxSignedSize", WholeReadBudget.PARAMETER);
    /** A key lookup of our own validation waits at most this long (ArcVerifyOptions' default). */
    private static final Duration MAX_KEY_LOOKUP = ArcVerifyOptions.DEFAULT_KEY_LOOKUP_TIMEOUT;

    private final AuthpackEngines engines;
    private final ConfFileLocations locations;
    private volatile ArcSealer sealer;
    private volatile ArcVerifier verifier;
    private volatile Optional<String> authservId;
    private Duration verifyDeadline;
    /** {@code maxSignedSize}: a larger message is sealed with its body streamed, never read whole. */
    private MessageSizeLimit maxSigned = new MessageSizeLimit("maxSignedSize", MessageSizeLimit.DEFAULT);
    /**
     * {@code maxCheckedTotal} ({@link WholeReadBudget}: the JVM-wide count of the messages read whole at once): a
     * message it leaves no room for is sealed as one over {@code maxSignedSize} is, its body streamed (the same set).
     */
    private WholeReadBudget maxCheckedTotal = WholeReadBudget.read(null, maxSigned);

    /** Outside James, or without Guice: {@code file://conf/} needs the {@code working.directory} property. */
    public ArcSeal() {
        this(AuthpackEngines.shared(), Optional.empty());
    }

    /** Inside James: the pack's shared engines (one DNS cache) and James' FileSystem for {@code file://conf/}. */
    @Inject
    public ArcSeal(AuthpackEngines engines, FileSystem fileSystem) {
        this(engines, Optional.of(fileSystem));
    }

    ArcSeal(AuthpackEngines engines, Optional<FileSystem> fileSystem) {
        this.engines = engines;
        this.locations = new ConfFileLocations(fileSystem);
    }

    @Override
    public void init() throws MessagingException {
        InitParameters.check("ArcSeal", getMailetConfig(), PARAMETERS);
        try {
            String domain = required("domain");
            String selector = required("selector");
            ArcSealOptions options = ArcSealOptions.of(domain, selector);
            Optional<String> headers = parameter("headers");
            if (headers.isPresent()) {
                options = options.withSignedHeaders(SignSettings.parseHeaderNames(headers.get()));
            }
            DkimSigningKey key = key(required("privateKey"));
            ArcSealer built = new ArcSealer(key, options);
            authservId = parameter("authservId");
            maxSigned = MessageSizeLimit.parse("maxSignedSize", getInitParameter("maxSignedSize"));
            maxCheckedTotal = WholeReadBudget.read(getInitParameter(WholeReadBudget.PARAMETER), maxSigned);
            // seal a small message once: a bad authserv-id or header list stops James now, not on the first mail
            built.trial(authservId.orElse("trial"));
            sealer = built;
            LOGGER.info("ArcSeal ready: d={} s={} ({} bits), authserv-id {}, h= {}", options.domain(),
                    options.selector(), key.bits(), authservId.orElse("from MailAuthCheck"),
                    headers.orElse("(default)"));
        } catch (DkimKeyException | IllegalArgumentException e) {
            throw new MessagingException("ArcSeal: " + e.getMessage(), e);
        }
        DnsSettings dns = MailAuthCheck.dnsSettings("ArcSeal", this);
        Duration keyLookup = dns.timeout().multipliedBy(3).compareTo(MAX_KEY_LOOKUP) < 0
                ? dns.timeout().multipliedBy(3) : MAX_KEY_LOOKUP;
        try {
            verifier = new ArcVerifier(engines.resolver(dns),
                    ArcVerifyOptions.defaults().withKeyLookupTimeout(keyLookup));
        } catch (IllegalArgumentException e) {
            throw new MessagingException("ArcSeal: bad dnsServers: " + e.getMessage(), e);
        }
        verifyDeadline = CheckBudgets.arcValidation(verifier);
    }

    /**
     * Removes fields claiming our authserv-ids (ours and MailAuthCheck's, RFC 8601 §5) before sealing, so the
     * sealed message carries none; when the mail cannot be sealed or read, again in a {@code finally}.
     */
    @Override
    public void service(Mail mail) {
        Set<String> toStrip = new LinkedHashSet<>();
        try {
            MimeMessage message = mail.getMessage();
            if (message == null) {
                return;
            }
            Optional<String> checkedId = MailAttributes.authservId(mail);
            Optional<String> id = authservId.or(() -> checkedId);
            id.ifPresent(toStrip::add);
            checkedId.ifPresent(toStrip::add);
            if (id.isEmpty()) {
                LOGGER.warn("ArcSeal: mail {} not sealed: no authserv-id (MailAuthCheck did not run on it and the"
                        + " authservId parameter is not set)", mail.getName());
                return;
            }
            // the ARC-Authentication-Results is our assessment, all of it (RFC 8617 §4.1.1): results that cannot be
            // read whole are not sealed, nor the seal made without them (review s22), before any work on the message
            Optional<String> unreadable = MailAttributes.resultsUnreadable(mail);
            if (unreadable.isPresent()) {
                skipped(mail, unreadable.get() + ": not sealed (never an ARC-Authentication-Results of part of them)");
                return;
            }
            // a size not known beforehand: read whole only within maxSignedSize (review s18 L2)
            long size = MimeMessageBytes.size(mail);
            if (maxSigned.exceededBy(size)) {
                sealStreamed(mail, id.get(), toStrip, maxSigned.reason(size));
                return;
            }
            // read whole only while maxCheckedTotal holds its octets (of unknown size: maxSignedSize), released on
            // every path; with no room for it, sealed as a message over maxSignedSize, its body streamed
            WholeReadBudget.Hold hold = maxCheckedTotal.tryHold(size, maxSigned);
            if (hold == null) {
                sealStreamed(mail, id.get(), toStrip, maxCheckedTotal.reason(size));
                return;
            }
            try (hold) {
                // a size not known beforehand: read whole only within maxSignedSize (review s18 L2), and not again
                byte[] read = null;
                if (size < 0) {
                    Optional<byte[]> within = maxSigned.readWithin(message, size);
                    if (within.isEmpty()) {
                        sealStreamed(mail, id.get(), toStrip, maxSigned.reason(size));
                        return;
                    }
                    read = within.get();
                }
                sealWhole(mail, id.get(), toStrip, read);
            }
        } catch (MessageParseException e) {
            LOGGER.warn("ArcSeal: mail {} not sealed: unreadable header section: {}", mail.getName(),
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOGGER.warn("ArcSeal: mail {} not sealed: interrupted", mail.getName());
        } catch (IOException | MessagingException | ExecutionException | TimeoutException | RuntimeException
                 | StackOverflowError | OutOfMemoryError e) {
            LOGGER.warn("ArcSeal: mail {} not sealed: {}", mail.getName(), String.valueOf(e));
        } finally {
            if (!toStrip.isEmpty()) {
                stripOrKeep(mail, toStrip);
            }
        }
    }

    /**
     * The message read whole (within maxSignedSize and held by maxCheckedTotal): sealed, the set put on top;
     * {@code read}: its octets when already read (a message of unknown size), else null.
     */
    private void sealWhole(Mail mail, String id, Set<String> toStrip, byte[] read) throws IOException,
            MessageParseException, MessagingException, InterruptedException, ExecutionException, TimeoutException {
        byte[] octets = read != null ? AuthResultsHeaders.removeForgedFrom(mail, toStrip, read)
                : AuthResultsHeaders.removeForged(mail, toStrip);
        toStrip.clear();
        RawMessage raw = RawMessage.parse(octets);
        Chain chain = chain(mail, raw, null);
        ArcSealResult result = sealer.seal(raw, chain.result(), id, resinfo(mail, chain));
        if (result.sealed()) {
            MimeMessageBytes.set(mail, result.message());
            LOGGER.debug("ArcSeal: mail {} sealed: i={} cv={} (chain {})", mail.getName(), result.instance(),
                    result.cv().word(), chain.source());
        } else {
            LOGGER.info("ArcSeal: mail {} not sealed: {}", mail.getName(), result.reason());
        }
    }

    /**
     * A message over {@code maxSignedSize} (or of unknown size found over it), never read whole: the fields claiming
     * our ids removed from its header section alone, the header section read again, the body streamed once for the
     * ARC-Message-Signature's body hash and, when the chain is validated here, the chain's
     * ({@link BodyTail}: the message read again must start with that header section), then the new set put on top
     * with the rest of the message streamed after it ({@link MimeMessageBytes#replaceHeaderSection}). A header
     * section that is not clean (no end within {@link MessageLimits#DEFAULT_MAX_HEADER_BYTES}, or not CRLF lines
     * alone) is not sealed: {@link MessageSizeLimit#ARC_SEAL_SKIPPED} says why.
     */
    private void sealStreamed(Mail mail, String id, Set<String> toStrip, String why) throws IOException,
            MessageParseException, MessagingException, InterruptedException, ExecutionException, TimeoutException {
        AuthResultsHeaders.removeForgedInHeaderSection(mail, toStrip);
        toStrip.clear();
        MimeMessage message = mail.getMessage();
        MimeMessageBytes.HeaderSection header = MimeMessageBytes.readHeaderSection(message,
                MessageLimits.DEFAULT_MAX_HEADER_BYTES);
        RawMessage raw = header.clean() ? RawMessage.parse(header.octets()) : null;
        if (raw == null || raw.bodyOffset() != header.octets().length) {
            skipped(mail, why + " and its header section is not CRLF lines alone ended within "
                    + MessageLimits.DEFAULT_MAX_HEADER_BYTES + " octets: not sealed");
            return;
        }
        Optional<Chain> checked = checkedChain(mail, raw);
        Set<BodyHasher.Key> keys = new LinkedHashSet<>();
        keys.add(sealer.bodyKey());
        if (checked.isEmpty()) {
            keys.addAll(verifier.bodyKeys(raw));
        }
        BodyHasher.Streaming hashes = BodyHasher.streaming(keys);
        BodyTail tail = new BodyTail(header.octets(), raw.bodyOffset(), hashes);
        MimeMessageBytes.stream(message).writeTo(tail);
        tail.checkComplete();
        BodyHasher.Computed computed = hashes.finish();
        Chain chain = checked.isPresent() ? checked.get() : chain(mail, raw, computed);
        ArcSealResult result = sealer.seal(raw, chain.result(), id, resinfo(mail, chain), computed);
        if (result.sealed()) {
            MimeMessageBytes.replaceHeaderSection(mail, header.octets().length,
                    List.of(OctetSlice.of(result.message())));
            LOGGER.debug("ArcSeal: mail {} sealed with its body streamed ({}): i={} cv={} (chain {})",
                    mail.getName(), why, result.instance(), result.cv().word(), chain.source());
        } else {
            LOGGER.info("ArcSeal: mail {} not sealed: {}", mail.getName(), result.reason());
        }
    }

    /** A mail passed on unsealed for {@code reason}: {@link MessageSizeLimit#ARC_SEAL_SKIPPED} says it, and WARN. */
    private static void skipped(Mail mail, String reason) {
        mail.setAttribute(new Attribute(MessageSizeLimit.ARC_SEAL_SKIPPED, AttributeValue.of(reason)));
        LOGGER.warn("ArcSeal: mail {} not sealed: {}", mail.getName(), reason);
    }

    /**
     * Removes the fields claiming {@code ids}; when that fails, the mail goes to the error processor rather than
     * on with them (review s19 L3).
     */
    private void stripOrKeep(Mail mail, Set<String> ids) {
        try {
            AuthResultsHeaders.removeForged(mail, ids, maxSigned, maxCheckedTotal);
        } catch (IOException | MessagingException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            AuthResultsHeaders.toErrorProcessor(mail, "ArcSeal", e);
        }
    }

    /** The chain validation the seal's cv= reports, and where it came from (for the log). */
    record Chain(ArcResult result, String source, boolean ownValidation) {
    }

    /**
     * MailAuthCheck's validation when it describes the message's sets; else our own, of the message as it is.
     *
     * @param hashed the body hashes of a message too large to hold ({@link ArcVerifier#bodyKeys}), or null: hashed
     *               from {@code raw}'s body
     */
    Chain chain(Mail mail, RawMessage raw, BodyHasher.Computed hashed) throws InterruptedException,
            ExecutionException, TimeoutException {
        Optional<Chain> checked = checkedChain(mail, raw);
        if (checked.isPresent()) {
            return checked.get();
        }
        ArcResult own = verifier.verify(raw, hashed).get(verifyDeadline.toMillis(), TimeUnit.MILLISECONDS);
        return new Chain(own, (MailAttributes.arc(mail).isPresent()
                ? "MailAuthCheck's result no longer fits the message;" : "") + " validated here: "
                + own.status().word(), true);
    }

    /** MailAuthCheck's validation, when it describes the message's sets. */
    private static Optional<Chain> checkedChain(Mail mail, RawMessage raw) {
        Optional<ArcChainSummary> stored = MailAttributes.arc(mail);
        if (stored.isPresent() && stored.get().describes(raw)) {
            return Optional.of(new Chain(stored.get().toArcResult(), "from MailAuthCheck: "
                    + stored.get().status().word(), false));
        }
        return Optional.empty();
    }

    /**
     * MailAuthCheck's results with the seal's own {@code arc=} (ArcAuthResults#forSeal); results that cannot be read
     * whole throw (review s22).
     */
    static List<MethodResult> resinfo(Mail mail, Chain chain) {
        return ArcAuthResults.forSeal(MailAttributes.results(mail), chain.result().toMethodResult(),
                chain.ownValidation());
    }

    private DkimSigningKey key(String location) throws DkimKeyException {
        Path file;
        try {
            file = locations.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("privateKey: " + e.getMessage(), e);
        }
        try {
            return DkimKeys.load(file);
        } catch (DkimKeyException e) {
            throw new DkimKeyException("privateKey: " + e.getMessage(), e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "authpack ArcSeal: adds the next ARC set (RFC 8617), rsa-sha256";
    }

    private Optional<String> parameter(String name) {
        String value = getInitParameter(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private String required(String name) {
        return parameter(name).orElseThrow(() -> new IllegalArgumentException("parameter " + name
                + " is required (domain, selector and privateKey: see docs/ArcSeal.md)"));
    }
}
