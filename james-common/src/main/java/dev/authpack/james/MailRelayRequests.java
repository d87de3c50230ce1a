package dev.authpack.james;

import dev.authpack.dns.IpLiterals;
import dev.authpack.relay.RelayRequest;
import dev.authpack.relay.RelayRule;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Turns what James put on a {@link Mail} into {@link RelayRequest}s. */
public final class MailRelayRequests {
    /**
     * The client's names as {@code dev.authpack.james.smtp.RelayPolicyRcptHook} verified them through the pack's resolver (a list of
     * strings, empty when the client has no verified name); absent when the hook looked no name up.
     */
    public static final AttributeName VERIFIED_CLIENT_NAMES = AttributeName.of("authpack.relay.verified-client-names");
    /**
     * Set by {@code dev.authpack.james.matchers.RelayAllowed} when the relay policy let the mail out because it
     * trusts the client itself ({@link RelayRule#trustsClient}: relay_hosts, relay_from, an authenticated user), to
     * the rule's key; removed when it did not. DkimSign signs such a client's mail (review s22).
     */
    public static final AttributeName TRUSTED_CLIENT = AttributeName.of("authpack.relay.trusted-client");
    /** More names than the hook ever verifies ({@code IprevChecker.DEFAULT_MAX_NAMES}): the rest is not read. */
    private static final int MAX_NAMES = 10;

    private MailRelayRequests() {
    }

    /**
     * The client address, parsed without DNS as MailAuthCheck reads it ({@link IpLiterals#parseClientAddress}: the
     * zone James records for a link-local IPv6 client, {@code fe80:0:0:0:0:0:0:1%2}, dropped, so that the matchers
     * judge the address the relay hook judged; review s20; a link-local client matches no relay entry, s21); empty
     * when James recorded none or something unparseable, or a zone on an address outside fe80::/10.
     */
    public static Optional<InetAddress> clientIp(Mail mail) {
        String text = mail.getRemoteAddr();
        Optional<InetAddress> ip = IpLiterals.parseClientAddress(text);
        // a zone is given to link-local clients (fe80::/10: matched by no relay entry, review s21); on any other
        // address it is not what a TCP peer gets, and dropping it would let the bytes match: no usable address
        if (ip.isPresent() && text.indexOf('%') >= 0 && !IpLiterals.isLinkScoped(ip.get())) {
            return Optional.empty();
        }
        return ip;
    }

    /**
     * The client's verified names: those the relay hook verified at RCPT through the pack's resolver
     * ({@link #VERIFIED_CLIENT_NAMES}), so that the hook and the matcher judge by the same names; else the one
     * James sets in {@code getRemoteHost()} from {@code InetSocketAddress.getHostName()}, which the JDK
     * forward-confirms and otherwise replaces with the address text (an address text is no name).
     */
    public static List<Optional<String>> clientNames(Mail mail) {
        Optional<Attribute> verified = mail.getAttribute(VERIFIED_CLIENT_NAMES);
        if (verified.isPresent()) {
            List<Optional<String>> names = new ArrayList<>();
            if (verified.get().getValue().value() instanceof Collection<?> values) {
                values.stream().limit(MAX_NAMES)
                        .map(MailAttributes::unwrap)
                        .filter(String.class::isInstance).map(String.class::cast)
                        .forEach(n -> names.add(Optional.of(n)));
            }
            return names.isEmpty() ? List.of(Optional.empty()) : names;
        }
        return List.of(Optional.ofNullable(mail.getRemoteHost()).map(String::strip)
                .filter(n -> !n.isEmpty() && !IpLiterals.isLiteral(n)));
    }

    /**
     * The SMTP AUTH user James recorded ({@link Mail#SMTP_AUTH_USER}, a string), if any and not blank. A value of
     * another type is no user (review s21: not its {@code toString()}, which made any such value an authenticated
     * user for IsAuthenticated and RelayAllowed); {@link #authRecorded} still counts it.
     */
    public static Optional<String> authUser(Mail mail) {
        return mail.getAttribute(Mail.SMTP_AUTH_USER)
                .map(a -> a.getValue().value())
                .filter(String.class::isInstance).map(String.class::cast)
                .map(String::strip)
                .filter(u -> !u.isEmpty());
    }

    /**
     * True when James recorded an SMTP AUTH user at all ({@link Mail#SMTP_AUTH_USER} set, readable or not): for
     * decisions where an authenticated client is the stricter reading (HasAuthResult's own-network test).
     */
    public static boolean authRecorded(Mail mail) {
        return mail.getAttribute(Mail.SMTP_AUTH_USER).isPresent();
    }

    /** Records {@link #TRUSTED_CLIENT}: the rule's key when the policy trusted the client, else removed. */
    public static void recordTrustedClient(Mail mail, Optional<RelayRule> rule) {
        if (rule.isPresent() && rule.get().trustsClient()) {
            mail.setAttribute(new Attribute(TRUSTED_CLIENT, AttributeValue.of(rule.get().label())));
        } else {
            mail.removeAttribute(TRUSTED_CLIENT);
        }
    }

    /** True when {@link #TRUSTED_CLIENT} says the relay policy trusted the client (a string, as recorded). */
    public static boolean trustedClient(Mail mail) {
        return mail.getAttribute(TRUSTED_CLIENT).map(a -> a.getValue().value()).filter(String.class::isInstance)
                .isPresent();
    }

    public static String mailFrom(Mail mail) {
        return mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("");
    }

    public static RelayRequest request(InetAddress clientIp, Optional<String> clientName, String mailFrom,
                                MailAddress recipient, Optional<String> authUser) {
        return new RelayRequest(clientIp, clientName, mailFrom, recipient.asString(), authUser);
    }
}
