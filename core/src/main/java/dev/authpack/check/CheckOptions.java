package dev.authpack.check;

/**
 * Which checks {@link MailAuthChecker} runs.
 *
 * @param spf      SPF for MAIL FROM and for HELO (RFC 7208)
 * @param iprev    iprev (RFC 8601 §3)
 * @param smtpAuth report the SMTP AUTH identity (RFC 8601 {@code auth} method)
 */
public record CheckOptions(boolean spf, boolean iprev, boolean smtpAuth) {
    public static final CheckOptions ALL = new CheckOptions(true, true, true);
}
