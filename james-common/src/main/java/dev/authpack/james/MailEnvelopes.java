package dev.authpack.james;

import dev.authpack.check.Envelope;
import org.apache.mailet.Mail;
import org.apache.james.core.MailAddress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads the SMTP envelope James recorded on a {@link Mail} (see JAMES.md: attributes set at reception). */
public final class MailEnvelopes {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%a-zA-Z0-9]*");

    private MailEnvelopes() {
    }

    public static Envelope of(Mail mail) throws UnknownHostException {
        InetAddress client = literal(mail.getRemoteAddr());
        String helo = stringAttribute(mail, Mail.SMTP_HELO).orElse("");
        String mailFrom = mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("");
        Optional<String> authUser = stringAttribute(mail, Mail.SMTP_AUTH_USER);
        return new Envelope(client, helo, mailFrom,
                mail.getRecipients().stream().map(MailAddress::asString).toList(), authUser);
    }

    public static Optional<String> stringAttribute(Mail mail, org.apache.mailet.AttributeName name) {
        return mail.getAttribute(name).map(a -> a.getValue().value())
                .filter(String.class::isInstance).map(String.class::cast).filter(s -> !s.isBlank());
    }

    /** Parses an address literal without ever asking DNS (InetAddress.getByName would resolve a name). */
    public static InetAddress literal(String remoteAddr) throws UnknownHostException {
        if (remoteAddr == null) {
            throw new UnknownHostException("mail has no remote address");
        }
        String text = remoteAddr.trim();
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        int zone = text.indexOf('%');
        if (zone > 0 && text.indexOf(':') >= 0) {
            // RFC 4007 §11: a zone id (fe80::1%eth0, as the JDK reports link-local clients) names our interface,
            // nothing SPF or iprev look at; InetAddress would fail on an interface this host does not have
            text = text.substring(0, zone);
        }
        boolean ipv4 = IPV4.matcher(text).matches();
        if (ipv4 && !java.util.Arrays.stream(text.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255)) {
            throw new UnknownHostException("remote address is not an IP literal: " + remoteAddr);
        }
        // with a ':' in it, InetAddress parses an IPv6 literal or fails; it never asks DNS
        if (!ipv4 && !(IPV6.matcher(text).matches() && text.contains(":"))) {
            throw new UnknownHostException("remote address is not an IP literal: " + remoteAddr);
        }
        return InetAddress.getByName(text);
    }
}
