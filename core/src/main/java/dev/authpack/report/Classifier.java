package dev.authpack.report;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classification of a failed recipient into sisimai's reasons, from the diagnostic text (a table of phrases per
 * reason, first matching rule wins), then the RFC 3463 status, then the SMTP reply code; and the status inferred
 * when the report gives none. The phrases are the common wordings of MTAs and providers, lower case.
 */
final class Classifier {
    private record Rule(Reason reason, List<String> phrases) {
    }

    private static Rule rule(Reason reason, String... phrases) {
        return new Rule(reason, List.of(phrases));
    }

    /** Order matters: specific wordings before the generic ones that they contain. */
    private static final List<Rule> RULES = List.of(
            rule(Reason.REJECTED, "sender address rejected", "domain of sender address", "sender verify failed",
                    "sender rejected", "sender was rejected", "permission to post", "invalid sender",
                    // Google Groups, Japanese: "no permission to post to the group"
                    "投稿する権限がない"),
            rule(Reason.NOTACCEPT, "doesn't receive email", "does not receive email", "doesn't receive mail"),
            rule(Reason.NETWORKERROR, "dns error", "dns failure"),
            rule(Reason.EXPIRED, "connection timed out", "was aborted after", "will be retried for", "timed out", "did not accept our requests to connect", "envelope expired", "has expired", "in the queue too long", "delivery time expired", "retry timeout exceeded", "message expired", "queue too long", "could not be delivered within",  "retry time not reached for any host after a long failure period", "too long in queue", "too long in the queue", "deferred for too long", "delivery expired", "delivery attempts will continue", "was not delivered within", "has not been delivered for", "expired after", "retry period", "maximum delivery time", "message timed out", "unable to deliver within", "has been delayed", "delivery has been delayed", "was delayed", "delivery is delayed", "could not be delivered for more than", "will be retried until", "undeliverable for", "message could not be delivered in time"),
            rule(Reason.NORELAYING, "relay access denied", "relaying denied", "relay not permitted", "unable to relay", "relaying not allowed", "not permitted to relay", "we do not relay", "relay denied", "relaying mail to", "is not permitted to relay", "relay prohibited", "no relaying", "not allowed to relay"),
            rule(Reason.MAILERERROR, "mailer error", "command died", "command failed", "exit status", "exited with", "unknown mailer", "procmail", "pipe to |"),
            rule(Reason.SYSTEMFULL, "insufficient system storage", "mail system full", "disk full", "out of disk space", "no space left on device", "system resources are temporarily unavailable"),
            rule(Reason.MAILBOXFULL, "mailbox exceeds", "mailbox full", "mailbox is full", "mailbox is over", "quota exceeded", "over quota", "overquota", "exceeded storage allocation", "mailbox size limit exceeded", "disk quota", "user is over", "account is full", "mailfolder is full", "exceeds quota", "exceeded quota", "too much mail", "full mailbox", "mailbox exceeded", "quota full", "over the allowed quota", "storage quota", "inbox is full", "would exceed", "exceeded its quota", "over its quota", "mailbox has exceeded", "not enough space", "insufficient storage", "mailbox would exceed", "out of storage", "size of mailbox"),
            rule(Reason.MESGTOOBIG, "message too big", "message too large", "message size exceeds", "message is too large", "message is too big", "exceeds size limit", "message length exceeds", "too big for", "exceeds the maximum size", "exceeds maximum allowed size", "mail size limit", "message size limit", "size exceeds", "message exceeds the maximum"),
            rule(Reason.BADREPUTATION, "poor reputation", "low reputation", "bad reputation", "reputation of", "sender reputation", "ip reputation"),
            rule(Reason.SPEEDING, "this hour", "per hour", "rate limit", "ratelimit", "too fast", "too quickly", "too many messages", "sending rate", "rate exceeded", "rate of", "throttl", "receiving mail at a rate"),
            rule(Reason.EXCEEDLIMIT, "administrative limit", "exceeds the limit", "recipient limit", "too many recipients"),
            rule(Reason.VIRUSDETECTED, "virus", "malware", "infected", "trojan"),
            rule(Reason.REQUIREPTR, "reverse dns", "reverse lookup", "ptr record", "no ptr", "rdns", "cannot resolve your address", "cannot find your hostname", "cannot find your reverse hostname", "does not have a reverse", "client host name", "not resolve to your ip"),
            rule(Reason.AUTHFAILURE, "dmarc", "spf check", "spf fail", "spf record", "sender policy framework", "dkim", "authentication failure", "unauthenticated email", "did not pass authentication", "failed authentication", "not authenticated"),
            rule(Reason.FAILEDSTARTTLS, "does not support tls", "support starttls", "starttls failed", "tls handshake", "tls negotiation failed", "starttls is required", "must issue a starttls", "requires tls", "tls required", "encryption required"),
            rule(Reason.SECURITYERROR, "authentication required", "authentication credentials invalid", "certificate", "security policy", "smtp auth", "must authenticate", "not authorized to send", "unauthorized sender"),
            rule(Reason.TOOMANYCONN, "frequency limited", "too many connections", "too many simultaneous", "too many concurrent", "connection limit", "too many sessions", "too many smtp sessions", "maximum number of connections"),
            rule(Reason.HASMOVED, "has moved", "has been moved", "address has changed", "is no longer at"),
            rule(Reason.SUSPEND, "account is blocked", "mailbox disabled", "account disabled", "account has been disabled", "is disabled", "suspended", "account is inactive", "mailbox is inactive", "inactive account", "inactive user", "account expired", "deactivated", "not active", "account is locked", "account has been locked", "has been discontinued", "mailbox unavailable because", "temporarily deactivated", "this account has been frozen", "is frozen"),
            rule(Reason.HOSTUNKNOWN, "unrouteable address", "domain is not reachable", "host unknown", "unknown host", "host not found", "domain not found", "no such domain", "name or service not known", "unrouteable mail domain", "domain does not exist", "unknown domain", "host or domain name not found", "couldn't find any host", "could not find any host", "no mx record", "all relevant mx records point to non-existent hosts", "domain name not found", "hostname not found", "illegal host/domain name", "invalid domain", "unroutable domain", "nxdomain", "no such host", "domain is not valid", "unknown or invalid domain", "domain does not accept", "mx lookup failed", "name server error"),
            rule(Reason.USERUNKNOWN, "user unknown", "unknown user", "no such user", "user not found", "mailbox not found", "mailbox unavailable", "does not exist", "doesn't exist", "no mailbox", "invalid recipient", "recipient unknown", "unknown recipient", "no such mailbox", "not a valid mailbox", "unknown address", "bad destination mailbox", "recipient not found", "addressee unknown", "account does not exist", "no such recipient", "invalid mailbox", "unknown local part", "unknown or illegal alias", "is not a valid recipient", "no valid recipients", "invalid address", "address unknown", "unknown mailbox", "not our customer", "no account by that name", "no mailbox here by that name", "unknown account", "no such account", "recipnotfound", "recipient does not exist", "invalid user", "user invalid", "unknown or invalid", "not listed in", "no such person", "undeliverable address", "wasn't found at", "was not found", "no longer valid", "mailbox not available", "address not present", "not a known user", "user doesn't have", "doesn't have a", "we do not have a user", "bad recipient", "not valid for", "no user", "unknown in", "nonexistent", "address rejected", "address not found", "address couldn't be found", "user not exist", "invalid final delivery", "check if address is correct"),
            rule(Reason.BLOCKED, "smtp server of your isp", "your isp", "blacklist", "blocklist", "black list", "block list", "spamhaus", "spamcop", "sorbs", "barracudacentral", "dnsbl", "rbl", "listed in", "listed at", "client host rejected", "your ip", "ip address", "access denied", "not allowed to connect", "connection rejected", "dynamic ip", "dial-up", "dialup", "residential", "helo command rejected", "invalid helo", "refused to talk", "connection refused by", "banned", "blocked using", "has been blocked", "are blocked", "is blocked", "temporarily blocked", "blocked because", "blocked by", "blocked for"),
            rule(Reason.SPAMDETECTED, "spam", "unsolicited", "junk mail", "bulk mail", "bulk e-mail", "message content rejected", "suspicious", "scored", "content filter", "identified as"),
            rule(Reason.POLICYVIOLATION, "policy", "violat"),
            rule(Reason.REJECTED, "sender address rejected", "sender rejected", "domain of sender address", "sender verify failed", "sender verification", "sender not allowed", "bad sender", "invalid sender", "sender domain", "sender is not allowed", "envelope sender", "mail from", "sender unknown", "sender address", "return path", "your domain", "from address"),
            rule(Reason.FILTERED, "filtered", "filter", "recipient has blocked", "refused by recipient", "user refuses", "not accepting mail from", "does not accept mail from", "rejected by recipient", "blocked by recipient", "recipient refused", "has refused", "not authorized", "delivery not authorized", "not allowed to post", "not allowed to send", "message refused", "permission denied", "prohibited", "rejected by", "refused"),
            rule(Reason.NOTCOMPLIANTRFC, "rfc 5322", "rfc5322", "rfc 2822", "rfc2822", "rfc 822", "not rfc compliant", "duplicate header", "multiple addresses in from", "not compliant"),
            rule(Reason.CONTENTERROR, "header error", "invalid header", "message header", "improper use of 8-bit", "bad header", "content error", "content type"),
            rule(Reason.NOTACCEPT, "no smtp service", "does not accept mail", "null mx", "not accepting mail", "no mail service", "accepts no mail", "does not receive mail", "not accept any mail"),
            rule(Reason.NETWORKERROR, "network error", "connection refused", "network is unreachable", "no route to host", "connection reset", "lost connection", "mail loop", "loops back to myself", "too many hops", "routing loop", "host is unreachable", "unable to connect", "could not connect", "connect to", "connection closed", "dns lookup"),
            rule(Reason.SYNTAXERROR, "improper sequence", "bad sequence", "syntax error", "command unrecognized", "unrecognized command", "bad syntax", "command not recognized"),
            rule(Reason.SYSTEMERROR, "system error", "internal error", "server error", "local error", "configuration error", "config error", "misconfigur", "i/o error", "temporary local problem", "temporarily unavailable", "temporary failure", "system failure", "server failure", "local delivery failed", "service unavailable", "not available", "unavailable")
    );

