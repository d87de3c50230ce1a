package dev.authpack.james;

import dev.authpack.conformance.ConformanceConfig;
import dev.authpack.conformance.ConformanceIssue;
import dev.authpack.conformance.ConformanceOutcome;
import dev.authpack.conformance.ConformancePolicy;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The settings {@code FixConformance} (mailet) and {@code FixConformanceHook} (SMTP hook) share, read the same way
 * from either's configuration, and the attributes they set (docs/FixConformance.md).
 */
public final class ConformanceParameters {
    public static final String CHECKS = "checks";
    public static final String FIXES = "fixes";
    public static final String DETECT_ENCODING = "detectEncoding";
    public static final String INCLUDE_ENCODINGS = "includeEncodings";
    public static final String EXCLUDE_ENCODINGS = "excludeEncodings";
    public static final String SERVER_ID = "serverId";
    /** Every shared parameter name. */
    public static final Set<String> NAMES = Set.of(CHECKS, FIXES, DETECT_ENCODING, INCLUDE_ENCODINGS,
            EXCLUDE_ENCODINGS, SERVER_ID);

    /** The labels of the failed checks, {@code |}-separated and sorted (KumoMTA's list form). */
    public static final AttributeName ISSUES = AttributeName.of("authpack.conformance.issues");
    /** The labels of the issues that were repaired, same form. */
    public static final AttributeName FIXED = AttributeName.of("authpack.conformance.fixed");
    /**
     * The labels of the fixes that could not be looked for past where a bound or a parse error stopped the walk of
     * the MIME tree ({@link ConformanceOutcome#unwalked()}), same form: the message may carry them unrepaired (review
     * s23 C1).
     */
    public static final AttributeName UNCHECKED = AttributeName.of("authpack.conformance.unchecked");

    private ConformanceParameters() {
    }

    /**
     * The policy from parameters read through {@code parameter} (null or blank for an absent one).
     *
     * @throws IllegalArgumentException naming the bad parameter and listing what it accepts
     */
    public static ConformancePolicy policy(Function<String, String> parameter) {
        String detect = text(parameter.apply(DETECT_ENCODING));
        if (detect != null && !detect.equalsIgnoreCase("true") && !detect.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(DETECT_ENCODING + " must be true or false, not '" + detect + "'");
        }
        String serverId = text(parameter.apply(SERVER_ID));
        return ConformanceConfig.policy(text(parameter.apply(CHECKS)), text(parameter.apply(FIXES)),
                detect != null && detect.toLowerCase(Locale.ROOT).equals("true"),
                text(parameter.apply(INCLUDE_ENCODINGS)), text(parameter.apply(EXCLUDE_ENCODINGS)),
                serverId == null ? localHostName() : serverId, Clock.systemUTC());
    }

    /** Sets {@code name} to the labels, {@code |}-separated. */
    public static void store(Mail mail, AttributeName name, Set<ConformanceIssue> issues) {
        mail.setAttribute(new Attribute(name, AttributeValue.of(ConformanceIssue.join(issues, "|"))));
    }

    /**
     * {@link #store}, for a decision already taken (the mail sent to the processor, the message replaced): {@code ""},
     * or, when the mail refuses the attribute, the words that end the log line of that decision ("; not marked: ..."
     * with the reason), so that the line stays true (review s21).
     */
    public static String mark(Mail mail, AttributeName name, Set<ConformanceIssue> issues) {
        try {
            store(mail, name, issues);
            return "";
        } catch (RuntimeException e) {
            return "; not marked: attribute " + name.asString() + " could not be stored: " + LogText.of(e.toString());
        }
    }

    /**
     * When the walk stopped short of fixes it looks for: marks {@link #UNCHECKED} and returns the log line's words
     * ({@code NAME_ENDS_WITH_SPACE not checked past more than 1000 header fields, ...: not repaired}); otherwise
     * returns empty and marks nothing.
     */
    public static Optional<String> markUnwalked(Mail mail, ConformanceOutcome outcome) {
        ConformanceOutcome.Unwalked unwalked = outcome.unwalked();
        if (unwalked.issues().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ConformanceIssue.join(unwalked.issues(), ", ") + " not checked past " + unwalked.bound()
                + " (where the walk of the MIME tree stopped): not repaired there"
                + mark(mail, UNCHECKED, unwalked.issues()));
    }

    /**
     * Sets {@code authpack.conformance.skipped} ({@link MessageSizeLimit#CONFORMANCE_SKIPPED}) to {@code reason}, on
     * a mail that goes on unchecked; what the log line says of it (the mark may fail: the mail goes on all the same).
     */
    public static String markSkipped(Mail mail, String reason) {
        try {
            mail.setAttribute(new Attribute(MessageSizeLimit.CONFORMANCE_SKIPPED, AttributeValue.of(reason)));
            return "marked " + MessageSizeLimit.CONFORMANCE_SKIPPED.asString();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return "not marked (" + e.getClass().getSimpleName() + ")";
        }
    }

    private static String text(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String localHostName() {
        try {
            String name = InetAddress.getLocalHost().getCanonicalHostName();
            return name.matches("[A-Za-z0-9.-]+") ? name : "localhost"; // not an IPv6 literal
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
