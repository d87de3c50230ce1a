package dev.authpack.james;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The size above which a mailet or hook does not read a message whole into memory ({@code maxCheckedSize} of
 * MailAuthCheck, SessionAuthCheck and FixConformance, {@code maxSignedSize} of DkimSign and ArcSeal): James takes mail
 * of any size by LMTP, webadmin or other mailets, and its own {@code maxmessagesize} is unlimited by default, so
 * without this bound one large message is an OutOfMemoryError (docs/security.md, "Limits").
 *
 * @param parameter the parameter's name, for the log and the reasons written
 * @param octets    the largest message read whole
 */
public record MessageSizeLimit(String parameter, long octets) {
    /**
     * Set by DkimSign on a mail over its limit it did not sign (its header section not clean: a larger one is signed
     * with its body streamed): the reason.
     */
    public static final AttributeName DKIM_SIGN_SKIPPED = AttributeName.of("authpack.dkim-sign.skipped");
    /** Set by ArcSeal on a mail over its limit it did not seal (its header section not clean): the reason. */
    public static final AttributeName ARC_SEAL_SKIPPED = AttributeName.of("authpack.arc-seal.skipped");
    /** Set by FixConformance on a mail it neither checked nor changed for its size: the reason. */
    public static final AttributeName CONFORMANCE_SKIPPED = AttributeName.of("authpack.conformance.skipped");
    /** 64 MiB: far above real mail (providers take 25 to 50 MB), far below a heap James runs with. */
    public static final long DEFAULT = 64L << 20;
    /** 1 KiB: a smaller bound would only leave the header section (read on its own in any case). */
    public static final long MIN = 1024;
    /** 1 GiB: the message is one array of octets, and the checks make a few more of its size at most. */
    public static final long MAX = 1L << 30;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");

    /**
     * The limit {@code value} sets: octets, or a number with {@code K}, {@code M} or {@code G} (also {@code KiB},
     * {@code KB}, ..., all powers of 1024), from {@link #MIN} to {@link #MAX}; {@link #DEFAULT} when null or blank.
     *
     * @throws IllegalArgumentException naming the parameter and what is accepted
     */
    public static MessageSizeLimit parse(String parameter, String value) {
        if (value == null || value.isBlank()) {
            return new MessageSizeLimit(parameter, DEFAULT);
        }
        return new MessageSizeLimit(parameter, octets(parameter, value, MIN, MAX));
    }

    /**
     * The octets {@code value} gives: a number of octets, or one with {@code K}, {@code M} or {@code G} (also
     * {@code KiB}, {@code KB}, ..., all powers of 1024), from {@code min} to {@code max}.
     *
     * @throws IllegalArgumentException naming the parameter and what is accepted
     */
    static long octets(String parameter, String value, long min, long max) {
        Matcher m = SIZE.matcher(value == null ? "" : value.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                int shift = switch (m.group(2).isEmpty() ? 'b' : m.group(2).charAt(0)) {
                    case 'k' -> 10;
                    case 'm' -> 20;
                    case 'g' -> 30;
                    default -> 0;
                };
                if (n <= (max >> shift) && (n << shift) >= min) {
                    return n << shift;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(parameter + " must be a size from " + min + " to " + max
                + " octets (a number of octets, or with K, M or G: 64M, 512KiB, 1G), not '" + value + "'");
    }

    /** Whether a message of {@code size} octets is above the limit (an unknown size, -1, is not). */
    public boolean exceededBy(long size) {
        return size > octets;
    }

    /**
     * Whether a message of {@code size} octets may be above the limit: above it, or of unknown size (-1), which only
     * reading could tell (review s18 L2: a reader that must not read such a message whole takes its bounded way).
     */
    public boolean mayExceed(long size) {
        return size < 0 || exceededBy(size);
    }

    /** Why a message of {@code size} octets was not read whole: for the log and the reasons written into headers. */
    public String reason(long size) {
        // a size not known beforehand (-1): found past the limit as it was read (MimeMessageBytes#ofAtMost)
        return "message of " + (size < 0 ? "more than " + octets : size) + " octets is larger than " + parameter
                + " (" + octets + " octets)";
    }

    /**
     * The mail's size when it is above the limit (then {@code name} is set on it to the {@link #reason}), else empty:
     * for the mailets that skip such a mail, leaving it as it is.
     */
    public java.util.OptionalLong skips(Mail mail, AttributeName name) {
        long size = MimeMessageBytes.size(mail);
        if (!exceededBy(size)) {
            return java.util.OptionalLong.empty();
        }
        markSkipped(mail, name, size);
        return java.util.OptionalLong.of(size);
    }

    /**
     * The message's octets when it is within the limit: read whole when its {@code size} (from
     * {@link MimeMessageBytes#size}) is known; when it is not (-1), read up to the limit and no further (review s18
     * L2). Empty when it is over the limit, by its size (nothing read) or found so as it was read.
     */
    public java.util.Optional<byte[]> readWithin(javax.mail.internet.MimeMessage message, long size)
            throws java.io.IOException, javax.mail.MessagingException {
        if (exceededBy(size)) {
            return java.util.Optional.empty();
        }
        return size < 0 ? MimeMessageBytes.ofAtMost(message, octets)
                : java.util.Optional.of(MimeMessageBytes.of(message));
    }

    /** Sets {@code name} on the mail to the {@link #reason} a message of {@code size} octets was skipped. */
    public void markSkipped(Mail mail, AttributeName name, long size) {
        mail.setAttribute(new Attribute(name, AttributeValue.of(reason(size))));
    }

    @Override
    public String toString() {
        return parameter + "=" + octets;
    }
}