    /** The rules' phrases, ranked by rule index. */
    private static final PhraseIndex PHRASES = new PhraseIndex(RULES.stream().map(Rule::phrases).toList());

    /** RFC 7372 authentication statuses x.7.23 .. x.7.27. */
    private static final Pattern AUTH_STATUS = Pattern.compile("\\d\\.7\\.2[3-7]");
    /** RFC 3463 §2 enhanced status code: class.subject.detail. */
    static final Pattern STATUS = Pattern.compile("(?<![\\d.])([245])\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d.]*\\d)");
    /** RFC 5321 §4.2 reply code at the start of a diagnostic (after an optional "smtp;" type). */
    static final Pattern REPLY = Pattern.compile("(?:^|[\\s;:(\\[\\]-])([45][0-7]\\d)(?:[\\s\\-]|$)");

    private Classifier() {
    }

    /** The reason a diagnostic text gives, or {@link Reason#UNDEFINED}. */
    static Reason fromText(String text) {
        if (text == null || text.isBlank()) {
            return Reason.UNDEFINED;
        }
        // the first rule (in order) any of whose phrases the text contains: all ~450 phrases in one pass
        int rule = PHRASES.lowestRank(text.toLowerCase(Locale.ROOT));
        return rule < 0 ? Reason.UNDEFINED : RULES.get(rule).reason();
    }

