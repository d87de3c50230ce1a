package dev.authpack.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The sample configuration's authpack lines, taken out for a James started without the pack JAR (which could not
 * load them): the relay hook goes, the {@code RelayAllowed} matcher becomes James' own {@code SMTPAuthSuccessful},
 * the authpack mailets go, and so does the Guice module. Applied by {@link AuthpackJames.Builder} when no extension
 * JAR is installed at all ({@link AuthpackJames.Builder#withoutPack()} and nothing added).
 */
final class PacklessConfiguration {
    private static final Pattern HOOK = Pattern.compile(
            "(?s)(?:<!--(?:(?!-->).)*?-->\\s*)?<handler class=\"dev\\.authpack\\.james\\.smtp\\.[A-Za-z]+\">.*?</handler>\\s*");
    private static final Pattern RELAY_ALLOWED = Pattern.compile("match=\"dev\\.authpack\\.james\\.matchers\\.RelayAllowed=[^\"]*\"");
    private static final Pattern MAILET = Pattern.compile(
            "(?s)<mailet match=\"[^\"]*\" class=\"dev\\.authpack\\.james\\.mailets\\.[A-Za-z]+\"\\s*(?:/>|>.*?</mailet>)");
    private static final Pattern MODULE = Pattern.compile("(?m)^guice\\.extension\\.module=dev\\.authpack\\..*$");

    private PacklessConfiguration() {
    }

    /** The edits, by file name, for the files {@code template} has. */
    static Map<String, UnaryOperator<String>> edits(Path template) {
        Map<String, UnaryOperator<String>> all = new LinkedHashMap<>();
        all.put("smtpserver.xml", xml -> HOOK.matcher(xml).replaceAll(""));
        all.put("mailetcontainer.xml", xml -> MAILET.matcher(
                RELAY_ALLOWED.matcher(xml).replaceAll("match=\"SMTPAuthSuccessful\"")).replaceAll(""));
        all.put("extensions.properties", text -> MODULE.matcher(text).replaceAll(""));
        all.keySet().removeIf(file -> !Files.isRegularFile(template.resolve(file)));
        return all;
    }
}
