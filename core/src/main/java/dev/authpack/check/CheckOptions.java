package dev.authpack.check;

/**
 * Which checks {@link MailAuthChecker} runs.
 *
 * @param dkim     DKIM verification of every signature (RFC 6376, 8301, 8463)
 * @param spf      SPF for MAIL FROM and for HELO (RFC 7208)
 * @param iprev    iprev (RFC 8601 §3)
 * @param smtpAuth report the SMTP AUTH identity (RFC 8601 {@code auth} method)
 */
public record CheckOptions(boolean dkim, boolean spf, boolean iprev, boolean smtpAuth) {
    public static final CheckOptions ALL = new CheckOptions(true, true, true, true);
}