    /** RFC 3463 §3 subject and detail codes with one clear meaning. */
    static Reason fromStatus(String status) {
        if (status == null || status.length() < 5) {
            return Reason.UNDEFINED;
        }
        String code = status.substring(2);
        return switch (code) {
            case "1.1", "1.3", "1.0" -> code.equals("1.0") ? Reason.UNDEFINED : Reason.USERUNKNOWN;
            case "1.2" -> Reason.HOSTUNKNOWN;
            case "1.6" -> Reason.HASMOVED;
            case "1.7", "1.8" -> Reason.REJECTED;
            case "1.10" -> Reason.NOTACCEPT;
            case "2.1" -> Reason.SUSPEND;
            case "2.2" -> Reason.MAILBOXFULL;
            case "2.3" -> Reason.EXCEEDLIMIT;
            case "3.1" -> Reason.SYSTEMFULL;
            case "3.4" -> Reason.MESGTOOBIG;
            case "3.0", "3.2", "3.5", "4.3", "5.0" -> Reason.SYSTEMERROR;
            case "4.1", "4.2", "4.6", "4.0" -> Reason.NETWORKERROR;
            case "4.4" -> Reason.HOSTUNKNOWN;
            case "4.7" -> Reason.EXPIRED;
            case "5.1", "5.2", "5.4", "5.5" -> Reason.SYNTAXERROR;
            case "5.3" -> Reason.EXCEEDLIMIT;
            case "6.0", "6.1", "6.2", "6.3", "6.4", "6.5" -> Reason.CONTENTERROR;
            case "7.1" -> Reason.REJECTED;
            case "7.7" -> Reason.SECURITYERROR;
            case "7.13" -> Reason.SUSPEND;
            case "7.23", "7.24" -> Reason.AUTHFAILURE;
            case "7.25" -> Reason.REQUIREPTR;
            case "7.26", "7.27" -> Reason.AUTHFAILURE;
            case "7.10", "7.11" -> Reason.FAILEDSTARTTLS;
            case "7.0", "7.2", "7.3", "7.4", "7.5", "7.6", "7.8", "7.9", "7.12", "7.14" -> Reason.SECURITYERROR;
            default -> Reason.UNDEFINED;
        };
    }

