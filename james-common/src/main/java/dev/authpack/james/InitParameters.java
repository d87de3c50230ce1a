package dev.authpack.james;

import org.apache.mailet.MailetConfig;

import javax.mail.MessagingException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The one check of a mailet's or SMTP hook's parameter names at init. An unknown name (a misspelt
 * {@code <verpprefix>} would leave VERP decoding off without a word) stops James at start with a message that names
 * it and lists every accepted parameter, sorted:
 * {@code LogReport: unknown parameter(s) [verpprefix]; accepted: [logger, verpDelimiter, verpPrefix]}. James' own
 * {@code GenericMailet.checkInitParameters} names the unknown one only.
 */
public final class InitParameters {
    /** Parameters James' mailet container reads on every mailet ({@code GenericMailet}'s own check accepts them). */
    public static final Set<String> JAMES_MAILET_PARAMETERS = Set.of("onMailetException", "onMatchException");

    private InitParameters() {
    }

    /**
     * The message naming the names {@code accepted} does not hold, or empty when it holds them all. Names are
     * stripped (as James' mailet container does); {@code [@...]} keys are XML attributes (an SMTP hook is handed its
     * own {@code <handler class="...">} element), no parameters.
     */
    public static Optional<String> unknown(String component, Iterator<String> names, Set<String> accepted) {
        Set<String> unknown = unknownNames(names, accepted::contains);
        return unknown.isEmpty() ? Optional.empty() : Optional.of(message(component, unknown, accepted));
    }

    /**
     * A mailet's check: its parameters must be in {@code accepted} or {@link #JAMES_MAILET_PARAMETERS}.
     *
     * @throws MessagingException naming the unknown parameters and listing the accepted ones
     */
    public static void check(String mailet, MailetConfig config, Set<String> accepted) throws MessagingException {
        Set<String> unknown = unknownNames(config.getInitParameterNames(),
                name -> accepted.contains(name) || JAMES_MAILET_PARAMETERS.contains(name));
        if (!unknown.isEmpty()) {
            throw new MessagingException(message(mailet, unknown, accepted) + " and James' own "
                    + new TreeSet<>(JAMES_MAILET_PARAMETERS));
        }
    }

    /**
     * A true/false parameter's value ({@code true}/{@code yes}/{@code on}, {@code false}/{@code no}/{@code off}, any
     * case); {@code otherwise} when absent or blank.
     *
     * @throws IllegalArgumentException naming the parameter, for anything else
     */
    public static boolean flag(String name, String value, boolean otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("parameter " + name + " must be true or false, not '"
                    + value + "'");
        };
    }

    private static Set<String> unknownNames(Iterator<String> names, Predicate<String> accepted) {
        Set<String> unknown = new TreeSet<>();
        while (names.hasNext()) {
            String name = names.next().strip();
            if (!name.startsWith("[@") && !accepted.test(name)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    private static String message(String component, Set<String> unknown, Set<String> accepted) {
        return component + ": unknown parameter(s) " + unknown + "; accepted: " + new TreeSet<>(accepted);
    }
}
