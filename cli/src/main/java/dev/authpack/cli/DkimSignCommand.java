package dev.authpack.cli;

import dev.authpack.dkim.DkimAlgorithm;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.sign.SignSettings;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code authpack dkim-sign MESSAGE}: the message with a new DKIM-Signature field on top (CLI.md). Every other octet
 * of the input, line ends included, is printed as it was read.
 */
@Command(name = "dkim-sign", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Signs a message with DKIM (RFC 6376): rsa-sha256, or ed25519-sha256 (RFC 8463).",
                "Prints the message with the new DKIM-Signature field first; the rest of the input is printed"
                        + " unchanged, line ends included (the field uses the message's line end)."},
        footer = {"", "Exit status: 0 signed; 2 usage error, or a message or key that cannot be read."})
final class DkimSignCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MESSAGE", description = "RFC 5322 message file, or - for standard input.")
    String message;

    @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The signing domain (d=).")
    String domain;

    @Option(names = "--selector", required = true, paramLabel = "SELECTOR", description = "The selector (s=).")
    String selector;

    @Option(names = "--key", required = true, paramLabel = "PEM-FILE",
            description = {"The private key: PEM PKCS#8 (RSA or Ed25519) or PKCS#1 (RSA PRIVATE KEY), or a base64"
                    + " Ed25519 seed. RSA keys need 1024 bits or more (RFC 8301)."})
    String key;

    @Option(names = "--algorithm", paramLabel = "ALGORITHM",
            description = "rsa-sha256 or ed25519-sha256 (default: the key's); must match the key.")
    String algorithm;

    @Option(names = "--canonicalization", paramLabel = "HEADER/BODY", defaultValue = "relaxed/relaxed",
            description = "c=: simple or relaxed, for header and body (default: ${DEFAULT-VALUE}).")
    String canonicalization;

    @Option(names = "--headers", paramLabel = "NAME:NAME:...",
            description = {"The h= list, written as given; must include From. List a name once more than it occurs"
                    + " to over-sign it; From is always over-signed. Default: the usual fields that are present,"
                    + " over-signed as --over-sign says."})
    String headers;

    @Option(names = "--over-sign", paramLabel = "NAME:NAME:...",
            description = "With the default list: names signed once more than present, even when absent"
                    + " (default: from:reply-to:subject:to:cc; \"\" for none but From, always over-signed). Sender,"
                    + " Date, Message-ID, MIME-Version, Content-Type, Content-Transfer-Encoding, In-Reply-To and"
                    + " References are over-signed when present.")
    String overSign;

    @Option(names = "--identity", paramLabel = "AUID",
            description = "i=: @DOMAIN, or an address in DOMAIN or a subdomain (default: none, which means @DOMAIN).")
    String identity;

    @Option(names = "--expiration", paramLabel = "SECONDS", description = "x= this many seconds after t=.")
    String expiration;

    @Option(names = "--now", paramLabel = "EPOCH_SECONDS",
            description = "t=: the signing time in seconds since 1970 (default: now), for reproducible output.")
    Long now;

    @Option(names = "--query-tag", description = "Write q=dns/txt (the default query method, so optional).")
    boolean queryTag;

    @Option(names = "--spaced-header-list",
            description = "Write h= as \"from : to : subject\" rather than \"from:to:subject\".")
    boolean spacedHeaderList;

    @Option(names = "--line-width", paramLabel = "N", defaultValue = "76",
            description = "Fold the field at N characters (30 to 998; default: ${DEFAULT-VALUE}).")
    int lineWidth;

    private final CliStreams streams;

    DkimSignCommand(CliStreams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        DkimSigningKey signingKey = KeyFileArgument.load(key);
        if (algorithm != null) {
            DkimAlgorithm wanted = DkimAlgorithm.fromTag(algorithm.strip());
            if (wanted == null || wanted == DkimAlgorithm.RSA_SHA1) {
                throw new UsageException("--algorithm must be rsa-sha256 or ed25519-sha256, not '" + algorithm + "'");
            }
            if (wanted != signingKey.algorithm()) {
                throw new UsageException("--algorithm " + wanted.tag() + " does not fit the key, which signs "
                        + signingKey.algorithm().tag());
            }
        }
        if (lineWidth < DkimSignOptions.MIN_LINE_WIDTH || lineWidth > DkimSignOptions.MAX_LINE_WIDTH) {
            throw new UsageException("--line-width must be between " + DkimSignOptions.MIN_LINE_WIDTH + " and "
                    + DkimSignOptions.MAX_LINE_WIDTH + ", not " + lineWidth);
        }
        DkimSignOptions options = options();
        byte[] input = MessageInput.read(message, streams.in());
        RawMessage parsed;
        try {
            parsed = RawMessage.parse(input);
        } catch (MessageParseException e) {
            throw new UsageException("cannot sign " + message + ": " + e.getMessage());
        }
        // RFC 6376 §5.4: From is signed; with none there is no author, with several a reader may show either (the
        // DkimSign mailet signs neither, SenderDomain)
        int fromFields = parsed.count("From");
        if (fromFields != 1) {
            throw new UsageException("cannot sign " + message + ": " + (fromFields == 0 ? "no From field"
                    : fromFields + " From fields (a reader may show any of them)"));
        }
        byte[] signed = new DkimSigner(signingKey, options).sign(parsed);
        streams.out().write(signed, 0, signed.length);
        streams.out().flush();
        return ExitCodes.OK;
    }

    private DkimSignOptions options() {
        try {
            SignSettings settings = SignSettings.defaults().withCanonicalization(canonicalization).withClock(clock());
            if (headers != null) {
                settings = settings.withSignedHeaders(SignSettings.parseHeaderNames(headers));
            }
            if (overSign != null) {
                Set<String> names = new LinkedHashSet<>();
                if (!overSign.isBlank()) {
                    for (String name : SignSettings.parseHeaderNames(overSign)) {
                        names.add(name.toLowerCase(Locale.ROOT));
                    }
                }
                settings = settings.withOverSignedHeaders(names);
            }
            if (expiration != null) {
                settings = settings.withExpiration(SignSettings.parseExpiration(expiration));
            }
            if (identity != null) {
                settings = settings.withIdentity(identity.strip());
            }
            return settings.options(domain.strip(), selector.strip()).withQueryTag(queryTag)
                    .withSpacedHeaderList(spacedHeaderList).withLineWidth(lineWidth);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private Clock clock() {
        return ClockOption.clock(now);
    }
}