    /**
     * The reason of a failed or delayed recipient: the text first (it is the most specific), except for statuses
     * whose meaning is unambiguous and often worded vaguely (x.4.7 expired, x.2.2 mailbox full), then the status,
     * then the reply code class.
     */
    static Reason classify(String status, String replyCode, String diagnostic) {
        if (status != null && status.startsWith("2.")) {
            return Reason.DELIVERED;
        }
        if (status != null && (status.endsWith(".4.7") || status.endsWith(".2.2") || status.endsWith(".2.3")
                || AUTH_STATUS.matcher(status).matches())) {
            return fromStatus(status);
        }
        Reason byText = fromText(diagnostic);
        if (byText != Reason.UNDEFINED) {
            return byText;
        }
        Reason byStatus = fromStatus(status);
        if (byStatus != Reason.UNDEFINED) {
            return byStatus;
        }
        if (replyCode != null) {
            return switch (replyCode) {
                case "552", "452" -> Reason.MAILBOXFULL;
                case "421" -> Reason.NETWORKERROR;
                case "553", "501" -> Reason.SYNTAXERROR;
                default -> Reason.UNDEFINED;
            };
        }
        return Reason.UNDEFINED;
    }

    /** The SMTP command a remote server's reply answered (RFC 5321 §4.1.1), as a bounce names it. */
    enum Command { HELO, MAIL, RCPT, DATA, UNKNOWN }

    /**
     * How bounces name the step a reply answered, lower case, whitespace as single spaces; a phrase matches only
     * where no letter follows it. DATA: the remote server refused the content.
     */
    private static final List<String> AFTER_DATA = List.of(">>> data", "after end of data", "smtp command: data",
            "smtp command data", "end of data command", "after data command", "in reply to data", "after sending the message",
            "after sending message", "after sending the data", "after sending data", "for text command",
            "for data command", "after data",
            // qmail-remote's wordings for a refusal of the content
            "failed on data command", "failed after i sent the message");
    /** RCPT TO (Postfix "in reply to RCPT TO command", Exim "after RCPT TO", transcripts, qmail). */
    private static final List<String> AFTER_RCPT = List.of("in reply to rcpt to", "after rcpt to", ">>> rcpt",
            "for rcpt command", "for rcpt to command", "smtp command: rcpt", "smtp command rcpt", "rcpt to command",
            "after rcpt", "[rcpt_to]",
            // qmail-remote's wording for a refused RCPT TO
            "does not like recipient");
    private static final List<String> AFTER_MAIL = List.of("in reply to mail from", "after mail from", ">>> mail",
            "for mail command", "for mail from command", "smtp command: mail", "smtp command mail",
            "mail from command", "sender was rejected", "[mail_from]");
    /** The greeting or HELO/EHLO (RFC 5321 §4.1.1.1): the reply is about the client, not a mailbox. */
    private static final List<String> AFTER_HELO = List.of("in reply to helo", "in reply to ehlo", "after helo",
            "after ehlo", ">>> helo", ">>> ehlo", "helo command", "ehlo command", "[helo]", "[ehlo]", "smtp greeting",
            "initial greeting",
            // qmail-remote's wording for a refused HELO
            "my name was rejected");
    /** Each run of whitespace ({@code \s} of java.util.regex: space, tab, LF, VT, FF, CR) as one space. */
    static String singleSpaced(String text) {
        StringBuilder out = null;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean space = isSpace(c);
            if (!space) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            int end = i + 1;
            while (end < n && isSpace(text.charAt(end))) {
                end++;
            }
            if (out == null) {
                if (c == ' ' && end == i + 1) {
                    continue;
                }
                out = new StringBuilder(n).append(text, 0, i);
            }
            out.append(' ');
            i = end - 1;
        }
        return out == null ? text : out.toString();
    }

    /** {@code \s} of java.util.regex: space, tab, LF, VT, FF, CR. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** The command the reply in {@code context} answered: the first one the text names. */
    static Command command(String context) {
        if (context == null || context.isEmpty()) {
            return Command.UNKNOWN;
        }
        String flat = singleSpaced(context.toLowerCase(Locale.ROOT));
        Command found = Command.UNKNOWN;
        int first = Integer.MAX_VALUE;
        for (Command command : List.of(Command.DATA, Command.RCPT, Command.MAIL, Command.HELO)) {
            List<String> phrases = switch (command) {
                case DATA -> AFTER_DATA;
                case RCPT -> AFTER_RCPT;
                case MAIL -> AFTER_MAIL;
                default -> AFTER_HELO;
            };
            for (String phrase : phrases) {
                int at = indexOfPhrase(flat, phrase);
                if (at >= 0 && at < first) {
                    first = at;
                    found = command;
                }
            }
        }
        return found;
    }

    /** The first place {@code phrase} occurs in {@code text} with no letter right after it, or -1. */
    private static int indexOfPhrase(String text, String phrase) {
        for (int at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
            int end = at + phrase.length();
            if (end >= text.length() || !Character.isLetter(text.charAt(end))) {
                return at;
            }
        }
        return -1;
    }

    /**
     * sisimai's distinction between an unknown user and a filter: a "no such user" reply given in answer to RCPT TO
     * (where a server says whether a mailbox exists) or with x.1.x is an unknown user; the same words after DATA,
     * or with x.2.0/x.2.1 (mailbox disabled, RFC 3463 §3.3) at no known step, are a filter's decision on the
     * content or the sender ("filtered").
     */
    static Reason byCommand(Reason reason, String status, Command command) {
        if (reason != Reason.USERUNKNOWN || command == Command.RCPT || command == Command.MAIL) {
            return reason;
        }
        if (command == Command.DATA) {
            return status != null && status.endsWith(".1.1") ? reason : Reason.FILTERED;
        }
        return status != null && (status.endsWith(".2.1") || status.endsWith(".2.0")) ? Reason.FILTERED : reason;
    }

    /** Reasons a refused MAIL FROM may have been read as that say nothing more about the sender. */
    private static final java.util.Set<Reason> VAGUE_FOR_MAIL = java.util.EnumSet.of(Reason.UNDEFINED,
            Reason.SYSTEMERROR, Reason.SYNTAXERROR, Reason.USERUNKNOWN, Reason.FILTERED, Reason.SECURITYERROR);
    /** Reasons a refused HELO may have been read as: at that step no recipient or message is known yet. */
    private static final java.util.Set<Reason> VAGUE_FOR_HELO = java.util.EnumSet.of(Reason.UNDEFINED,
            Reason.SYSTEMERROR, Reason.SYNTAXERROR, Reason.USERUNKNOWN, Reason.FILTERED, Reason.POLICYVIOLATION,
            Reason.SECURITYERROR, Reason.HOSTUNKNOWN, Reason.REJECTED, Reason.EXPIRED);

    /**
     * The reason of a failed or delayed recipient once the text, status and step are known:
     * <ul>
     *   <li>{@link #byCommand}: unknown user or filter;</li>
     *   <li>a refusal of MAIL FROM (RFC 5321 §3.3) is about the sender: "rejected";</li>
     *   <li>a refusal of the greeting or HELO/EHLO is about the client host: "blocked";</li>
     *   <li>a delay (RFC 3464 §2.3.3 action "delayed") with no specific cause: "expired" (still undelivered);</li>
     *   <li>nothing known at all: "onhold" (sisimai's word for a bounce too vague to decide).</li>
     * </ul>
     */
    static Reason settle(Reason reason, String status, Command command, boolean delayed) {
        Reason r = byCommand(reason, status, command);
        if (command == Command.MAIL && VAGUE_FOR_MAIL.contains(r)) {
            r = Reason.REJECTED;
        } else if (command == Command.HELO && VAGUE_FOR_HELO.contains(r)) {
            r = Reason.BLOCKED;
        }
        // x.4.0 is RFC 3463's catch-all "other network or routing status": no more specific than no status
        boolean catchAll = r == Reason.NETWORKERROR && status != null && status.endsWith(".4.0");
        if (delayed && (r == Reason.UNDEFINED || r == Reason.SYSTEMERROR || catchAll)) {
            r = Reason.EXPIRED;
        }
        return r == Reason.UNDEFINED ? Reason.ONHOLD : r;
    }

    /** The first RFC 3463 status code in {@code text}, or {@code null}. */
    static String statusIn(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = STATUS.matcher(text);
        return m.find() ? m.group(1) + "." + m.group(2) + "." + m.group(3) : null;
    }

    /** The first SMTP reply code in {@code text}, or {@code null}. */
    static String replyCodeIn(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = REPLY.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /**
     * A status for a recipient whose report gives none (RFC 3463 §3 codes matching the reason), the class taken
     * from the reply code (4 temporary, 5 permanent), else from the action (delayed is temporary).
     */
    static String inferStatus(Reason reason, String replyCode, boolean delayed) {
        char cls = replyCode != null ? replyCode.charAt(0) : delayed ? '4' : '5';
        if (reason == Reason.EXPIRED && replyCode == null) {
            cls = delayed ? '4' : '5';
        }
        String detail = switch (reason) {
            case USERUNKNOWN -> "1.1";
            case HOSTUNKNOWN -> "1.2";
            case HASMOVED -> "1.6";
            case REJECTED -> "1.8";
            case NOTACCEPT -> "1.10";
            case SUSPEND -> "2.1";
            case MAILBOXFULL -> "2.2";
            case EXCEEDLIMIT -> "2.3";
            case SYSTEMFULL -> "3.1";
            case MESGTOOBIG -> "3.4";
            case NETWORKERROR -> "4.1";
            case EXPIRED -> "4.7";
            case SYNTAXERROR -> "5.2";
            case CONTENTERROR, NOTCOMPLIANTRFC -> "6.0";
            case SYSTEMERROR, MAILERERROR -> "3.0";
            case TOOMANYCONN, SPEEDING -> "7.1";
            case AUTHFAILURE -> "7.26";
            case REQUIREPTR -> "7.25";
            case FAILEDSTARTTLS -> "7.10";
            case BLOCKED, SPAMDETECTED, NORELAYING, VIRUSDETECTED, BADREPUTATION, POLICYVIOLATION, FILTERED,
                 SECURITYERROR -> "7.1";
            default -> "0.0";
        };
        return cls + "." + detail;
    }
}
